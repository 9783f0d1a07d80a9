"""Build the DuckDB index from published notes, in bulk.

Rows are gathered per table as Python columns, turned into one Arrow table each, and inserted with a
single `INSERT ... SELECT` (row-at-a-time inserts are orders of magnitude slower in DuckDB); the `tags`
rows are then derived from the `notes` rows in SQL. Replacing notes deletes their rows and inserts the
new ones the same way, so `mkdocs serve` can update the index one note at a time.

Values are typed here with `dataview.values` (Dataview's rules) and stored both as a JSON cell (the
conformance format) and as scalar columns that SQL can filter on. Links inside values are resolved
through the caller's `resolve_link`, which answers None for unresolved and unpublished targets: a link
to an unpublished note keeps only the text the linking note wrote.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

import duckdb
import pyarrow as pa

from ..dataview import values as dv
from ..vault.model import Note

ResolveLink = Callable[[str, str], str | None]  # (target as written, source path) -> published path
LinkState = Callable[[str, str], tuple[str | None, str]]  # -> (published path or None, state)

TABLES = ("notes", "fields", "tags", "links", "list_items", "headings")
# Tables no page of a build reads: only `mkdocs-vault index`, the `index_file` option and users' own SQL
# do. `VaultState` fills them on first use rather than in every build (see `VaultState.con`).
DEFERRED_TABLES = ("fields", "headings")
_PATH_COLUMN = {"links": "source"}


def schema_sql() -> str:
    return resources.files("mkdocs_vault.index").joinpath("schema.sql").read_text(encoding="utf-8")


def connect(path: str = ":memory:") -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(path)
    con.execute("SET TimeZone = 'UTC'")
    con.execute(schema_sql())
    return con


def _plain(value: Any) -> Any:
    """Raw YAML values as strict JSON (no NaN, dates as ISO text)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _plain_leaf(value: Any) -> Any:
    """`_plain` for what the JSON encoder cannot write itself (dates, sets and other odd YAML types)."""
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)


# One encoder each, built once: `json.dumps` with options builds a new encoder per call, and the index
# encodes some 170,000 values per 10,000 notes. The raw encoder writes `_plain`'s output without first
# copying the value; a non-finite float (which `_plain` turns into text) makes it raise, and then the
# copy is made. Mapping keys need no conversion: the YAML loader makes every key a string.
_RAW_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, default=_plain_leaf)
_CELL_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _json(value: Any) -> str:
    try:
        return _RAW_ENCODER.encode(value)
    except ValueError:
        return _RAW_ENCODER.encode(_plain(value))


@functools.lru_cache(maxsize=65536)
def canonical_key(key: str) -> str:
    """Dataview's normalised key, memoised: a vault repeats the same few hundred keys everywhere."""
    return dv.canonical_key(key)


def is_private(key: str, private: frozenset[str]) -> bool:
    return bool(private) and (key.lower() in private or canonical_key(key).lower() in private)


class _Columns:
    """Rows for one table, collected as tuples (appended to `rows` directly: some 300,000 per 10,000
    notes) and turned into Arrow columns at once."""

    def __init__(self, schema: pa.Schema) -> None:
        self.schema = schema
        self.rows: list[tuple] = []

    def table(self) -> pa.Table:
        if not self.rows:
            return self.schema.empty_table()
        # Arrow reads the tuples as one struct array and splits it into columns in C++: a third
        # faster than transposing them with `zip` and converting column by column.
        rows = pa.array(self.rows, type=pa.struct(self.schema))
        return pa.Table.from_struct_array(rows)


