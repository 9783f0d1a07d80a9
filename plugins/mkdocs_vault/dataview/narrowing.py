"""Set-based narrowing: the rows that can pass a query's first WHERE, for the page it runs on, read from
indexes built once per build.

A template (the same query on every person page) differs from page to page only in `this`. Its first
WHERE is read as a tree of AND / OR over *atoms*; for a given `this`, each atom names a superset of the
rows that can make it true, looked up in an index over every page (or every task) that is built on
first use, kept for the build and updated for the pages a serve rebuild changed:

* `path = K` or `K = path`: the rows whose value at `path` equals K (a hash lookup);
* `contains(path, K)`, `icontains(path, K)`, `econtains(path, K)`: the rows with a leaf of `path` (its
  list items, nested lists too except for `econtains`) equal to K; for a string K, the rows with a
  string leaf containing K (each distinct string of the index tried once per distinct K) or an object
  leaf with the key K;
* `contains(K, path)` (and the `e`/`i` forms): the rows whose value at `path` equals a leaf of K
  (`contains(this.file.inlinks, file.link)`), or is a string inside a string leaf of K;
* `path` alone: the rows whose value at `path` is truthy.

`path` is a chain of field names read from the row (`project`, `file.name`, `file.outlinks`); K is
anything that does not read the row (a literal, `this.file.link`, `date(today) - dur(7 days)`),
evaluated once per query. AND intersects, OR unites; anything else is "every row". A row an index
cannot decide (a link or a list on the way along the path, a link that did not resolve where it is
written, a field named `this`) is a candidate for every key.

Hand-written rather than SQL: the typed `fields` table is not built during a build (it would cost
more than the 2 s budget for loading and indexing), and Dataview's equality (links by resolved path,
type and subpath; strings after NFC; numbers and dates by value) and `contains` (recursive, substring
on strings, keys on objects, vectorised over a list needle) are what these keys reproduce exactly.

Serve asks the other way round (`Inverse`): for a changed row, which of a template's pages have it
among their candidates. K is evaluated once per page (read straight from the page for `this.a.b`),
its lookups filed by key, and the row's keys (as the index files them) looked up there; a page whose
K is unnarrowable is always among them.

Intersections and unions of large sets are memoised by the identity of their operands (`_combine`):
the pages of a template mostly look up the same few keys (every meeting without a project asks for
the rows whose `project` is null), so one set operation as long as the smaller operand, repeated on
every page, made query time grow with pages x rows.

Exactness: the candidates are a superset of the rows the WHERE keeps, and the engine still runs the
whole WHERE on them, so the kept rows are Dataview's. What could differ is Dataview's rule that a
query fails when the WHERE fails on *every* row: a row left out might have failed. So the engine
falls back to every row whenever the candidates are all failures, or there are none and `never_fails`
cannot prove that the WHERE fails on no row.
"""

from __future__ import annotations

import unicodedata
from collections import ChainMap
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .evaluate import Context, EvalError
from .pages import eq_key
from .parser import (
    BinaryOp,
    Call,
    DateShorthand,
    Expr,
    Index,
    ListExpr,
    Literal,
    Negated,
    ObjectExpr,
    Variable,
)
from .values import Link, truthy

RowId = Any  # a page's path, or (path, n) for the n-th task of a page
Path = tuple[str, ...]

# Keys an index files a row under, beside `eq_key`'s: ("s", text) a string leaf as written (for
# substring tests), ("d", key) a key of an object leaf, ("u", path, type, subpath) a link whose target
# did not resolve where it is written (it may resolve from the query's page), ("truthy",).
_UNSURE = ("unsure",)  # the row cannot be decided: a candidate for every key
_TRUTHY = ("truthy",)
_CONTAINS = ("contains", "icontains", "econtains")


# ---------------------------------------------------------------------------------- the query's shape


