"""The data every later stage reads: one `Note` per Markdown file of the vault.

Everything here is plain data, produced by `vault.loader` and never by MkDocs. Line numbers are
0-based file lines (line 0 is the first `---` of the frontmatter), as Dataview counts them; messages
to users print them 1-based. Paths are vault-relative POSIX strings with their extension
(`Projects/Apollo Rollout.md`). Values are raw: frontmatter as YAML 1.2 gives it, inline fields as the
text written; `dataview.values` owns how they become typed Dataview values.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Link:
    """One `[[wikilink]]`, `![[embed]]` or Markdown link to a vault file, as written."""

    target: str  # link path as written, without `#subpath` or `|display`; "" for `[[#Heading]]`
    subpath: str | None  # "Heading", "Heading#Sub" or "^block-id" (no leading '#'), None if absent
    display: str | None  # the text after '|' (for images it may be a size such as "300x200")
    embed: bool
    line: int  # 0-based file line
    origin: str = "body"  # "body" or "frontmatter"
    key: str | None = None  # frontmatter key or inline-field key that holds the link
    markdown: bool = False  # written as [text](target.md) rather than [[target]]
    resolved: str | None = None  # vault path of the target, filled in by links.resolve


@dataclass(slots=True)
class InlineField:
    """`Key:: value`, `[key:: value]` or `(key:: value)` as written in the body."""

    key: str
    value: str  # raw text, stripped
    line: int
    item_line: int | None = None  # line of the list item it sits on, if any
    on_task: bool = False  # fields on tasks belong to the task, not the page (Dataview's rule)
    wrapped: str | None = None  # None for a full-line field, "[" or "(" for the inline forms


@dataclass(slots=True)
class ListItem:
    """A list item; a task when `status` is not None."""

    line: int
    parent: int | None  # line of the enclosing list item, None at top level
    status: str | None  # the character between the brackets, None for a plain bullet
    text: str  # text after the marker and checkbox, continuation lines joined with "\n"
    line_count: int = 1
    symbol: str = "-"  # "-", "*", "+" or "1." etc.
    section: str | None = None  # text of the nearest heading above it
    tags: list[str] = field(default_factory=list)  # "#tag" as written on the item
    fields: dict[str, list[str]] = field(default_factory=dict)  # inline fields on the item (raw)
    dates: dict[str, str] = field(default_factory=dict)  # due/scheduled/start/completion/created, raw "YYYY-MM-DD"
    block_id: str | None = None
    children: list[int] = field(default_factory=list)  # lines of direct sub-items, in order

    @property
    def is_task(self) -> bool:
        return self.status is not None


@dataclass(slots=True)
class Heading:
    level: int
    text: str  # as written, without the leading #'s
    line: int


@dataclass(slots=True)
class BlockId:
    id: str  # without the caret
    line: int  # line of the block's last line (where `^id` is written)
    kind: str = "paragraph"  # "paragraph", "list", "table", "heading"


@dataclass(slots=True)
class Note:
    """One Markdown note of the vault, after reading and parsing, before any resolution."""

    path: str  # "Projects/Apollo Rollout.md"
    head: str = ""  # the whole decoded file up to `body`: its frontmatter block ("" when it has none)
    frontmatter: dict[str, Any] = field(default_factory=dict)  # {} when absent or invalid
    frontmatter_valid: bool = True  # False: an invalid block that is dropped from the output
    body: str = ""  # text after the frontmatter block (the whole text when there is none)
    body_line: int = 0  # file line on which `body` starts
    aliases: list[str] = field(default_factory=list)
    etags: list[str] = field(default_factory=list)  # tags as written, "#a/b", frontmatter first, deduped
    tags: list[str] = field(default_factory=list)  # etags plus every parent ("#a", "#a/b")
    fields: list[InlineField] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    block_ids: list[BlockId] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)  # frontmatter links first, then body in order
    list_items: list[ListItem] = field(default_factory=list)
    day: dt.date | dt.datetime | None = None
    size: int = 0
    mtime: dt.datetime | None = None  # aware datetimes, from vault.clock
    ctime: dt.datetime | None = None
    published: bool = True
    # Why the note is held back whatever its properties say, when its frontmatter could not be read but
    # may say `publish: false` (a block that is not valid YAML, or one over the size cap): None if read.
    held: str | None = None

    @property
    def text(self) -> str:
        """The whole decoded file. Made from its two parts when asked for (a few times a build), not
        kept as a third string: that held every note's body twice (at 10,000 notes, 28 MB)."""
        return self.head + self.body

    @property
    def folder(self) -> str:
        return self.path.rpartition("/")[0]

    @property
    def name(self) -> str:
        """File name without extension, as Obsidian and Dataview's `file.name` show it."""
        base = self.path.rpartition("/")[2]
        return base[:-3] if base.lower().endswith(".md") else base

    @property
    def title(self) -> str:
        """What the site shows as the page title: the frontmatter `title`, else the file name."""
        value = self.frontmatter.get("title")
        if isinstance(value, str) and value.strip():
            return value.strip()
        return self.name

    @property
    def type(self) -> str | None:
        value = self.frontmatter.get("type")
        return value.strip() if isinstance(value, str) and value.strip() else None

    @property
    def tasks(self) -> list[ListItem]:
        return [item for item in self.list_items if item.status is not None]


class _Body:
    """`Note.body`, which `compact_bodies` may keep as UTF-8: reading it gives the same text back.

    A body with one character beyond U+FFFF (a task's 📅) takes 4 bytes a character as a Python string:
    at 10,000 notes 8,400 of them held 29 MB, about three times their UTF-8. What reads a body once its
    page is rendered is rare (an embed of it, the export), and a page renders once in a build."""

    def __init__(self, slot: Any) -> None:
        self.slot = slot  # the member descriptor of the `body` slot

    def __get__(self, note: Note | None, owner: type | None = None) -> Any:
        if note is None:
            return self
        value = self.slot.__get__(note, owner)
        return value.decode("utf-8", "surrogatepass") if type(value) is bytes else value

    def __set__(self, note: Note, value: str) -> None:
        self.slot.__set__(note, value)


Note.body = _Body(Note.body)  # type: ignore[assignment]


def compact_bodies(notes: Iterable[Note]) -> None:
    """Keep every note's body as UTF-8 where that is smaller (see `_Body`); `Note.body` still reads as
    the text. For a build that reads the bodies no more than about once each from here on."""
    slot = Note.body.slot  # type: ignore[attr-defined]
    get, put = slot.__get__, slot.__set__
    for note in notes:
        body = get(note)
        if type(body) is str and not body.isascii():
            data = body.encode("utf-8", "surrogatepass")
            if sys.getsizeof(data) < sys.getsizeof(body):  # (a string of Latin-1 is smaller as it is)
                put(note, data)


@dataclass(slots=True)
class Attachment:
    """A non-Markdown file of the vault (image, PDF, canvas, base ...)."""

    path: str
    size: int = 0
    published: bool = False  # only attachments used by published notes are published