_TS = pa.timestamp("us")  # naive, UTC
SCHEMAS = {
    "notes": pa.schema([
        ("path", pa.string()), ("folder", pa.string()), ("name", pa.string()), ("title", pa.string()),
        ("type", pa.string()), ("url", pa.string()), ("size", pa.int64()), ("ctime", _TS), ("mtime", _TS),
        ("day", pa.string()), ("aliases", pa.list_(pa.string())), ("etags", pa.list_(pa.string())),
        ("tags", pa.list_(pa.string())), ("frontmatter", pa.string()),
    ]),
    "fields": pa.schema([
        ("path", pa.string()), ("key", pa.string()), ("norm_key", pa.string()), ("source", pa.string()),
        ("line", pa.int32()), ("item_line", pa.int32()), ("raw", pa.string()), ("value", pa.string()),
        ("kind", pa.string()), ("num", pa.float64()), ("str", pa.string()), ("ts", _TS), ("bool", pa.bool_()),
    ]),
    "links": pa.schema([
        ("source", pa.string()), ("line", pa.int32()), ("target_raw", pa.string()), ("target", pa.string()),
        ("state", pa.string()), ("subpath", pa.string()), ("display", pa.string()), ("embed", pa.bool_()),
        ("origin", pa.string()), ("key", pa.string()),
    ]),
    "list_items": pa.schema([
        ("path", pa.string()), ("line", pa.int32()), ("line_count", pa.int32()), ("parent", pa.int32()),
        ("status", pa.string()), ("is_task", pa.bool_()), ("completed", pa.bool_()), ("checked", pa.bool_()),
        ("text", pa.string()), ("section", pa.string()), ("symbol", pa.string()), ("block_id", pa.string()),
        ("due", pa.string()), ("scheduled", pa.string()), ("start", pa.string()), ("completion", pa.string()),
        ("created", pa.string()), ("tags", pa.list_(pa.string())), ("children", pa.list_(pa.int32())),
    ]),
    "headings": pa.schema([("path", pa.string()), ("level", pa.int32()), ("text", pa.string()), ("line", pa.int32())]),
}


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value is not None else None