def _index_path(node: Any) -> tuple[str, Path] | None:
    """`v.a.b` (or `v["a"]`) as ("v", ("a", "b")); None for anything but a variable indexed by names."""
    keys: list[str] = []
    while isinstance(node, Index):
        if isinstance(node.index, Variable):
            keys.append(node.index.name)
        elif isinstance(node.index, Literal) and isinstance(node.index.value, str):
            keys.append(node.index.value)
        else:
            return None
        node = node.obj
    if not isinstance(node, Variable):
        return None
    return node.name, tuple(reversed(keys))


def row_path(node: Any) -> Path | None:
    """`a.b.c` (or `a["b"]`) read from the row, as ("a", "b", "c"); None for anything else."""
    path = _index_path(node)
    if path is None or path[0] in ("this", "row"):
        return None
    return (path[0], *path[1])


def independent(node: Any) -> bool:
    """Does the expression read nothing of the row? (Literals, `this…`, date shorthands, and calls and
    operators over those; a lambda or any other field name reads the row.)"""
    if isinstance(node, (Literal, DateShorthand)):
        return True
    if isinstance(node, Variable):
        return node.name == "this"
    if isinstance(node, Index):
        key_ok = isinstance(node.index, Variable) or independent(node.index)
        return key_ok and independent(node.obj)
    if isinstance(node, BinaryOp):
        return independent(node.left) and independent(node.right)
    if isinstance(node, Negated):
        return independent(node.child)
    if isinstance(node, ListExpr):
        return all(independent(x) for x in node.items)
    if isinstance(node, ObjectExpr):
        return all(independent(x) for x in node.entries.values())
    if isinstance(node, Call):
        return isinstance(node.func, Variable) and all(independent(a) for a in node.args)
    return False


def never_fails(node: Any, ev: Context) -> bool:
    """Can the expression be shown to fail on no row? Field chains, literals, comparisons, `!`, `&`,
    `|` and two-argument `contains`/`icontains`/`econtains` never fail in Dataview (both sides of `&`
    and `|` are evaluated, so any failing part fails the row); a part that reads no row is evaluated
    once to see."""
    if isinstance(node, (Literal, Variable, DateShorthand)):
        return True
    if independent(node):
        try:
            ev.evaluate(node, {})
        except Exception:  # noqa: BLE001 - any failure means "cannot show it"
            return False
        return True
    if isinstance(node, Index):
        return row_path(node) is not None
    if isinstance(node, Negated):
        return never_fails(node.child, ev)
    if isinstance(node, BinaryOp):
        return node.op in ("=", "!=", "<", "<=", ">", ">=", "&", "|") and (
            never_fails(node.left, ev) and never_fails(node.right, ev)
        )
    if isinstance(node, Call):
        return (
            isinstance(node.func, Variable)
            and node.func.name in _CONTAINS
            and len(node.args) == 2
            and all(never_fails(a, ev) for a in node.args)
        )
    return False


@dataclass(frozen=True)
class Atom:
    """One narrowable condition: rows of `index` (kind, path, mode) whose keys meet the value of `const`."""

    kind: str  # "page" or "task"
    path: Path
    mode: str  # "eq", "deep" (contains/icontains), "top" (econtains), "rev", "truthy"
    func: str  # the function ("=" for equality, "" for truthy)
    const: Any  # the expression K (None for truthy)


@dataclass(frozen=True)
class Both:
    op: str  # "&" or "|"
    left: Any
    right: Any


def plan(node: Expr, kind: str) -> Atom | Both | None:
    """The narrowable shape of a WHERE expression (None: every row is a candidate)."""
    if isinstance(node, BinaryOp):
        if node.op in ("&", "|"):
            left, right = plan(node.left, kind), plan(node.right, kind)
            if node.op == "&":
                if left is None or right is None:
                    return left or right
                return Both("&", left, right)
            return None if left is None or right is None else Both("|", left, right)
        if node.op == "=":
            for var, other in ((node.left, node.right), (node.right, node.left)):
                path = row_path(var)
                if path is not None and independent(other):
                    return Atom(kind, path, "eq", "=", other)
        return None
    if isinstance(node, Call) and isinstance(node.func, Variable) and node.func.name in _CONTAINS:
        if len(node.args) != 2:
            return None
        hay, needle = node.args
        func = node.func.name
        path = row_path(hay)
        if path is not None and independent(needle):
            return Atom(kind, path, "top" if func == "econtains" else "deep", func, needle)
        path = row_path(needle)
        if path is not None and independent(hay):
            return Atom(kind, path, "rev", func, hay)
        return None
    path = row_path(node)
    if path is not None:
        return Atom(kind, path, "truthy", "", None)
    return None


