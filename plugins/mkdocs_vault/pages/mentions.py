"""Linked mentions: the published notes that link to a note, each with the line around the link,
grouped by the linking note's type.

The context line is the source note's own text (comments and private inline fields removed first),
without its list, heading or callout markers, with its inline Markdown and links rendered and the link
to this note marked; a long line is cut between words, never inside a link or code span. A link written in the
frontmatter shows the property that holds it instead of a line.
"""

from __future__ import annotations

import functools
import html
import sys
from array import array
from collections.abc import Callable, Iterable, Mapping
from itertools import accumulate

from ..vault.model import Note
from .addresses import relative
from .data import Mention, NoteRow, SiteData, title_order
from .inline import InlineRenderer, without_comments

MAX_CONTEXTS = 5  # per linking note: enough to see how it is mentioned, not a copy of the note

MakeInline = Callable[[str, str], InlineRenderer]  # (source path, page url) -> renderer


class NoteLines:
    """The comment-free lines of notes, computed once per note per build.

    Kept to the end of the build (every page's footer quotes lines of the notes linking to it), so kept
    small. Given the site's `mentions` (target -> mentions), only the lines a mention quotes are kept,
    each as UTF-8 where that is smaller: the whole text of a note with one 📅 takes four bytes a
    character (at 10,000 notes 41 MB when the site was written, most of it lines no footer quotes).
    Any other line, or every line without `mentions`: per note its lines joined into one string and
    where each starts, not a list of strings (an object for each of 400,000 lines was 36 MB)."""

    def __init__(
        self, notes: dict[str, Note], mentions: Callable[[], Mapping[str, Iterable[Mention]]] | None = None
    ) -> None:
        self.notes = notes
        self._mentions = mentions
        self._wanted: dict[str, set[int]] | None = None  # source -> the lines mentions quote of it
        self._quoted: dict[str, tuple[int, dict[int, str | bytes]]] = {}  # path -> (line count, lines)
        self._lines: dict[str, tuple[str, array[int]]] = {}

    def line(self, path: str, number: int) -> str:
        quoted = self._quoted.get(path)
        if quoted is None and self._mentions is not None and path not in self._lines:
            quoted = self._quote(path)
        if quoted is not None:
            count, kept = quoted
            got = kept.get(number)
            if got is not None:
                return got.decode("utf-8", "surrogatepass") if type(got) is bytes else got
            if not 0 <= number < count:
                return ""
            # (a line no mention quoted when they were read: the note's lines are made again, once)
        found = self._lines.get(path)
        if found is None:
            lines = self._split(path)
            # No line holds a line break (`splitlines`): line n is the text between two of the joins.
            starts = array("q", accumulate((len(line) + 1 for line in lines), initial=0))
            found = self._lines[path] = ("\n".join(lines), starts)
        text, starts = found
        return text[starts[number] : starts[number + 1] - 1] if 0 <= number < len(starts) - 1 else ""

    def _split(self, path: str) -> list[str]:
        note = self.notes.get(path)
        return without_comments(note.text).splitlines() if note is not None else []

    def _quote(self, path: str) -> tuple[int, dict[int, str | bytes]]:
        """Keep the lines of `path` that the mentions quote (`_wanted`)."""
        wanted = self._wanted
        if wanted is None:
            wanted = self._wanted = {}
            assert self._mentions is not None
            for mentions in self._mentions().values():
                for mention in mentions:
                    if mention.origin != "frontmatter":
                        wanted.setdefault(mention.source, set()).add(mention.line)
        lines = self._split(path)
        kept: dict[int, str | bytes] = {}
        for number in wanted.get(path, ()):
            if 0 <= number < len(lines):
                line = lines[number]
                kept[number] = line if line.isascii() else _smaller(line)
        quoted = self._quoted[path] = (len(lines), kept)
        return quoted


def _smaller(text: str) -> str | bytes:
    """`text`, or its UTF-8 where that takes less memory (`NoteLines`)."""
    data = text.encode("utf-8", "surrogatepass")
    return data if sys.getsizeof(data) < sys.getsizeof(text) else text


def _group_name(row: NoteRow) -> str:
    return row.type or "other"


def backlinks(data: SiteData, lines: NoteLines, make_inline: MakeInline, path: str, page_url: str) -> str:
    """The "Linked mentions" section of a note page ("" when nothing links here)."""
    by_source: dict[str, list[Mention]] = {}
    for mention in data.mentions.get(path, ()):
        if mention.source in data.notes:
            by_source.setdefault(mention.source, []).append(mention)
    if not by_source:
        return ""
    groups: dict[str, list[NoteRow]] = {}
    for source in by_source:
        row = data.notes[source]
        groups.setdefault(_group_name(row), []).append(row)
    parts = [
        '<section class="vault-backlinks" data-search-exclude>',
        f'<h2 id="vault-backlinks" data-search-exclude>Linked mentions <span class="vault-count">{len(by_source)}</span></h2>',
    ]
    for group in sorted(groups, key=lambda g: (g == "other", g.casefold(), g)):
        rows = sorted(groups[group], key=title_order)
        parts.append(
            f'<h3 class="vault-group" data-search-exclude>{html.escape(group)}</h3><ul class="vault-mentions">'
        )
        for row in rows:
            parts.append(
                _mention_item(row, by_source[row.path], lines, make_inline(row.path, page_url), path)
            )
        parts.append("</ul>")
    parts.append("</section>")
    return "".join(parts)


def _mention_item(
    row: NoteRow, mentions: list[Mention], lines: NoteLines, inline: InlineRenderer, target: str
) -> str:
    href = html.escape(relative(row.url, inline.page_url), quote=True)
    title, date = _item_text(row.title, row.date)
    contexts: list[str] = []
    seen: set[tuple[str, int | str | None]] = set()
    for m in mentions:
        key = (m.origin, m.key if m.origin == "frontmatter" else m.line)
        if key in seen:
            continue
        seen.add(key)
        if m.origin == "frontmatter":
            shown = f'<span class="vault-mention-key">{html.escape(m.key or "property")}</span> property'
        else:
            shown = inline.context(lines.line(m.source, m.line), target)
        if shown:
            contexts.append(f"<li>{shown}</li>")
        if len(contexts) == MAX_CONTEXTS:
            break
    context = f'<ul class="vault-context">{"".join(contexts)}</ul>' if contexts else ""
    return f'<li class="vault-mention"><a class="vault-link" href="{href}">{title}</a>{date}{context}</li>'


def quotes(
    data: SiteData,
    lines: NoteLines,
    make_inline: MakeInline,
    resolve: Callable[[str, str], str | None],
    source: str,
    target: str,
    path: str,
) -> bool:
    """Do `target`'s linked mentions quote a line of `source` that shows a link to `path` (`resolve`:
    (target as written, linking note) -> vault path)? Every line of `source` linking to `target` is
    looked at, not only the `MAX_CONTEXTS` shown, and every link `context` renders on it."""
    inline = None
    for mention in data.mentions.get(target, ()):
        if mention.source != source or mention.origin == "frontmatter":
            continue
        inline = inline or make_inline(source, "")
        if any(resolve(t, source) == path for t in inline.context_targets(lines.line(source, mention.line))):
            return True
    return False


@functools.lru_cache(maxsize=16384)  # a note is listed among the mentions of every note it links to
def _item_text(title: str, date: str | None) -> tuple[str, str]:
    """A mention's escaped title and its date element ("" without a date), once per note."""
    shown = f' <time datetime="{html.escape(date)}">{html.escape(date)}</time>' if date else ""
    return html.escape(title), shown