class IndexBuilder:
    """Turns published notes into index rows."""

    def __init__(
        self,
        link_state: LinkState,
        url_of: Callable[[str], str | None] = lambda path: None,
        private_keys: Iterable[str] = (),
        tz: dt.tzinfo = dt.UTC,
    ) -> None:
        self.link_state = link_state
        self.url_of = url_of
        self.private = frozenset(k.lower() for k in private_keys)
        self.tz = tz
        # Memos for the `fields` rows, keyed by the raw value (see `_field_columns`): a vault repeats
        # the same statuses, dates, tags and attendee lists thousands of times, and typing one value
        # takes a dozen regular expressions.
        self._typed_cache: dict[tuple, _Typed] = {}
        self._derived_cache: dict[tuple, _Derived] = {}

    def typed(self, value: Any, source_path: str) -> Any:
        """Resolve the links inside a typed value; unresolved and unpublished ones keep their text."""

        def resolve(leaf: Any) -> Any:
            if isinstance(leaf, dv.Link):
                target, _state = self.link_state(leaf.path, source_path)
                return leaf.with_path(target) if target else leaf
            return leaf

        return dv.map_leaves(value, resolve)

    def _field_columns(self, raw: Any, inline: bool, source_path: str) -> _Derived:
        """The columns of a `fields` row that follow from its raw value, as `_derive` computes them.

        Memoised per raw value (scalars and lists of scalars): the typed value depends only on the raw
        one, and the columns on the typed value and on where its links lead from this note. So the key
        of the columns is the raw value plus the targets `link_state` gives for its links, exactly what
        `typed` would put in their place. Typed values are immutable or never mutated: sharing is safe.
        """
        if type(raw) is list and not inline and all(type(x) in _SCALARS for x in raw):
            return self._list_columns(raw, source_path)
        key = _hashable(raw)
        if key is None:
            return _derive(_json(raw), self.typed(self._type_raw(raw, inline), source_path))
        key = (inline, key)
        typed = self._typed_cache.get(key)
        if typed is None:
            value = self._type_raw(raw, inline)
            typed = self._typed_cache[key] = _Typed(value, _json(raw), tuple(_link_paths(value)))
        if typed.links:
            key = (key, tuple([self.link_state(p, source_path)[0] for p in typed.links]))
        derived = self._derived_cache.get(key)
        if derived is None:
            value = self.typed(typed.value, source_path) if typed.links else typed.value
            derived = self._derived_cache[key] = _derive(typed.raw_json, value)
        return derived

    def _list_columns(self, raw: list, source_path: str) -> _Derived:
        """`_field_columns` of a frontmatter list of scalars, put together from its items' columns.

        Lists rarely repeat whole (each meeting has its own attendees) while their items do, so the
        items are what is memoised. Exact, because Dataview types a list item by item (`from_frontmatter`
        maps over it), a list's cell is the list of its items' cells, and JSON writes a list as its
        items' own texts joined by ", " between brackets.
        """
        raws, cells = [], []
        for item in raw:
            derived = self._field_columns(item, False, source_path)
            raws.append(derived[0])
            cells.append(derived[1])
        return ("[" + ", ".join(raws) + "]", "[" + ", ".join(cells) + "]", "array", None, None, None, None)

    def _type_raw(self, raw: Any, inline: bool) -> Any:
        return dv.from_inline(raw, self.tz) if inline else dv.from_frontmatter(raw, self.tz)

    def _field_row(self, rows: list[tuple], path: str, key: str, source: str, line: int | None,
                   item_line: int | None, raw: Any, inline: bool) -> None:
        rows.append((path, key, canonical_key(key), source, line, item_line,
                     *self._field_columns(raw, inline, path)))

    def rows(self, notes: Iterable[Note], tables: Iterable[str] = TABLES) -> dict[str, pa.Table]:
        """The rows of the given notes for the given tables (all of them unless told), one Arrow table
        each, but for `tags`, which `insert_tags` derives from `notes`. A table's rows never depend on
        which other tables are made."""
        wanted = set(tables) - {"tags"}
        out = {name: _Columns(SCHEMAS[name]) for name in TABLES if name in wanted}
        for note in notes:
            self._note_rows(note, out)
        return {name: cols.table() for name, cols in out.items()}

    def _note_rows(self, note: Note, out: dict[str, _Columns]) -> None:
        path = note.path
        private = self.private
        fm = note.frontmatter
        if private:
            fm = {k: v for k, v in fm.items() if not is_private(str(k), private)}
        if "notes" in out:
            day = note.day.isoformat() if note.day is not None else None
            mtime = _utc(note.mtime)
            ctime = mtime if note.ctime is note.mtime else _utc(note.ctime)  # (one object without a birth time)
            out["notes"].rows.append((
                path, note.folder, note.name, note.title, note.type, self.url_of(path), note.size,
                ctime, mtime, day, note.aliases, note.etags, note.tags, _json(fm),
            ))
        if "fields" in out:
            fields = out["fields"].rows
            for key, raw in fm.items():
                self._field_row(fields, path, str(key), "frontmatter", None, None, raw, False)
            for f in note.fields:
                if private and is_private(f.key, private):
                    continue
                source = "inline" if f.item_line is None else ("task" if f.on_task else "list")
                self._field_row(fields, path, f.key, source, f.line, f.item_line, f.value, True)
        if "links" in out:
            links = out["links"].rows
            link_state = self.link_state
            for link in note.links:
                if private and link.origin == "frontmatter" and link.key and is_private(link.key, private):
                    continue
                target, state = link_state(link.target, path) if link.target else (path, "resolved")
                links.append((
                    path, link.line, link.target, target, state, link.subpath, link.display, link.embed,
                    link.origin, link.key,
                ))
        if "list_items" in out:
            items = out["list_items"].rows
            for item in note.list_items:
                d = item.dates
                status = item.status
                items.append((
                    path, item.line, item.line_count, item.parent, status, status is not None,
                    status in ("x", "X"), status not in (None, " ", ""), item.text, item.section,
                    item.symbol, item.block_id, d.get("due"), d.get("scheduled"), d.get("start"),
                    d.get("completion"), d.get("created"), item.tags, item.children,
                ))
        if "headings" in out:
            out["headings"].rows.extend([(path, h.level, h.text, h.line) for h in note.headings])


# The columns of a `fields` row that follow from its value: raw, value, kind, num, str, ts, bool.
_Derived = tuple[str, str, str, float | None, str | None, dt.datetime | None, bool | None]


@dataclass(frozen=True, slots=True)
class _Typed:
    value: Any  # the typed value, links as written
    raw_json: str
    links: tuple[str, ...]  # the paths of the links inside `value`, in `map_leaves` order


def _hashable(raw: Any) -> tuple | None:
    """A key equal only for raw values that type alike, or None. Floats are left out (0.0 == -0.0, and
    NaN equals nothing), and so are nested values, which are rare."""
    kind = type(raw)
    if kind in _SCALARS:
        return (kind, raw)
    if kind is list and all(type(x) in _SCALARS for x in raw):
        return (kind, *((type(x), x) for x in raw))
    return None


_SCALARS = frozenset((str, int, bool, type(None)))