def describe(node: Expr | None) -> str:
    """How a WHERE runs, for the scaling check and the docs: "set-based" or "row by row"."""
    return "row by row" if node is None or plan(node, "page") is None else "set-based"


# --------------------------------------------------------------------------------------- the indexes


def _walk(data: Mapping[str, Any], path: Path) -> Any:
    """The value at `path` in a row, or `_UNSURE` when the index cannot tell (a link or a list on the
    way: the evaluator would follow or map it; a field named `this`, which shadows the query's page)."""
    if "this" in data:
        return _UNSURE
    value: Any = data.get(path[0])
    for key in path[1:]:
        if value is None:
            return None
        if not isinstance(value, dict):
            return _UNSURE
        value = value.get(key)
    return value


def _link_key(link: Link, pages: Mapping[str, Any]) -> tuple:
    if link.path in pages:
        return ("link", link.path, link.type, link.subpath or None)
    return ("u", link.path, link.type, link.subpath or None)


def _scalar_key(value: Any, pages: Mapping[str, Any]) -> tuple | None:
    if isinstance(value, Link):
        return _link_key(value, pages)
    return eq_key(value)


def _leaf_keys(value: Any, mode: str, pages: Mapping[str, Any]) -> Iterator[tuple]:
    """The keys a row's value is filed under for `mode` (see `Atom`)."""
    if value is _UNSURE:
        yield _UNSURE
    elif mode == "truthy":
        if truthy(value):
            yield _TRUTHY
    elif mode == "eq":
        key = _scalar_key(value, pages)
        if key is not None:
            yield key
    elif mode == "rev":
        if isinstance(value, list):
            if value:  # a list needle is vectorised: a non-empty result list is truthy
                yield _UNSURE
        elif isinstance(value, str):
            yield ("s", value)
        else:
            key = _scalar_key(value, pages)
            if key is not None:
                yield key
    else:  # "deep" (contains, icontains) or "top" (econtains)
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, list):
                if mode == "deep":
                    yield from _leaf_keys(item, mode, pages)
            elif isinstance(item, str):
                yield ("s", item)
                if mode == "top":
                    yield ("str", unicodedata.normalize("NFC", item))
            elif isinstance(item, dict):
                if mode == "deep" or item is value:
                    yield from (("d", k) for k in item)
            else:
                key = _scalar_key(item, pages)
                if key is not None:
                    yield key


def _rows_of(kind: str, path: str, page: dict[str, Any]) -> Iterator[tuple[RowId, Mapping[str, Any]]]:
    if kind == "page":
        yield path, page
    else:
        for n, task in enumerate(page["file"]["tasks"]):
            # As the engine's TASK rows: the task's own keys shadow the page's.
            yield (path, n), ChainMap(task, page)


