"""What a query reads of each row's page object, for `mkdocs serve` to tell an edit that changes a row
from one that only touches the row's note.

A query's result is made from its rows' values of the fields its expressions name (WHERE, SORT,
FLATTEN, the columns, LIST's expression), the row's `file.link` (the ID column, a LIST item, the
group of a TASK), and for TASK the tasks themselves; links it follows are recorded apart
(`incremental.QueryLog.derefs`). A changed note whose page object holds the same values there, of
the same types, leaves every result it was a row of as it was: a meeting's edited prose, or a new
link in it, leaves `LIST FROM "Meetings" WHERE project = this.project` on the project's other
meetings unchanged, while its `file.mtime` and `file.outlinks` differ.

`row_reads` answers None (read it all) where that reasoning does not hold: a GROUP BY (its `rows`
hold whole rows), or a bare `row`. Values are compared by `repr`, which tells `1` from `true`, `1.0`
and `"1"`, and two datetimes at the same instant in different offsets apart, as renderers do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .parser import (
    BinarySource,
    EmptySource,
    FolderSource,
    GroupStep,
    Index,
    LinkSource,
    Literal,
    NegatedSource,
    Query,
    TagSource,
    Variable,
    child_nodes,
)

# What every query reads of a row: its link (and what the link is made of).
_ALWAYS = frozenset({("file", "link"), ("file", "path"), ("file", "name")})
# TASK rows are the tasks of a page, shown with their text, status, dates and children.
_TASKS = frozenset({("file", "tasks"), ("file", "lists")})
_CALENDAR = frozenset({("file", "day")})

_cache: dict[tuple[str, str], frozenset[tuple[str, ...]] | None] = {}


def row_reads(query: Query) -> frozenset[tuple[str, ...]] | None:
    """The keys of a row's page object the query's result depends on: `(name,)` for a field, `(file,
    key)` for a `file.key`; None when it may depend on any (see the module's docstring)."""
    key = (query.type, query.text)
    if key in _cache:
        return _cache[key]
    if len(_cache) > 4096:
        _cache.clear()
    reads = _reads_of(query)
    _cache[key] = reads
    return reads


def _reads_of(query: Query) -> frozenset[tuple[str, ...]] | None:
    if any(isinstance(step, GroupStep) for step in query.steps):
        return None
    found: set[tuple[str, ...]] = set(_ALWAYS)
    if not _source_reads(query.source, found):
        return None
    if query.type == "task":
        found |= _TASKS
    elif query.type == "calendar":
        found |= _CALENDAR
    for node in [*query.steps, *query.fields]:
        if not _collect(node, found):
            return None
    return frozenset(found)


def _source_reads(source: Any, found: set[tuple[str, ...]]) -> bool:
    """Add what decides whether FROM `source` selects a row; False if that is not the row's own."""
    if isinstance(source, (EmptySource, FolderSource)):
        return True  # (by its path)
    if isinstance(source, TagSource):
        found.update((("file", "tags"), ("file", "etags")))
        return True
    if isinstance(source, LinkSource):
        # `[[X]]`: the notes linking to X, by their own links; `outgoing([[X]])` is read off X.
        found.add(("file", "outlinks"))
        return source.incoming
    if isinstance(source, NegatedSource):
        return _source_reads(source.child, found)
    if isinstance(source, BinarySource):
        return _source_reads(source.left, found) and _source_reads(source.right, found)
    return False


def _collect(node: Any, found: set[tuple[str, ...]]) -> bool:
    """Add the row keys `node` reads to `found`; False if it may read the whole row."""
    if isinstance(node, Variable):
        if node.name == "row":
            return False
        if node.name != "this":  # the page the query is on: it renders again when it changes itself
            found.add((node.name,))
        return True
    if isinstance(node, Index) and _root(node) == "this":
        # A chain off the page the query is on: only what its indexes compute can read a row.
        while isinstance(node, Index):
            if not _collect(node.index, found):
                return False
            node = node.obj
        return True
    if isinstance(node, Index) and isinstance(node.obj, Variable):
        name = node.obj.name
        if name == "file" and isinstance(node.index, Literal) and isinstance(node.index.value, str):
            found.add(("file", node.index.value))
            return True
    if isinstance(node, Index) and isinstance(node.index, Literal) and isinstance(node.index.value, str):
        found.add((node.index.value,))  # (`x.position`: read of a task's key, see `reads_same`)
    return all(_collect(child, found) for child in child_nodes(node))


def _root(node: Index) -> str | None:
    """The name an index chain (`a.b.c`) starts from."""
    obj = node.obj
    while isinstance(obj, Index):
        obj = obj.obj
    return obj.name if isinstance(obj, Variable) else None


def _value(page: Mapping[str, Any], key: tuple[str, ...], unread: frozenset[str]) -> str:
    value: Any = page.get(key[0], _MISSING)
    if len(key) > 1:
        value = value.get(key[1], _MISSING) if isinstance(value, Mapping) else _MISSING
        if unread and key in _TASKS and isinstance(value, list):
            return repr(_without(value, unread))
    return repr(value)


def _without(value: Any, keys: frozenset[str]) -> Any:
    """List items (and their children) without `keys`."""
    if isinstance(value, list):
        return [_without(v, keys) for v in value]
    if isinstance(value, Mapping):
        return {k: _without(v, keys) if k in ("children", "subtasks") else v for k, v in value.items() if k not in keys}
    return value


_MISSING = object()  # (its repr is the same object's in both pages compared)


# What a TASK result's HTML never shows of its tasks, unless the query names it: where each item is
# in the file (an edit above a task moves it; `line` shows only in the plain-text rendering of the
# command line). The engine reads `line` only to tell a page's items apart, which the items'
# order and their children (compared) decide alike.
_UNSHOWN = frozenset({"position", "line", "lineCount", "list", "parent"})


def reads_same(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    reads: frozenset[tuple[str, ...]],
    kind: str = "",
    no_wikilinks: bool = False,
) -> bool:
    """Do two page objects of one note hold the same values at every key of `reads`? `kind`: the
    query's type; a TASK query's tasks are compared without what its HTML does not show.
    `no_wikilinks`: and none of those values shows `[[` (a text's wikilink is resolved when it is
    rendered, so it may show another way with the same text; a list of lists is counted too)."""
    unread = frozenset(k for k in _UNSHOWN if (k,) not in reads) if kind == "task" else frozenset()
    for key in reads:
        value = _value(after, key, unread)
        if value != _value(before, key, unread) or (no_wikilinks and "[[" in value):
            return False
    return True


def resolves_names(query: Query) -> bool:
    """Could the query resolve a name to a note itself, so that what it selects or shows depends on
    which notes are published: a link in its text other than `[[]]` (`FROM [[Ada]]`, `= [[Ada]]`), or
    `link(...)`/`embed(...)` making one of a text? Told from the text, erring towards yes."""
    text = query.text.replace("[[]]", "").lower()
    return "[[" in text or "link(" in text or "embed(" in text