def _link_paths(value: Any) -> Iterator[str]:
    """The paths of the links inside a typed value, in the order `dv.map_leaves` visits them."""
    if isinstance(value, dv.Link):
        yield value.path
    elif isinstance(value, list):
        for item in value:
            yield from _link_paths(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _link_paths(item)


def _derive(raw_json: str, value: Any) -> _Derived:
    """The `fields` columns of a typed value (links already resolved)."""
    kind = dv.type_of(value)
    num = float(value) if kind == "number" and not isinstance(value, bool) else None
    return (
        raw_json, _CELL_ENCODER.encode(dv.to_cell(value)), kind,
        num if num is None or math.isfinite(num) else None,
        value if kind == "string" else None,
        _utc(value) if kind == "date" and isinstance(value, dt.datetime) else None,
        value if kind == "boolean" else None,
    )


def insert(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> None:
    """Append each Arrow table to the index table of its name, on one DuckDB thread."""
    tables = {name: table for name, table in tables.items() if table.num_rows}
    if not tables:
        return
    # One thread: our tables are small for DuckDB (83,000 links at 10,000 notes, less than a row group),
    # and handing their scan to more threads only added waiting (2 cores: 0.11 -> 0.07 s for the four
    # tables of 10,000 notes, and 0.28 -> 0.21 s for five times as many rows).
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    con.execute("SET threads = 1")
    try:
        for name, table in tables.items():
            con.register("_incoming", table)
            try:
                con.execute(f"INSERT INTO {name} SELECT * FROM _incoming")
            finally:
                con.unregister("_incoming")
    finally:
        con.execute(f"SET threads = {int(threads)}")


# A note's `tags` rows: each of its `tags` (parents included), in order, and whether it is one of its
# `etags` (written as such). Derived in SQL from its `notes` row, which holds both lists, rather than
# built row by row in Python: some 44,000 rows per 10,000 notes, in a tenth of the time.
_TAGS_FROM_NOTES = (
    "INSERT INTO tags SELECT path, tag, list_contains(etags, tag) "
    "FROM (SELECT path, etags, unnest(tags) AS tag FROM notes{where})"
)


def insert_tags(con: duckdb.DuckDBPyConnection, paths: Iterable[str] | None = None) -> None:
    """Add the `tags` rows of the notes at `paths` (every note when None), from their `notes` rows."""
    if paths is None:
        con.execute(_TAGS_FROM_NOTES.format(where=""))
        return
    paths = list(paths)
    if not paths:
        return
    con.register("_tagged", pa.table({"path": pa.array(paths, pa.string())}))
    try:
        con.execute(_TAGS_FROM_NOTES.format(where=" WHERE path IN (SELECT path FROM _tagged)"))
    finally:
        con.unregister("_tagged")


def delete_notes(con: duckdb.DuckDBPyConnection, paths: Iterable[str], tables: Iterable[str] = TABLES) -> None:
    paths = sorted(set(paths))
    if not paths:
        return
    con.register("_gone", pa.table({"path": pa.array(paths, pa.string())}))
    try:
        for name in tables:
            column = _PATH_COLUMN.get(name, "path")
            con.execute(f"DELETE FROM {name} WHERE {column} IN (SELECT path FROM _gone)")
    finally:
        con.unregister("_gone")


def build_index(
    con: duckdb.DuckDBPyConnection, builder: IndexBuilder, notes: Iterable[Note], tables: Iterable[str] = TABLES
) -> None:
    """Fill the given tables (all unless told) of an empty index with the given (published) notes;
    `tags` only with `notes` (it is read from there)."""
    tables = tuple(tables)
    insert(con, builder.rows(notes, tables))
    if "tags" in tables:
        insert_tags(con)
    # Arrow's allocator keeps the freed buffers of the bulk insert for reuse: about 90 MB at 10,000
    # notes that nothing else would use, held for the whole build.
    pa.default_memory_pool().release_unused()


def replace_notes(
    con: duckdb.DuckDBPyConnection,
    builder: IndexBuilder,
    notes: Iterable[Note],
    removed: Iterable[str] = (),
    tables: Iterable[str] = TABLES,
) -> None:
    """Update the given tables (all unless told) for changed notes (re-inserted) and removed or
    unpublished ones (deleted)."""
    notes = list(notes)
    tables = tuple(tables)
    delete_notes(con, [n.path for n in notes] + list(removed), tables)
    insert(con, builder.rows(notes, tables))
    if "tags" in tables:
        insert_tags(con, [n.path for n in notes])