class RowIndex:
    """Every row of one kind filed under its keys for one (path, mode); updated page by page."""

    def __init__(
        self, kind: str, path: Path, mode: str, pages: Mapping[str, dict[str, Any]], updatable: bool = True
    ) -> None:
        """`updatable`: pages may be refiled later (`update`, under `mkdocs serve`); without, the keys
        each row was filed under are not kept, and a bucket read becomes the frozen set it is read as
        (at 10,000 notes the kept keys and the second copies were a third of the indexes' memory)."""
        self.kind, self.path, self.mode = kind, path, mode
        self.updatable = updatable
        self.members: dict[tuple, set[RowId] | frozenset[RowId]] = {}
        self.rows_of: dict[str, list[tuple[RowId, tuple[tuple, ...]]]] = {}  # only rows with keys
        self._same: dict[tuple, tuple] = {}  # one key object for equal keys: pages share a few values
        self._file(pages, pages.keys())
        self._reset()

    def _file(self, pages: Mapping[str, dict[str, Any]], paths: Iterable[str]) -> None:
        for p in paths:
            page = pages.get(p)
            if page is not None:
                self._add(p, page, pages)

    def _add(self, path: str, page: dict[str, Any], pages: Mapping[str, Any]) -> None:
        filed = []
        same = self._same
        members = self.members
        for row_id, data in _rows_of(self.kind, path, page):
            keys = {same.setdefault(k, k) for k in _leaf_keys(_walk(data, self.path), self.mode, pages)}
            if not keys:
                continue  # most pages lack most fields: nothing to file or to take out later
            for key in keys:
                bucket = members.get(key)
                if bucket is None:
                    bucket = members[key] = set()
                elif isinstance(bucket, frozenset):  # (frozen by a read: `rows`)
                    bucket = members[key] = set(bucket)
                bucket.add(row_id)
            if self.updatable:
                filed.append((row_id, tuple(keys)))
        if filed:
            self.rows_of[path] = filed

    def _remove(self, path: str) -> None:
        for row_id, keys in self.rows_of.pop(path, ()):
            for key in keys:
                bucket = self.members.get(key)
                if bucket is not None:
                    bucket.discard(row_id)
                    if not bucket:
                        del self.members[key]

    def _reset(self) -> None:
        self._frozen: dict[tuple, frozenset[RowId]] = {}
        self._strings: dict[tuple, frozenset[RowId]] = {}
        self._unresolved: dict[str, dict[tuple, frozenset[RowId]]] = {}

    def update(self, pages: Mapping[str, dict[str, Any]], paths: Iterable[str]) -> None:
        """The pages of `paths` were rebuilt, added, removed, or had their inlinks refreshed."""
        paths = list(paths)
        if not self.updatable:  # (no record of what each row was filed under: file every page again)
            self.members, self._same = {}, {}
            self._file(pages, pages.keys())
            self._reset()
            return
        for path in paths:
            self._remove(path)
        self._file(pages, paths)
        self._reset()

    def rows(self, key: tuple) -> frozenset[RowId]:
        found = self._frozen.get(key)
        if found is None:
            bucket = self.members.get(key, ())
            found = self._frozen[key] = bucket if isinstance(bucket, frozenset) else frozenset(bucket)
            if not self.updatable and key in self.members:
                self.members[key] = found  # read as frozen from now on: one copy, not two
        return found

    def strings(self, test: Callable[[str], bool], cache_key: tuple) -> frozenset[RowId]:
        """The rows with a string leaf passing `test` (each distinct string tried once)."""
        found = self._strings.get(cache_key)
        if found is None:
            out: set[RowId] = set()
            for key, bucket in self.members.items():
                if key[0] == "s" and test(key[1]):
                    out |= bucket
            found = self._strings[cache_key] = frozenset(out)
        return found

    def unresolved(self, folder: str, resolve: Callable[[str], str]) -> dict[tuple, frozenset[RowId]]:
        """The rows with a link that did not resolve where it was written, by the key it has from a
        page in `folder` (names resolve alike from one folder)."""
        found = self._unresolved.get(folder)
        if found is None:
            out: dict[tuple, set[RowId]] = {}
            for key, bucket in self.members.items():
                if key[0] == "u":
                    out.setdefault(("link", resolve(key[1]), key[2], key[3]), set()).update(bucket)
            found = self._unresolved[folder] = {k: frozenset(v) for k, v in out.items()}
        return found


def index_of(pageset: Any, kind: str, path: Path, mode: str) -> RowIndex:
    """The page set's index for (kind, path, mode), built on first use (`update_indexes` keeps it)."""
    indexes = pageset.__dict__.setdefault("_row_indexes", {})
    key = (kind, path, mode)
    found = indexes.get(key)
    if found is None:
        found = indexes[key] = RowIndex(kind, path, mode, pageset.pages, getattr(pageset, "updatable", True))
    return found


def update_indexes(pageset: Any, paths: Iterable[str]) -> None:
    """The pages of `paths` changed (rebuilt, added, removed, or their `file.inlinks`): refile them."""
    paths = set(paths)
    pageset.__dict__.pop("_set_memo", None)  # (its operands are the indexes' sets from before)
    for index in pageset.__dict__.get("_row_indexes", {}).values():
        index.update(pageset.pages, paths)


