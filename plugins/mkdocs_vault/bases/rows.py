"""What a base can see of each file: the published notes as Bases sees them, built from `Note`s.

A `FileRow` holds a note's frontmatter properties (only those: inline fields are Dataview's, not
Bases'), typed as the app types them, without the `private_keys`, and its file facts (`file.*`).
Only published notes become rows: an unpublished note is not in a base's results, a link to it does
not resolve, and it counts towards no one's backlinks. A `.base` file gets a row too, outside the
results, so a base page's `this` has its `file.*` facts.

Typing follows Obsidian's property types: `.obsidian/types.json` says what a key is (`date`,
`datetime`, `number`, `checkbox`, `text`, `multitext`, `tags`, `aliases`); without an entry, text
shaped like an ISO date is a date (the app infers the date widget the same way), `[[wikilinks]]` in
text are links, and everything else stays as YAML 1.2 gave it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..vault.model import Note
from .values import FileRef, Link, as_moment, link_key, parse_date

# (target as written, path of the note it is written in) -> published vault path, or None
Resolve = Callable[[str, str], str | None]

_WIKILINK = re.compile(r"^\s*!?\[\[([^\]|#]*)(#[^\]|]*)?(?:\|([^\]]*))?\]\]\s*$")


@dataclass(slots=True)
class FileRow:
    """One file as a base sees it (`file.*` and `note.*`)."""

    path: str
    properties: Mapping[str, Any] = field(default_factory=dict)
    size: int = 0
    ctime: dt.datetime | None = None
    mtime: dt.datetime | None = None
    # Every tag of the note (frontmatter and body) as written, with its '#', as the app's `file.tags`
    # gives them (the `tags` property itself holds them without).
    tags: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)  # every link, frontmatter ones first
    embeds: list[Link] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]

    @property
    def basename(self) -> str:
        stem, dot, _ = self.name.rpartition(".")
        return stem if dot else self.name

    @property
    def ext(self) -> str:
        stem, dot, ext = self.name.rpartition(".")
        return ext if dot and stem else ""

    @property
    def folder(self) -> str:
        return self.path.rpartition("/")[0]

    def has_tag(self, tag: str) -> bool:
        """`hasTag`: the tag itself or any tag nested below it, case-insensitively."""
        wanted = tag.lstrip("#").casefold()
        return any(
            (t := tag_of.lstrip("#").casefold()) == wanted or t.startswith(wanted + "/") for tag_of in self.tags
        )

    def in_folder(self, folder: str) -> bool:
        wanted = folder.strip("/")
        return wanted == "" or self.path.startswith(wanted + "/")


@dataclass
class Scope:
    """What names mean while one expression is evaluated for one row (`locals`: `value`, `index`,
    `acc` inside list functions, `values` in summary formulas)."""

    row: FileRow | None
    locals: Mapping[str, Any] = field(default_factory=dict)


class LazyProperties(Mapping[str, Any]):
    """A note's properties, each typed when first read (a filter on one property of a folder's notes
    reads only that one of each)."""

    __slots__ = ("_raw", "_type", "_typed")

    def __init__(self, raw: dict[str, Any], type_of: Callable[[str, Any], Any]) -> None:
        self._raw = raw
        self._typed: dict[str, Any] = {}
        self._type = type_of

    def __getitem__(self, key: str) -> Any:
        if key in self._typed:
            return self._typed[key]
        value = self._typed[key] = self._type(key, self._raw[key])
        return value

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


class LazyRows(Mapping[str, FileRow]):
    """Published notes' rows in path order, each made when first read: a base embedded in a thousand
    notes reads the few rows its indexes leave, and making every row of 10,000 notes took 3 s."""

    def __init__(
        self,
        paths: list[str],
        make: Callable[[str], FileRow],
        property_of: Callable[[str, str], Any] | None = None,
    ) -> None:
        self._paths = paths
        self._known = set(paths)
        self._made: dict[str, FileRow] = {}
        self._make = make
        self._property_of = property_of

    def property(self, path: str, prop: str) -> Any:
        """`self[path].properties.get(prop)`, without making the row when it is not made yet (a value
        index reads one property of every note: making 10,000 rows for it, their links and tags, was
        most of a base file's page after a publish flip)."""
        row = self._made.get(path)
        if row is not None or self._property_of is None:
            return self[path].properties.get(prop)
        if path not in self._known:
            raise KeyError(path)
        return self._property_of(path, prop)

    def __getitem__(self, path: str) -> FileRow:
        row = self._made.get(path)
        if row is None:
            if path not in self._known:
                raise KeyError(path)
            row = self._made[path] = self._make(path)
        return row

    def __contains__(self, path: object) -> bool:
        return path in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


@dataclass
class RowSet:
    """The rows of one build: `rows` (published notes, in path order) and `others` (base files)."""

    rows: Mapping[str, FileRow]
    others: dict[str, FileRow] = field(default_factory=dict)
    tz: dt.tzinfo = dt.UTC
    resolve: Resolve = lambda target, source: None
    _backlinks: dict[str, list[str]] | None = None
    # Per build: answers of the index (`query.candidates`) and value indexes of properties
    # (`value_index`), which a base embedded in a thousand notes asks for a thousand times.
    sql_answers: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    _value_indexes: dict[tuple, dict[tuple[str, str], set[str]]] = field(default_factory=dict)

    def get(self, path: str) -> FileRow | None:
        return self.rows.get(path) or self.others.get(path)

    def backlinks(self, path: str) -> list[str]:
        """The published notes that link to `path`, in path order (computed once per build)."""
        if self._backlinks is None:
            found: dict[str, list[str]] = {}
            for source in self.rows:
                row = self.rows[source]
                for target in dict.fromkeys(lk.path for lk in row.links if lk.path):
                    found.setdefault(target, []).append(source)
            self._backlinks = found
        return self._backlinks.get(path, [])

    def value_index(
        self, prop: str, items: bool, among: frozenset[str] | None = None
    ) -> dict[tuple[str, str], set[str]]:
        """Which rows (of `among`, or all) hold each link or text in the note property `prop`
        (`value_key`): as the whole value, or with `items`, as the value or one item of a list."""
        key = (prop, items, among)
        found = self._value_indexes.get(key)
        if found is None:
            found = {}
            rows = self.rows
            read = rows.property if isinstance(rows, LazyRows) else lambda path, prop: rows[path].properties.get(prop)
            for path in rows if among is None else sorted(among):
                if path not in rows:
                    continue
                value = read(path, prop)
                for v in value if items and isinstance(value, list) else [value]:
                    k = value_key(v)
                    if k is not None:
                        found.setdefault(k, set()).add(path)
            self._value_indexes[key] = found
        return found

    def file_of(self, value: Any) -> FileRow | None:
        """The row a file, a link or a path names (links and paths resolved from nowhere in
        particular: the vault root, as the app's `file("path")` does)."""
        if isinstance(value, FileRef):
            return self.get(value.path)
        if isinstance(value, Link):
            return self.get(value.path) if value.path else None
        if isinstance(value, str):
            m = _WIKILINK.match(value)
            target = m.group(1) if m else value
            found = self.get(target) or self.get(target + ".md")
            if found is not None:
                return found
            path = self.resolve(target, "")
            return self.get(path) if path else None
        return None


def value_key(v: Any) -> tuple[str, str] | None:
    """What `==` compares a link, a file or a text by (`values.equals`): links and files by
    `link_key`, texts by themselves; None for any other value."""
    key = link_key(v)
    if key is not None:
        return ("link", key)
    if isinstance(v, str):
        return ("text", v)
    return None


def read_types(root: Path | str) -> dict[str, str]:
    """`.obsidian/types.json`'s property types, keys lower-cased; {} when absent or unreadable."""
    try:
        data = json.loads((Path(root) / ".obsidian" / "types.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    types = data.get("types") if isinstance(data, dict) else None
    if not isinstance(types, dict):
        return {}
    return {str(k).lower(): v for k, v in types.items() if isinstance(v, str)}


def link_value(text: str, source: str, resolve: Resolve) -> Link | None:
    """A property text that is one `[[wikilink]]` as a Link, else None."""
    m = _WIKILINK.match(text)
    if m is None:
        return None
    target = m.group(1).strip()
    return Link(target, resolve(target, source) if target else source, m.group(3))


def typed_value(value: Any, kind: str | None, source: str, resolve: Resolve, tz: dt.tzinfo) -> Any:
    """One frontmatter value as a Bases value, by its property type `kind` (None: not in types.json)."""
    if isinstance(value, list):
        item_kind = None if kind in ("multitext", "tags", "aliases", None) else kind
        return [typed_value(v, item_kind, source, resolve, tz) for v in value]
    if isinstance(value, dict):
        return {str(k): typed_value(v, None, source, resolve, tz) for k, v in value.items()}
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, dt.date):
        return as_moment(value, tz) if kind == "datetime" else value
    if isinstance(value, str):
        link = link_value(value, source, resolve)
        if link is not None:
            return link
        if kind in (None, "date", "datetime"):
            parsed = parse_date(value, tz)
            if parsed is not None:
                return as_moment(parsed, tz) if kind == "datetime" else parsed
        if kind == "number":
            try:
                number = float(value)
            except ValueError:
                return value
            return int(number) if number.is_integer() else number
        return value
    return value


class _Typing:
    """`typed_value` for one build, a text's value kept per (text, type, folder): a vault repeats the
    same statuses, dates and `[[links]]` (which resolve alike within a folder) on thousands of notes."""

    def __init__(self, resolve: Resolve, tz: dt.tzinfo) -> None:
        self.resolve = resolve
        self.tz = tz
        self._texts: dict[tuple[str, str | None, str], Any] = {}

    def __call__(self, value: Any, kind: str | None, source: str) -> Any:
        if not isinstance(value, str):
            return typed_value(value, kind, source, self.resolve, self.tz)
        key = (value, kind, source.rpartition("/")[0])
        found = self._texts.get(key, _MISSING)
        if found is _MISSING:
            found = self._texts[key] = typed_value(value, kind, source, self.resolve, self.tz)
        return found


_MISSING = object()


def row_of(
    note: Note,
    published: Mapping[str, Any] | set[str] | frozenset[str],
    private_keys: frozenset[str],
    types: Mapping[str, str],
    typing: Callable[[Any, str | None, str], Any],
) -> FileRow:
    raw = _raw_properties(note, private_keys)
    source = note.path
    properties = LazyProperties(raw, lambda key, value: typing(value, types.get(key.lower()), source))
    links, embeds = [], []
    for lk in note.links:
        if lk.origin == "frontmatter" and lk.key and lk.key.lower() in private_keys:
            continue
        path = lk.resolved if lk.resolved in published else None
        target = lk.target or note.path
        value = Link(target, path if lk.target else note.path, lk.display if not lk.embed else None)
        (embeds if lk.embed else links).append(value)
    return FileRow(
        path=note.path,
        properties=properties,
        size=note.size,
        ctime=note.ctime,
        mtime=note.mtime,
        tags=["#" + t.lstrip("#") for t in note.etags],
        links=links,
        embeds=embeds,
    )


def _raw_properties(note: Note, private_keys: frozenset[str]) -> dict[str, Any]:
    return {str(k): v for k, v in note.frontmatter.items() if str(k).lower() not in private_keys}


def property_of(
    note: Note,
    prop: str,
    private_keys: frozenset[str],
    types: Mapping[str, str],
    typing: Callable[[Any, str | None, str], Any],
) -> Any:
    """`row_of(note, …).properties.get(prop)`, reading that one property only: the last frontmatter key
    written `prop` (a key that is not a string counts as its text, as `row_of` keys them), typed."""
    if prop.lower() in private_keys:
        return None
    found = _MISSING
    for key, value in note.frontmatter.items():
        if (key if type(key) is str else str(key)) == prop:
            found = value
    if found is _MISSING:
        return None
    return typing(found, types.get(prop.lower()), note.path)


def build_rows(
    notes: Mapping[str, Note],
    published: Iterable[str],
    private_keys: Iterable[str] = (),
    types: Mapping[str, str] | None = None,
    resolve: Resolve | None = None,
    tz: dt.tzinfo = dt.UTC,
) -> RowSet:
    """The row set of the published notes among `notes`. `resolve` answers published paths only."""
    visible = set(published)
    private = frozenset(k.lower() for k in private_keys)
    resolver: Resolve = resolve or (lambda target, source: None)
    typing = _Typing(resolver, tz)
    known = types or {}
    rows = LazyRows(
        sorted(p for p in visible if p in notes),
        lambda path: row_of(notes[path], visible, private, known, typing),
        lambda path, prop: property_of(notes[path], prop, private, known, typing),
    )
    return RowSet(rows=rows, tz=tz, resolve=resolver)