# -------------------------------------------------------------------------------------- the answers


class Unnarrowable(Exception):
    """This query, on this page, is run row by row (K failed, or is a value no key matches)."""


def _wanted(value: Any, normalize: Callable[[str], str]) -> tuple | None:
    """The key a row's leaf must have to equal `value` (None: no leaf can, e.g. a duration)."""
    if isinstance(value, Link):
        value = value.with_path(normalize(value.path))
        return ("link", value.path, value.type, value.subpath or None)
    return eq_key(value)


def _needle_leaves(value: Any, func: str) -> Iterator[Any]:
    """The leaves of K that `contains(K, row value)` compares with (nested lists too but for econtains)."""
    if isinstance(value, list):
        for item in value:
            if isinstance(item, list) and func != "econtains":
                yield from _needle_leaves(item, func)
            elif not isinstance(item, list):
                yield item
    else:
        yield value


@dataclass(frozen=True)
class Lookup:
    """What an atom looks up in its index for one value of K: the rows filed under one of `keys`, the
    rows with a string leaf passing one of `tests` (each with its cache key), and, when `links`, the
    rows with a link that did not resolve where it is written but does, from the query's folder, to a
    key in `keys`."""

    keys: frozenset[tuple]
    tests: tuple[tuple[Callable[[str], bool], tuple], ...] = ()
    links: bool = False


def lookup(atom: Atom, value: Any, normalize: Callable[[str], str]) -> Lookup:
    """The `Lookup` of `atom` when K is `value` (`normalize` resolves a link's path from the query's
    page). Raises `Unnarrowable` when the query is run row by row for this value."""
    keys: set[tuple] = {_UNSURE}
    tests: list[tuple[Callable[[str], bool], tuple]] = []
    wanted: set[tuple] = set()
    if atom.mode == "truthy":
        keys.add(_TRUTHY)
    elif atom.mode == "rev":
        leaves = list(_needle_leaves(value, atom.func))
        texts = [x for x in leaves if isinstance(x, str)]
        if any(isinstance(x, dict) for x in leaves):
            raise Unnarrowable
        for leaf in leaves:
            if not isinstance(leaf, str):
                key = _wanted(leaf, normalize)
                if key is not None:
                    wanted.add(key)
        if texts:
            if atom.func == "icontains":
                lowered = [t.lower() for t in texts]
                tests.append((lambda s: any(s.lower() in t for t in lowered), ("i", *texts)))
            elif atom.func == "econtains" and isinstance(value, list):
                nfc = {unicodedata.normalize("NFC", t) for t in texts}
                tests.append((lambda s: unicodedata.normalize("NFC", s) in nfc, ("e", *texts)))
            else:
                tests.append((lambda s: any(s in t for t in texts), ("c", *texts)))
    elif isinstance(value, list):
        raise Unnarrowable  # a list needle is vectorised; a list never equals a scalar key
    elif atom.mode == "eq" or not isinstance(value, str):
        key = _wanted(value, normalize)
        if key is None:
            raise Unnarrowable
        wanted.add(key)
    else:  # contains / icontains / econtains of a string
        keys.add(("d", value))
        if atom.func == "icontains":
            low = value.lower()
            tests.append((lambda s: low in s.lower(), ("i", value)))
        else:
            tests.append((lambda s: value in s, ("c", value)))
        if atom.func == "econtains":
            wanted.add(("str", unicodedata.normalize("NFC", value)))
    return Lookup(frozenset(keys | wanted), tuple(tests), any(k[0] == "link" for k in wanted))


def _atom_rows(atom: Atom, ctx: Any, ev: Context, origin: str) -> frozenset[RowId]:
    try:
        value = ev.evaluate(atom.const, {}) if atom.const is not None else None
    except EvalError as e:
        raise Unnarrowable from e
    found = lookup(atom, value, ev.settings.normalize)
    index = index_of(ctx.pages, atom.kind, atom.path, atom.mode)
    parts = [index.rows(k) for k in found.keys]
    parts.extend(index.strings(test, cache_key) for test, cache_key in found.tests)
    if found.links:
        builder = ctx.pages.builder
        folder = origin.rpartition("/")[0]
        unresolved = index.unresolved(folder, lambda target: builder.resolve_path(target, origin))
        parts.extend(unresolved[k] for k in found.keys if k in unresolved)
    parts = [p for p in parts if p]
    if not parts:
        return frozenset()
    if len(parts) == 1:
        return parts[0]
    return _combine(ctx.pages, "|", parts)


def _rows(shape: Atom | Both, ctx: Any, ev: Context, origin: str) -> frozenset[RowId]:
    if isinstance(shape, Atom):
        return _atom_rows(shape, ctx, ev, origin)
    left = _rows(shape.left, ctx, ev, origin)
    if shape.op == "&" and not left:
        return left
    right = _rows(shape.right, ctx, ev, origin)
    return _combine(ctx.pages, shape.op, [left, right])


# A set operation costing fewer steps than this is done again; longer ones are kept (`_combine`).
_MEMO_MIN = 64
# At most this many rows held in results; then the memo starts afresh.
_MEMO_ROWS = 1_000_000


def _combine(pageset: Any, op: str, parts: list[frozenset[RowId]]) -> frozenset[RowId]:
    """The intersection ("&") or union ("|") of `parts`, kept with the page set (`_SetMemo`) when it is
    long to make: an intersection takes as many steps as its smallest operand, a union as all of them.
    `update_indexes` drops the memo with the sets it was made of."""
    cost = min(map(len, parts)) if op == "&" else sum(map(len, parts))
    if cost < _MEMO_MIN:
        return _apply(op, parts)
    memo = pageset.__dict__.get("_set_memo")
    if memo is None:
        memo = pageset.__dict__["_set_memo"] = _SetMemo()
    return memo.combine(op, parts)


def _apply(op: str, parts: list[frozenset[RowId]]) -> frozenset[RowId]:
    return frozenset.intersection(*parts) if op == "&" else frozenset().union(*parts)


class _SetMemo:
    """Set operations kept by the identity of their operands. Exact, as the operands are frozen sets
    each entry holds (an id is not reused while its object lives); at most `_MEMO_ROWS` rows are held
    in results, then it starts afresh."""

    __slots__ = ("entries", "rows")

    def __init__(self) -> None:
        self.entries: dict[tuple, tuple[tuple[frozenset[RowId], ...], frozenset[RowId]]] = {}
        self.rows = 0

    def combine(self, op: str, parts: list[frozenset[RowId]]) -> frozenset[RowId]:
        key = (op, *map(id, parts))
        found = self.entries.get(key)
        if found is None:
            result = _apply(op, parts)
            self.rows += len(result)
            if self.rows > _MEMO_ROWS:
                self.entries.clear()
                self.rows = len(result)
            found = self.entries[key] = (tuple(parts), result)
        return found[1]


_PLANS: dict[tuple[int, str], tuple[Expr, Atom | Both | None]] = {}


def _plan_of(where: Expr, kind: str) -> Atom | Both | None:
    """`plan`, once per parsed WHERE (the engine parses a template's text once)."""
    key = (id(where), kind)
    found = _PLANS.get(key)
    if found is None or found[0] is not where:
        if len(_PLANS) > 4096:
            _PLANS.clear()
        found = _PLANS[key] = (where, plan(where, kind))
    return found[1]


def candidates(where: Expr, kind: str, ctx: Any, ev: Context, origin: str) -> frozenset[RowId] | None:
    """A superset of the rows (page paths, or (path, n) task ids) that can pass the WHERE `where` run
    from `origin`, or None when it cannot be narrowed."""
    shape = _plan_of(where, kind)
    if shape is None:
        return None
    try:
        return _rows(shape, ctx, ev, origin)
    except Unnarrowable:
        return None


# ------------------------------------------------------------------- the inverse: which pages, for a row


def _this_keys(node: Any) -> Path | None:
    """`this.a.b` (or `this["a"]`) as ("a", "b"); None for anything else."""
    path = _index_path(node)
    if path is None or path[0] != "this" or not path[1]:
        return None
    return path[1]


class _Failed:
    """K could not be evaluated for a page: the query runs row by row there."""


def _const_values(
    const: Any, ctx: Any, origins: Iterable[str], context_of: Callable[[str], Context]
) -> Iterator[tuple[str, Any, Callable[[str], str], bool]]:
    """(origin, K's value with that page as `this` or `_Failed`, the page's link normalisation, whether
    the value read nothing but the page itself) for each origin, reading `this.a.b` straight from the
    page where the evaluator would read dicts."""
    builder = ctx.pages.builder
    pages = ctx.pages.pages
    chain = _this_keys(const)
    plain = isinstance(const, Literal) and not isinstance(const.value, (Link, list, dict))
    for origin in origins:

        def normalize(path: str, origin: str = origin) -> str:
            return builder.resolve_path(path, origin)

        if const is None or plain:
            yield origin, None if const is None else const.value, normalize, True
            continue
        if chain is not None:
            value: Any = pages.get(origin)
            for key in chain:
                if type(value) is not dict:
                    break
                value = value.get(key)
            else:
                yield origin, value, normalize, True
                continue
        try:  # anything else: the evaluator, as the engine runs it for this page
            value = context_of(origin).evaluate(const, {})
        except Exception:  # noqa: BLE001 - EvalError (the engine's Unnarrowable) or a surprise: row by row
            value = _Failed
        yield origin, value, normalize, False


class _AtomInverse:
    """For one atom and many pages: K's lookups, filed by key, so a row's keys name the pages whose
    candidates include it. `refresh` files some pages' lookups again (a serve rebuild keeps it)."""

    def __init__(self, atom: Atom, ctx: Any, origins: Iterable[str], context_of: Callable[[str], Context]) -> None:
        self.atom = atom
        self.index = index_of(ctx.pages, atom.kind, atom.path, atom.mode)
        self.by_key: dict[tuple, set[str]] = {}
        self.tested: dict[str, tuple[tuple[Callable[[str], bool], tuple], ...]] = {}
        # Folder -> the pages there whose lookups take in links resolving from their folder.
        self.linked: dict[str, set[str]] = {}
        self.resolve = ctx.pages.builder.resolve_path
        self.wild: set[str] = set()  # pages whose query runs row by row: every row is a candidate
        self.origins: set[str] = set()
        self.keys_of: dict[str, frozenset[tuple]] = {}  # page -> the keys it is filed under
        # Pages whose K read more than the page itself (another page, through a link): filed anew on
        # every refresh.
        self.volatile: set[str] = set()
        self.refresh(ctx, origins, context_of)

    def refresh(
        self, ctx: Any, origins: Iterable[str], context_of: Callable[[str], Context], gone: Iterable[str] = ()
    ) -> None:
        """File the lookups of `origins` anew, and drop those of `gone`."""
        origins = set(origins)
        for origin in origins | set(gone):
            self._drop(origin)
        for origin, value, normalize, own in _const_values(self.atom.const, ctx, origins, context_of):
            self.origins.add(origin)
            if not own:
                self.volatile.add(origin)
            if value is _Failed:
                self.wild.add(origin)
                continue
            try:
                found = lookup(self.atom, value, normalize)
            except Exception:  # noqa: BLE001 - Unnarrowable, or a surprise: every row is a candidate
                self.wild.add(origin)
                continue
            keys = frozenset(key for key in found.keys if key is not _UNSURE)
            self.keys_of[origin] = keys
            for key in keys:
                self.by_key.setdefault(key, set()).add(origin)
            if found.tests:
                self.tested[origin] = found.tests
            if found.links:
                self.linked.setdefault(origin.rpartition("/")[0], set()).add(origin)

    def _drop(self, origin: str) -> None:
        if origin not in self.origins:
            return
        self.origins.discard(origin)
        self.wild.discard(origin)
        self.volatile.discard(origin)
        self.tested.pop(origin, None)
        for key in self.keys_of.pop(origin, ()):
            bucket = self.by_key.get(key)
            if bucket is not None:
                bucket.discard(origin)
                if not bucket:
                    del self.by_key[key]
        folder = self.linked.get(origin.rpartition("/")[0])
        if folder is not None:
            folder.discard(origin)
            if not folder:
                del self.linked[origin.rpartition("/")[0]]

    def hits(self, path: str) -> set[str]:
        """The pages whose lookups find a row of the page `path` (its keys as indexed now)."""
        filed = self.index.rows_of.get(path)
        if not filed:
            return set()
        keys = {key for _, row_keys in filed for key in row_keys}
        if _UNSURE in keys:
            return set(self.origins)
        out: set[str] = set()
        for key in keys:
            found = self.by_key.get(key)
            if found:
                out |= found
        strings = [key[1] for key in keys if key[0] == "s"]
        if strings:
            for origin, tests in self.tested.items():
                if any(test(s) for test, _ in tests for s in strings):
                    out.add(origin)
        unresolved = [key for key in keys if key[0] == "u"]
        if unresolved and self.linked:
            # A link that did not resolve where it is written may resolve from a page's folder to what
            # that page looks up (`RowIndex.unresolved`): names resolve alike from one folder.
            for origins in self.linked.values():
                source = next(iter(origins))
                for key in unresolved:
                    found = self.by_key.get(("link", self.resolve(key[1], source), key[2], key[3]))
                    if found:
                        out |= found & origins
        return out


class Inverse:
    """A template's first WHERE, run on many pages (`origins`): `origins_of(path)` is a superset of the
    pages whose candidates (`candidates`, with each page as `this`) hold a row of the page `path`, or
    that run the query row by row. K is evaluated once per page for the whole change set (read
    straight from the page for `this.a.b`), and a changed row's keys are looked up in the inverse,
    instead of every page's candidates being made and searched. A serve rebuild keeps it and files
    anew only the pages whose K may differ (`refresh`)."""

    def __init__(
        self, where: Expr, kind: str, ctx: Any, origins: Iterable[str], context_of: Callable[[str], Context]
    ) -> None:
        """`context_of(origin)`: the evaluation context the query runs with on that page
        (`engine.row_context`)."""
        self.origins = set(origins)
        self.shape = _plan_of(where, kind)
        self._atoms: dict[int, _AtomInverse] = {}
        self.wild: set[str] = set()
        if self.shape is not None:
            stack = [self.shape]
            while stack:
                shape = stack.pop()
                if isinstance(shape, Both):
                    stack += [shape.left, shape.right]
                elif id(shape) not in self._atoms:
                    inverse = self._atoms[id(shape)] = _AtomInverse(shape, ctx, self.origins, context_of)
                    self.wild |= inverse.wild

    @property
    def volatile(self) -> set[str]:
        """The pages whose K read more than their own page: filed anew on every refresh."""
        out: set[str] = set()
        for atom in self._atoms.values():
            out |= atom.volatile
        return out

    def refresh(self, ctx: Any, origins: Iterable[str], stale: Iterable[str], context_of: Callable[[str], Context]) -> None:
        """The pages running the query are now `origins`; file anew those of `stale` (their page, or what
        they recorded, changed) and those whose K reads other pages, and drop the pages gone."""
        origins = set(origins)
        gone = self.origins - origins
        again = ((set(stale) | self.volatile) & origins) | (origins - self.origins)
        self.origins = origins
        if self.shape is None or not (gone or again):
            return
        self.wild = set()
        for atom in self._atoms.values():
            atom.refresh(ctx, again, context_of, gone)
            self.wild |= atom.wild

    def origins_of(self, path: str) -> set[str]:
        if self.shape is None:
            return set(self.origins)
        return self._hits(self.shape, path) | self.wild

    def _hits(self, shape: Atom | Both, path: str) -> set[str]:
        if isinstance(shape, Atom):
            return self._atoms[id(shape)].hits(path)
        left = self._hits(shape.left, path)
        if shape.op == "&" and not left:
            return left
        right = self._hits(shape.right, path)
        return left & right if shape.op == "&" else left | right
