"""Run DQL queries over the published pages: TABLE, LIST, TASK, CALENDAR and inline `= expr`.

What runs where, and why:

* **FROM** (sources) runs as SQL over the DuckDB index when the context carries a connection
  (`notes`, `tags`, `links` tables): folders are a path prefix or an exact note path, tags a
  case-insensitive match on the tag table (which holds every parent tag), `[[note]]` and
  `outgoing([[note]])` read the link table; `and`/`or`/`-` are set intersection, union and
  difference. These are exact set operations, so SQL and Dataview agree by construction. Every user
  string is a bound parameter. Each folder or tag statement runs once per build and the link table is
  read once per build into adjacency maps, since a build runs a scoped query on thousands of pages
  and one statement per query cost about 2.6 ms at 10,000 notes. Without a connection the same sources are evaluated in Python (`sources_python`), which
  is also the reference the SQL path is tested against.
* **The first WHERE, set-based where its shape allows** (`narrowing.py`): a template runs on
  thousands of pages and differs only in `this`, so its first WHERE is read as AND / OR over atoms
  whose candidate rows come from indexes built once per build over every page, or every task for
  TASK: `path = K` either way round (`project = this.file.link`, `file.name = this.client`),
  `contains` / `icontains` / `econtains(path, K)` on lists and scalars (`contains(attendees,
  this.file.link)`, `contains(file.outlinks | file.inlinks, this.file.link)`, `contains(file.tags,
  "#x")`), `contains(K, path)` (`contains(this.file.inlinks, file.link)`) and a bare truthy field,
  where K reads no row (`status = "active"` is one too). AND intersects, OR unites; other
  conditions (`!completed`, `date < date(today)`) are left to the WHERE, which then runs on the
  candidates only. The narrowing is exact: the candidates are a superset, the whole WHERE still
  decides, and a query whose candidates all fail, or which has none while its WHERE might fail on
  some row, runs again over every row (Dataview fails a query only when every row fails).
  FROM `[[]]`, `[[]] AND "folder"` and `#tag` are set operations over the index already (above).
* **Everything else** (the other WHEREs, SORT, GROUP BY, FLATTEN, LIMIT and the columns) runs in
  Python over the page objects the source selected, with Dataview's exact semantics: JavaScript
  regular expressions, ICU-style string order and the cross-type total order, Luxon calendar
  arithmetic and formats, lambdas, and above all the rule that a row whose expression *fails* is
  silently dropped (the query fails only when every row fails). SQL has none of these, and pushing
  a WHERE down would change which rows fail, so no condition is pushed into SQL. `this.a.b` chains
  are evaluated once per query, and folder and tag sources once per build (they do not depend on the
  query's note).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import heapq
import math
from collections import ChainMap
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from . import kept as kept_results
from . import narrowing
from .evaluate import Context, EvalError, Settings, this_chains
from .pages import PageSet
from .parser import (
    BinarySource,
    Call,
    DQLError,
    EmptySource,
    FlattenStep,
    FolderSource,
    GroupStep,
    Index,
    LimitStep,
    LinkSource,
    NegatedSource,
    Query,
    SortStep,
    Source,
    TagSource,
    Variable,
    WhereStep,
    child_nodes,
    parse_expression,
    parse_query,
)
from .parser import Literal as ParsedLiteral
from .values import UTC, Link, to_cell, truthy, type_of


@dataclass
class QueryContext:
    """Everything a query needs: the visible pages, the clock and, optionally, the DuckDB index."""

    pages: PageSet
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(UTC))
    tz: dt.tzinfo = UTC
    con: Any = None  # duckdb connection holding the index (notes/tags/links), or None
    # Optional observer of what each query read (`incremental.QueryLog`): `query(origin, query, paths)`
    # with the FROM's paths, `narrow(origin, paths)` with the rows its leading WHEREs kept, and
    # `deref(origin, path)` for every page a link was followed to. Serve rebuilds use it to re-render
    # only the pages whose results an edit can change.
    recorder: Any = None
    # False runs every WHERE row by row, without `narrowing`: the reference the set-based path is
    # tested against.
    narrow: bool = True
    # False runs a page-independent query again on every page (`page_independent`), as the reference.
    share: bool = True
    id_column: str = "File"  # Dataview's tableIdColumnName: the heading of a table's id column


@dataclass
class Result:
    """A query result. `type` is table, list, task, calendar, inline or error.

    table: `headers`, `rows` (lists of values); list: `items` (values, or [id, value] pairs when
    `show_id` and a format is given); task: `tasks` (task objects) or `groups` ([key, subgroups or
    tasks]); calendar: `entries` ([date, link]); inline: `value`; error: `error`.
    """

    type: str
    headers: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    items: list[Any] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    groups: list[tuple[Any, Any]] | None = None
    entries: list[tuple[Any, Any]] = field(default_factory=list)
    value: Any = None
    error: DQLError | None = None
    show_id: bool = True
    count: int = 0
    notices: list[str] = field(default_factory=list)  # to report with the result (a warning each)
    # For a page-independent query (`page_independent`), the origin it ran as (`shared_origin`): the
    # same object on every page of a folder. Never change it; render it once. "" for any other result.
    shared: str = ""


@dataclass
class _Row:
    id: Any
    data: dict[str, Any]


# ----------------------------------------------------------------------------------------- sources


def _folder_match(path: str, folder: str) -> bool:
    if folder == "":
        return True
    return path.startswith(folder + "/") or path == folder + ".md"


def sources_python(source: Source, pages: PageSet, origin: str) -> set[str]:
    """The paths a FROM clause selects, evaluated over the page objects."""
    all_paths = set(pages.pages)
    if isinstance(source, EmptySource):
        return all_paths
    if isinstance(source, FolderSource):
        return {p for p in all_paths if _folder_match(p, source.folder)}
    if isinstance(source, TagSource):
        tag = source.tag.lower()
        return {p for p, page in pages.pages.items() if any(t.lower() == tag for t in page["file"]["tags"])}
    if isinstance(source, LinkSource):
        target = pages.builder.resolve_path(source.target, origin)
        if source.incoming:
            return {p for p in pages.builder.inlinks.get(target, []) if p in all_paths}
        page = pages.get(target)
        if page is None:
            return set()
        return {lk.path for lk in page["file"]["outlinks"] if lk.path in all_paths}
    if isinstance(source, NegatedSource):
        return all_paths - sources_python(source.child, pages, origin)
    if isinstance(source, BinarySource):
        left = sources_python(source.left, pages, origin)
        right = sources_python(source.right, pages, origin)
        return left & right if source.op == "&" else left | right
    raise DQLError(f"Unknown source {source!r}")


def _like_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def base_sql(source: FolderSource | TagSource | EmptySource) -> tuple[str, list[Any]]:
    """A folder, tag or empty FROM as a SQL query returning `path`, with every user string bound."""
    if isinstance(source, FolderSource) and source.folder != "":
        return (
            "SELECT path FROM notes WHERE path LIKE ? ESCAPE '\\' OR path = ?",
            [_like_escape(source.folder + "/") + "%", source.folder + ".md"],
        )
    if isinstance(source, TagSource):
        return "SELECT DISTINCT path FROM tags WHERE lower(tag) = lower(?)", [source.tag]
    return "SELECT path FROM notes", []


def select_paths(source: Source, ctx: QueryContext, origin: str) -> AbstractSet[str]:
    """Paths selected by the source, visible pages only (`in_vault_order` orders them). Often a set
    cached for the build: callers must not change it."""
    if ctx.con is not None:
        return _sql_sources(source, ctx, origin)
    # Folder and tag sources do not depend on the query's note: computed once per build.
    if isinstance(source, (FolderSource, TagSource, EmptySource)):
        cache = ctx.pages.__dict__.setdefault("_source_cache", {})
        key = repr(source)
        if key not in cache:
            cache[key] = frozenset(sources_python(source, ctx.pages, origin))
        return cache[key]
    return sources_python(source, ctx.pages, origin)


# Every link as (key, value) pairs: incoming maps a target (a resolved path, else the raw text of an
# unresolved link) to the notes linking to it; outgoing maps a note to the notes it links to.
_INCOMING_SQL = "SELECT DISTINCT coalesce(target, target_raw), source FROM links"
_OUTGOING_SQL = "SELECT DISTINCT l.source, l.target FROM links l JOIN notes n ON n.path = l.target"
# The same, for the links of some sources only (bound as a list).
_FROM_SOURCES = " WHERE {column} IN (SELECT unnest(?))"


class SqlSources:
    """FROM results read from the index, each statement run once per page set: the folder, tag and
    empty sources' paths, and the link table as adjacency maps ("in": target -> sources, "out": source
    -> targets). A serve rebuild carries them over (`carried`), reading again only the rows of the
    notes it re-indexed: at 10,000 notes, reading the whole link table again cost 0.1 s per rebuild."""

    def __init__(self) -> None:
        self.base: dict[str, tuple[str, list[Any], frozenset[str]]] = {}  # repr(source) -> sql, params, paths
        self.adjacency: dict[str, dict[str, frozenset[str]]] = {}
        # id(source) -> (source, its paths, or None when it names a link and so depends on the page):
        # `#tag AND "folder"` and `-"folder"` are the same sets on every page of a template.
        self.combined: dict[int, tuple[Source, AbstractSet[str] | None]] = {}

    def base_paths(
        self, source: FolderSource | TagSource | EmptySource, con: Any, visible: AbstractSet[str]
    ) -> frozenset[str]:
        key = repr(source)
        found = self.base.get(key)
        if found is None:
            sql, params = base_sql(source)
            paths = frozenset(row[0] for row in con.execute(sql, params).fetchall()).intersection(visible)
            found = self.base[key] = (sql, params, paths)
        return found[2]

    def links(self, incoming: bool, con: Any, visible: AbstractSet[str]) -> dict[str, frozenset[str]]:
        key = "in" if incoming else "out"
        if key not in self.adjacency:
            rows = con.execute(_INCOMING_SQL if incoming else _OUTGOING_SQL).fetchall()
            self.adjacency[key] = _adjacency(rows, visible)
        return self.adjacency[key]

    def carried(self, con: Any, visible: AbstractSet[str], changed: AbstractSet[str]) -> SqlSources:
        """These results for the index after only the rows of `changed` (notes re-indexed, published,
        unpublished or removed) were rewritten, and `visible` the new page set: every statement's answer
        for another note is as it was, so only `changed` is looked up again."""
        out = SqlSources()
        if not changed:
            out.base, out.adjacency = dict(self.base), dict(self.adjacency)
            return out
        wanted = [sorted(changed)]
        for key, (sql, params, paths) in self.base.items():
            restricted = f"SELECT path FROM ({sql}) AS s" + _FROM_SOURCES.format(column="path")
            rows = con.execute(restricted, params + wanted).fetchall()
            now = frozenset(r[0] for r in rows).intersection(visible)
            out.base[key] = (sql, params, (paths - changed) | now)
        for key, adjacency in self.adjacency.items():
            incoming = key == "in"
            sql = _INCOMING_SQL if incoming else _OUTGOING_SQL
            column = "source" if incoming else "l.source"
            fresh = _adjacency(con.execute(sql + _FROM_SOURCES.format(column=column), wanted).fetchall(), visible)
            if incoming:  # target -> sources: take the changed sources out of every entry
                kept = {k: v if v.isdisjoint(changed) else v - changed for k, v in adjacency.items()}
                for k, v in fresh.items():
                    kept[k] = kept.get(k, frozenset()) | v
                out.adjacency[key] = {k: v for k, v in kept.items() if v}
            else:  # source -> targets: a changed source's entry is replaced whole
                kept = {k: v for k, v in adjacency.items() if k not in changed}
                kept.update(fresh)
                out.adjacency[key] = kept
        return out


def _adjacency(rows: list[tuple[str, str]], visible: AbstractSet[str]) -> dict[str, frozenset[str]]:
    """(key, value) rows as key -> the visible values."""
    adjacency: dict[str, set[str]] = {}
    for k, v in rows:
        if v in visible:
            adjacency.setdefault(k, set()).add(v)
    return {k: frozenset(v) for k, v in adjacency.items()}


def sql_sources_of(pages: PageSet) -> SqlSources:
    """The page set's `SqlSources` (the cache lives on the page set, which drops or carries it whenever
    the pages change)."""
    found = pages.__dict__.get("_sql_sources")
    if found is None:
        found = pages.__dict__["_sql_sources"] = SqlSources()
    return found


def _sql_sources(source: Source, ctx: QueryContext, origin: str) -> AbstractSet[str]:
    """The source's paths from the index."""
    cache = sql_sources_of(ctx.pages)
    if isinstance(source, LinkSource):
        target = ctx.pages.builder.resolve_path(source.target, origin)
        return cache.links(source.incoming, ctx.con, ctx.pages.pages.keys()).get(target, frozenset())
    if isinstance(source, (NegatedSource, BinarySource)):
        found = cache.combined.get(id(source))
        if found is not None and found[0] is source:
            if found[1] is not None:
                return found[1]
            return _combined_sources(source, ctx, origin)
        paths = _combined_sources(source, ctx, origin)
        cache.combined[id(source)] = (source, None if _names_link(source) else paths)
        return paths
    return cache.base_paths(source, ctx.con, ctx.pages.pages.keys())


def _combined_sources(source: NegatedSource | BinarySource, ctx: QueryContext, origin: str) -> AbstractSet[str]:
    if isinstance(source, NegatedSource):
        return _sql_sources(EmptySource(), ctx, origin) - _sql_sources(source.child, ctx, origin)
    left = _sql_sources(source.left, ctx, origin)
    right = _sql_sources(source.right, ctx, origin)
    return left & right if source.op == "&" else left | right


def _names_link(source: Source) -> bool:
    if isinstance(source, LinkSource):
        return True
    if isinstance(source, NegatedSource):
        return _names_link(source.child)
    if isinstance(source, BinarySource):
        return _names_link(source.left) or _names_link(source.right)
    return False


def _vault_order(ctx: QueryContext) -> dict[str, int]:
    order = ctx.pages.__dict__.get("_order")
    if order is None:
        order = ctx.pages.__dict__["_order"] = {p: i for i, p in enumerate(ctx.pages.pages)}
    return order


def in_vault_order(paths: AbstractSet[str], ctx: QueryContext) -> list[str]:
    """The paths in vault order (the order Dataview's index yields pages, and ties keep)."""
    return sorted(paths, key=_vault_order(ctx).__getitem__)


# ------------------------------------------------------------------------------------------- core


def _settings(ctx: QueryContext, origin: str) -> Settings:
    builder = ctx.pages.builder

    def normalize(path: str) -> str:
        return builder.resolve_path(path, origin)

    recorder = ctx.recorder
    if recorder is not None:

        def resolve(path: str) -> dict[str, Any] | None:
            target = normalize(path)
            recorder.deref(origin, target)
            return ctx.pages.get(target)

    else:

        def resolve(path: str) -> dict[str, Any] | None:
            return ctx.pages.get(normalize(path))

    return Settings(now=ctx.now, tz=ctx.tz, resolve=resolve, normalize=normalize)


def _this_page(ctx: QueryContext, origin: str) -> dict[str, Any]:
    page = ctx.pages.get(origin)
    if page is not None:
        return page
    note = ctx.pages.builder.notes.get(origin)
    return ctx.pages.builder.page(note) if note is not None else {}


# The rows one FLATTEN may make: far above what any real vault's FLATTEN makes (every list item of a
# 50,000-note vault is some 350,000), and a bound on the time and memory of chains that multiply rows
# (three FLATTENs of 1,000-item lists would make a billion).
MAX_FLATTEN_ROWS = 500_000
_FLATTEN_NOTICE = f"FLATTEN made more than {MAX_FLATTEN_ROWS:,} rows; only the first {MAX_FLATTEN_ROWS:,} are kept"


def _fail_if_all(errors: list[str], total: int, what: str, where: tuple[int, int] = (0, 0)) -> None:
    """Dataview's rule: rows whose expression fails are dropped, unless every row fails."""
    if total and len(errors) == total:
        raise EvalError(f"Every row during {what} failed with an error; first error: {errors[0]}", *where)


def _execute_core(
    query: Query, rows: list[_Row], ev: Context, steps: list[Any] | None = None
) -> tuple[list[_Row], list[str]]:
    """WHERE / SORT / LIMIT / GROUP BY / FLATTEN in query order (or only `steps`); returns rows and
    the names of the groups the rows are, outermost last (Dataview's "identifier meaning": a FLATTEN
    of the innermost group's name ungroups it, so the id column is headed "File" again)."""
    groups: list[str] = []
    steps = query.steps if steps is None else steps
    for n, step in enumerate(steps):
        if isinstance(step, WhereStep):
            total = len(rows)
            rows, errors = _where(query, step, rows, ev)
            _fail_if_all(errors, total, "where", query.position(step.expr.pos))
        elif isinstance(step, SortStep):
            tagged, errors = [], []
            for row in rows:
                try:
                    tagged.append(([ev.evaluate(k.expr, row.data) for k in step.keys], row))
                except EvalError as e:
                    errors.append(e.message)
            _fail_if_all(errors, len(rows), "sort", query.position(step.keys[0].expr.pos))

            order = _sort_order(tagged, step.keys, ev)
            top = _constant_limit(steps[n + 1], ev) if n + 1 < len(steps) else None
            if top is not None and top < len(tagged):
                # SORT then LIMIT k: the k first rows in sorted order, in about n comparisons instead
                # of n log n (nsmallest is stable, like sorted; home pages sort whole folders).
                rows = [r for _, r in heapq.nsmallest(top, tagged, key=order)]
            else:
                rows = [r for _, r in sorted(tagged, key=order)]
        elif isinstance(step, LimitStep):
            amount = ev.evaluate(step.expr, {})
            if isinstance(amount, bool) or not isinstance(amount, (int, float)):
                raise EvalError("LIMIT must be a number", *query.position(step.expr.pos))
            rows = rows[: max(int(amount), 0)]
        elif isinstance(step, GroupStep):
            keyed, errors = [], []
            for row in rows:
                try:
                    keyed.append((ev.evaluate(step.field.expr, row.data), row))
                except EvalError as e:
                    errors.append(e.message)
            _fail_if_all(errors, len(rows), "group by", query.position(step.field.expr.pos))
            keyed.sort(key=functools.cmp_to_key(lambda a, b: ev.compare(a[0], b[0])))
            grouped: list[_Row] = []
            for key, row in keyed:
                # A task row is a view of the task over its page: as a plain object (Dataview's is one)
                # `rows.text`, `rows.completed` ... read it after the grouping.
                item = row.data if isinstance(row.data, dict) else dict(row.data)
                if grouped and ev.compare(grouped[-1].id, key) == 0:
                    grouped[-1].data["rows"].append(item)
                else:
                    data = {"key": key, "rows": [item]}
                    if step.field.name not in ("rows",):
                        data.setdefault(step.field.name, key)
                    grouped.append(_Row(key, data))
            rows = grouped
            groups.append(step.field.name)
        elif isinstance(step, FlattenStep):
            out, errors = [], []
            room = MAX_FLATTEN_ROWS
            for row in rows:
                try:
                    value = ev.evaluate(step.field.expr, row.data)
                except EvalError as e:
                    errors.append(e.message)
                    continue
                values = value if isinstance(value, list) else [value]
                if len(values) > room:
                    values = values[:room]
                    ev.notices.append(_FLATTEN_NOTICE)
                for v in values:
                    out.append(_Row(row.id, {**row.data, step.field.name: v}))
                room -= len(values)
                if room <= 0:
                    if row is not rows[-1]:
                        ev.notices.append(_FLATTEN_NOTICE)
                    break
            _fail_if_all(errors, len(rows), "flatten", query.position(step.field.expr.pos))
            rows = out
            if groups and groups[-1] == step.field.name:
                groups.pop()
    return rows, groups


def _where(query: Query, step: WhereStep, rows: list[_Row], ev: Context) -> tuple[list[_Row], list[str]]:
    """The rows passing a WHERE, and the errors of the rows it failed on (dropped, as Dataview does)."""
    kept, errors = [], []
    for row in rows:
        try:
            if truthy(ev.evaluate(step.expr, row.data)):
                kept.append(row)
        except EvalError as e:
            errors.append(e.message)
    return kept, errors


def _sort_order(tagged: list[tuple[list[Any], Any]], keys: list[Any], ev: Context) -> Any:
    """The sort key a SORT with `keys` orders (values, row) pairs by: `_plain_order` where it applies,
    else Dataview's comparison, key by key."""

    def cmp(a: tuple[list[Any], Any], b: tuple[list[Any], Any]) -> int:
        for i, key in enumerate(keys):
            c = ev.compare(a[0][i], b[0][i])
            if c:
                return -c if key.descending else c
        return 0

    return _plain_order(tagged, keys) or functools.cmp_to_key(cmp)


def _plain_order(tagged: list[tuple[list[Any], _Row]], keys: list[Any]) -> Any:
    """A sort key equal in order to `compare` when there is one sort key and its values are only
    numbers (no NaN) or only dates, nulls allowed (most SORTs: `file.day`, `due`, `file.mtime`):
    nulls first, then the number or the timestamp `compare` compares, negated for DESC. Stable like
    the comparison sort. None for anything else."""
    if len(keys) != 1:
        return None
    kinds = {type_of(values[0]) for values, _ in tagged}
    kinds.discard("null")
    if len(kinds) > 1 or (kinds and kinds != {"number"} and kinds != {"date"}):
        return None
    numbers = kinds == {"number"}
    if numbers and any(isinstance(v[0], float) and math.isnan(v[0]) for v, _ in tagged):
        return None
    sign = -1 if keys[0].descending else 1

    def key(item: tuple[list[Any], _Row]) -> tuple[int, Any]:
        v = item[0][0]
        if v is None:
            return (0, 0)
        return (sign, sign * (v if numbers else v.timestamp()))

    return key


def _constant_limit(step: Any, ev: Context) -> int | None:
    """k when `step` is a LIMIT whose amount is a non-negative number, else None."""
    if not isinstance(step, LimitStep):
        return None
    try:
        amount = ev.evaluate(step.expr, {})
    except EvalError:
        return None
    if isinstance(amount, bool) or not isinstance(amount, (int, float)):
        return None
    return max(int(amount), 0)


def _row_paths(rows: list[_Row], kind: str) -> set[str]:
    return {r.id["path"] if kind == "task" else r.id.path for r in rows}


def _cutoff(steps: list[Any], rows: list[_Row], ev: Context) -> tuple[list[Any], list[Any]] | None:
    """(sort keys, the last row's values) when `steps` are SORT then LIMIT k and `rows`, their result,
    has k rows: a row sorting strictly after that last one cannot enter the result
    (`incremental.QueryLog.affected`). None otherwise, or when the keys cannot be evaluated."""
    if len(steps) != 2 or not isinstance(steps[0], SortStep) or not rows:
        return None
    if _constant_limit(steps[1], ev) != len(rows):
        return None
    try:
        return steps[0].keys, [ev.evaluate(key.expr, rows[-1].data) for key in steps[0].keys]
    except EvalError:
        return None


def _fields_pos(query: Query) -> tuple[int, int]:
    return query.position(query.fields[0].expr.pos) if query.fields else (0, 0)


def _page_rows(paths: list[str], ctx: QueryContext) -> list[_Row]:
    pages = ctx.pages.pages
    return [_Row(pages[p]["file"]["link"], pages[p]) for p in paths]


def _task_rows(paths: list[str], ctx: QueryContext) -> list[_Row]:
    rows = []
    for p in paths:
        page = ctx.pages.pages[p]
        for task in page["file"]["tasks"]:
            # The task's own keys shadow the page's (a ChainMap looks them up without copying the page).
            rows.append(_Row(task, ChainMap(task, page)))
    return rows


def _nest_tasks(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop items already shown as a descendant of another result item (the TASK view's de-duplication)."""
    shown = set()

    def walk(item: dict[str, Any]) -> None:
        for child in item.get("children", []):
            shown.add((child["path"], child["line"]))
            walk(child)

    for item in items:
        walk(item)
    return [i for i in items if (i["path"], i["line"]) not in shown]


class GroupTasks(list):
    """A group's tasks as shown (nested), and `rows`: how many the group holds (Dataview's count)."""

    rows: int = 0


def _group_tasks(items: list[dict[str, Any]]) -> GroupTasks:
    shown = GroupTasks(_nest_tasks(items))
    shown.rows = len(items)
    return shown


def _task_groups(rows: list[_Row], depth: int) -> Any:
    if depth == 0:
        return _group_tasks([r.id for r in rows])
    return [(r.id, _task_groups_data(r.data["rows"], depth - 1)) for r in rows]


def _task_groups_data(datas: list[dict[str, Any]], depth: int) -> Any:
    if depth == 0:
        return _group_tasks([_task_of(d) for d in datas])
    return [(d["key"], _task_groups_data(d["rows"], depth - 1)) for d in datas]


def _task_of(data: dict[str, Any]) -> dict[str, Any]:
    # A task row's data is page + task with the task's keys winning, so it serves as the task itself.
    return data


def _narrowed(query: Query, paths: AbstractSet[str], ctx: QueryContext, ev: Context, origin: str) -> list[_Row] | None:
    """The rows its first WHERE keeps, found through `narrowing.candidates` and that WHERE run on the
    candidates only; None when the query cannot be narrowed, or when the answer could differ from a run
    over every row (the candidates all fail, or there are none and the WHERE may fail on some row: the
    query fails when every row does, so the rows left out must be looked at)."""
    if not ctx.narrow or not query.steps or not isinstance(query.steps[0], WhereStep):
        return None
    where = query.steps[0].expr
    found = narrowing.candidates(where, "task" if query.type == "task" else "page", ctx, ev, origin)
    if found is None:
        return None
    if query.type == "task":
        order = _vault_order(ctx)
        ids = sorted((i for i in found if i[0] in paths), key=lambda i: (order[i[0]], i[1]))
        pages = ctx.pages.pages
        rows = []
        for path, n in ids:
            task = pages[path]["file"]["tasks"][n]
            rows.append(_Row(task, ChainMap(task, pages[path])))
    else:
        rows = _page_rows(in_vault_order(paths & found if len(found) < len(paths) else found & paths, ctx), ctx)
    kept, errors = _where(query, query.steps[0], rows, ev)
    if (rows and len(errors) == len(rows)) or (not rows and not narrowing.never_fails(where, ev)):
        return None
    return kept


def leading_wheres(query: Query) -> int:
    """How many WHERE steps the query starts with."""
    n = 0
    while n < len(query.steps) and isinstance(query.steps[n], WhereStep):
        n += 1
    return n


def row_context(ctx: QueryContext, origin: str) -> Context:
    """The evaluation context a query written in `origin` runs its expressions with."""
    return Context(_settings(ctx, origin), {"this": _this_page(ctx, origin)})


def run_parsed(query: Query, origin: str, ctx: QueryContext) -> Result:
    ev = Context(_settings(ctx, origin), {"this": _this_page(ctx, origin)})
    result = _run_parsed(query, origin, ctx, ev)
    result.notices = list(dict.fromkeys(ev.notices))
    return result


def _run_parsed(query: Query, origin: str, ctx: QueryContext, ev: Context) -> Result:
    paths = select_paths(query.source, ctx, origin)
    recorder = ctx.recorder
    if recorder is not None:
        recorder.query(origin, query, paths)
    ev.fold_chains(_query_chains(query, True))
    narrowed = _narrowed(query, paths, ctx, ev, origin)
    done = 0 if narrowed is None else 1  # steps already run: the first WHERE, on its candidates
    if narrowed is not None:
        rows = narrowed
    elif query.type == "task":
        rows = _task_rows(in_vault_order(paths, ctx), ctx)
    else:
        rows = _page_rows(in_vault_order(paths, ctx), ctx)
    if recorder is not None:
        # The rows the leading WHEREs keep are all an edit elsewhere can add to or take from; of a
        # query keeping its first k rows in an order, only those k and the last one's sort keys.
        lead = leading_wheres(query)
        kept, _ = _execute_core(query, rows, ev, query.steps[done:lead])
        rest = query.steps[lead:]
        rows, groups = _execute_core(query, kept, ev, rest)
        cutoff = _cutoff(rest, rows, ev)
        recorder.narrow(origin, _row_paths(kept if cutoff is None else rows, query.type), cutoff)
    else:
        rows, groups = _execute_core(query, rows, ev, query.steps[done:])
    n_groups = len(groups)

    if query.type == "table":
        id_name = groups[-1] if groups else ctx.id_column
        headers = ([id_name] if query.show_id else []) + [f.name for f in query.fields]
        out, errors = [], []
        for row in rows:
            try:
                values = [ev.evaluate(f.expr, row.data) for f in query.fields]
            except EvalError as e:
                errors.append(e.message)
                continue
            out.append(([row.id] if query.show_id else []) + values)
        _fail_if_all(errors, len(rows), "table columns", _fields_pos(query))
        return Result("table", headers=headers, rows=out, show_id=query.show_id, count=len(out))
    if query.type == "list":
        fmt = query.fields[0].expr if query.fields else None
        items, errors = [], []
        for row in rows:
            if fmt is None:
                items.append(row.id)
                continue
            try:
                value = ev.evaluate(fmt, row.data)
            except EvalError as e:
                errors.append(e.message)
                continue
            items.append([row.id, value] if query.show_id else value)
        _fail_if_all(errors, len(rows), "list items", _fields_pos(query))
        return Result("list", items=items, show_id=query.show_id and fmt is not None, count=len(items))
    if query.type == "task":
        if n_groups:
            groups = _task_groups(rows, n_groups)
            return Result("task", groups=groups, count=len(rows))
        tasks = _nest_tasks([r.id for r in rows])
        return Result("task", tasks=tasks, count=len(tasks))
    if query.type == "calendar":
        fexpr = query.fields[0].expr
        entries, errors = [], []
        for row in rows:
            try:
                value = ev.evaluate(fexpr, row.data)
            except EvalError as e:
                errors.append(e.message)
                continue
            if isinstance(value, dt.datetime):
                entries.append((value, row.id))
        _fail_if_all(errors, len(rows), "calendar", _fields_pos(query))
        return Result("calendar", entries=entries, count=len(entries))
    raise DQLError(f"Unknown query type '{query.type}'")


def page_independent(query: Query) -> bool:
    """Does the query give the same result on every page of a folder? True when it reads no `this`,
    has no `[[]]` source and no link to its own page (`[[]]`, `[[#heading]]`) and calls no `link()` or
    `embed()`. Other links resolve alike from every page of one folder, so results are shared per
    folder (most such queries name no link at all, and then any folder gives the same result)."""

    def source_ok(source: Any) -> bool:
        if isinstance(source, LinkSource):
            return source.target != ""
        if isinstance(source, NegatedSource):
            return source_ok(source.child)
        if isinstance(source, BinarySource):
            return source_ok(source.left) and source_ok(source.right)
        return True

    def node_ok(node: Any) -> bool:
        if isinstance(node, Variable):
            return node.name != "this"
        if isinstance(node, ParsedLiteral):
            return _value_ok(node.value)
        if isinstance(node, Call) and isinstance(node.func, Variable) and node.func.name in ("link", "embed"):
            return False
        return all(node_ok(child) for child in child_nodes(node))

    return source_ok(query.source) and all(node_ok(n) for n in [*query.steps, *query.fields])


def _value_ok(value: Any) -> bool:
    if isinstance(value, Link):
        return value.path != ""
    if isinstance(value, list):
        return all(_value_ok(v) for v in value)
    return True


def shared_origin(text: str, folder: str) -> str:
    """The origin a page-independent query runs as, one per query text and folder: a name in the
    folder that no note can have (no `.md`), so links resolve as from any page of the folder and the
    query log keeps what the query read once, under this name, for every page showing it."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    name = f"<shared {digest}>"
    return f"{folder}/{name}" if folder else name


def shared_origin_of(text: str, origin: str, context: QueryContext) -> str | None:
    """The shared origin the query `text` written in `origin` runs as (`shared_origin`), when it is
    page-independent and shared; None otherwise (or when it does not parse)."""
    stripped = text.strip()
    if not context.share or stripped.startswith("="):
        return None
    try:
        query = _parse(text, context.tz)
    except DQLError:
        return None
    return shared_origin(query.text, origin.rpartition("/")[0]) if _shares(text, context.tz) else None


def is_shared_origin(origin: str) -> bool:
    """Is `origin` a `shared_origin` (rather than a note's path)?"""
    return origin.endswith(">") and origin.rpartition("/")[2].startswith("<shared ")


def _run_shared(query: Query, origin: str, ctx: QueryContext) -> Result:
    """`run_parsed`, once per build for each page-independent query text and folder: every other page
    gets the same `Result` object (`Result.shared`), which the renderer turns into HTML once too.

    It runs as its `shared_origin`, so the recorder keeps what it read once; each page showing it is
    recorded as showing it (`recorder.shows`)."""
    cache = ctx.pages.__dict__.setdefault("_shared_results", {})
    folder = origin.rpartition("/")[0]
    key = (query.text, folder, ctx.now, ctx.tz, ctx.narrow)
    found = cache.get(key)
    shared = shared_origin(query.text, folder)
    recorder = ctx.recorder
    if recorder is not None and origin != shared:
        recorder.shows(origin, shared)  # first: a query that fails still tells its pages
    # (Run again for another recorder than the one that keeps what its run read.)
    if found is not None and (recorder is None or found[1] is recorder):
        if isinstance(found[0], Exception):
            raise found[0].with_traceback(None)
        return found[0]
    try:
        # Under `mkdocs serve` (a recorder), kept across rebuilds and updated for the changed pages
        # where the query's shape allows (`kept.py`): a whole-vault result changes with every edit.
        kept = _run_kept(query, shared, ctx) if recorder is not None else None
        result = kept[0] if kept is not None else run_parsed(query, shared, ctx)
    except Exception as e:  # a query that fails, fails alike on every page: once, with one record
        cache[key] = (e, recorder)
        raise
    result.shared = shared
    cache[key] = (result, recorder)
    return result


def _run_kept(query: Query, origin: str, ctx: QueryContext) -> tuple[Result, kept_results.KeptResult] | None:
    """The result of the page-independent `query` run as `origin` (its shared origin), computed from
    the last one kept for it where the page set says which pages changed since; None when the query
    must run the engine's way (then nothing is kept for it). Records what it read, as the engine does.
    """
    if not kept_results.keepable(query):
        return None
    pages = ctx.pages
    store = pages.kept_results
    clock = (ctx.now, ctx.tz, ctx.id_column)
    kept: kept_results.KeptResult | None = store.pop((query.text, origin), None)
    paths = select_paths(query.source, ctx, origin)
    changed = pages.changed_since(kept.revision) if kept is not None and kept.clock == clock else None
    if kept is None or changed is None:
        rows: dict[str, list[tuple[list[Any], Any]]] = {}
        todo: AbstractSet[str] = paths
    else:
        rows = kept.rows
        todo = changed | (paths ^ kept.paths)  # (a FROM of links: notes a changed note links to)
    settings = _settings(ctx, origin)
    followed: list[str] = []

    def resolve(path: str) -> Any:
        followed.append(path)
        return None

    def normalize(path: str) -> str:
        followed.append(path)
        return settings.normalize(path)

    # A link followed makes a row depend on another page, and a link resolved (compared) on the names
    # of the vault: either is detected while the rows are evaluated, and the query runs the engine's
    # way (which records what it followed). The sort resolves links again whole, every time.
    ev = Context(Settings(settings.now, settings.tz, resolve, normalize), {"this": _this_page(ctx, origin)})
    ev.fold_chains(_query_chains(query, False))
    try:
        for path in todo:
            rows.pop(path, None)
            if path in paths:
                found = kept_results.page_rows(query, pages.pages[path], ev)
                if found:
                    rows[path] = found
            if followed or ev.notices:
                raise kept_results.Unkeepable
    except Exception:  # noqa: BLE001 - Unkeepable, an EvalError, or any failure: the engine's way
        return None
    recorder = ctx.recorder
    if recorder is not None:
        recorder.query(origin, query, paths)
        recorder.narrow(origin, rows.keys())
    tagged = [row for path in in_vault_order(rows.keys(), ctx) for row in rows[path]]
    sort = query.steps[-1] if query.steps and isinstance(query.steps[-1], SortStep) else None
    if sort is not None:
        tagged = sorted(tagged, key=_sort_order(tagged, sort.keys, ev))
    shown = [row for _, row in tagged]
    result = kept_results.KeptResult(pages.revision, clock, paths, rows, len(todo))
    store[(query.text, origin)] = result
    if query.type == "table":
        headers = ([ctx.id_column] if query.show_id else []) + [f.name for f in query.fields]
        return Result("table", headers=headers, rows=shown, show_id=query.show_id, count=len(shown)), result
    if query.type == "list":
        show_id = query.show_id and bool(query.fields)
        return Result("list", items=shown, show_id=show_id, count=len(shown)), result
    tasks = _nest_tasks(shown)
    return Result("task", tasks=tasks, count=len(tasks)), result


# (id(query), with group fields) -> (the query, its `this` chains): `_query_chains`.
_CHAINS: dict[tuple[int, bool], tuple[Query, list[Index]]] = {}


def _query_chains(query: Query, group_fields: bool) -> list[Index]:
    """The `this` chains of the query's steps (with a GROUP BY's field when `group_fields`) and fields,
    found once per parsed query: a template's tree was walked again on each of its thousands of pages."""
    key = (id(query), group_fields)
    found = _CHAINS.get(key)
    if found is None or found[0] is not query:
        chains: list[Index] = []
        for step in query.steps:
            expr = getattr(step, "expr", None)
            if group_fields:
                expr = expr or getattr(getattr(step, "field", None), "expr", None)
            this_chains(expr, chains)
        for f in query.fields:
            this_chains(f.expr, chains)
        if len(_CHAINS) >= 8192:
            _CHAINS.clear()  # (the parsed queries are kept 4,096 at most too)
        found = _CHAINS[key] = (query, chains)
    return found[1]


@functools.lru_cache(maxsize=4096)
def _parse(text: str, tz: dt.tzinfo) -> Query:
    """`parse_query`, once per distinct text: a template is the same text on thousands of pages (the
    parsed query is only read from then on; a parse error is raised again each time)."""
    return parse_query(text, tz)


@functools.lru_cache(maxsize=4096)
def _shares(text: str, tz: dt.tzinfo) -> bool:
    """`page_independent` of the parsed `text`, once per distinct text (a walk of its whole tree)."""
    return page_independent(_parse(text, tz))


def run_query(text: str, origin_path: str, context: QueryContext) -> Result:
    """Run a DQL query (or an inline `=expr`) written in `origin_path`; errors come back as a Result.

    Never raises for bad input: parse errors, evaluation errors and unexpected failures of a
    pathological query all become `Result(type="error")`.
    """
    try:
        stripped = text.strip()
        if stripped.startswith("="):
            expr = parse_expression(stripped[1:], context.tz)
            ev = Context(_settings(context, origin_path), {"this": _this_page(context, origin_path)})
            return Result("inline", value=ev.evaluate(expr, {}))
        query = _parse(text, context.tz)
        if context.share and _shares(text, context.tz):
            return _run_shared(query, origin_path, context)
        return run_parsed(query, origin_path, context)
    except DQLError as e:
        return Result("error", error=e)
    except RecursionError:
        return Result("error", error=DQLError("Query is nested too deeply"))
    except (ArithmeticError, ValueError, TypeError, OverflowError) as e:
        # Values JavaScript would turn into NaN/Infinity or clamp; report rather than crash the build.
        return Result("error", error=DQLError(f"Evaluation failed: {e}"))
    except Exception as e:  # noqa: BLE001 - a query must never take the build down; the box shows it
        return Result(
            "error", error=DQLError(f"Internal error while running the query: {type(e).__name__}: {e}")
        )


# ---------------------------------------------------------------------------------- expect shape


def _task_cell(task: dict[str, Any]) -> dict[str, Any]:
    return {
        "path": task["path"],
        "line": task["line"],
        "text": task["text"],
        "status": task.get("status") if task.get("task") else None,
        "children": [_task_cell(c) for c in task.get("children", [])],
    }


def _groups_cell(groups: Any) -> list[dict[str, Any]]:
    out = []
    for key, sub in groups:
        if sub and isinstance(sub[0], tuple):
            out.append({"key": to_cell(key), "groups": _groups_cell(sub)})
        else:
            out.append({"key": to_cell(key), "tasks": [_task_cell(t) for t in sub]})
    return out


def to_expect(result: Result) -> dict[str, Any]:
    """The conformance corpus' `expect` shape for a result (typed JSON cells)."""
    if result.type == "error":
        return {"type": "error", "message": str(result.error)}
    if result.type == "inline":
        return {"type": "inline", "value": to_cell(result.value)}
    if result.type == "table":
        return {
            "type": "table",
            "headers": result.headers,
            "rows": [[to_cell(v) for v in r] for r in result.rows],
        }
    if result.type == "list":
        return {"type": "list", "items": [to_cell(v) for v in result.items]}
    if result.type == "task":
        # An empty task result is an (empty) grouping in Dataview, as the corpus records (q232).
        if result.groups is not None or not result.tasks:
            return {"type": "task", "groups": _groups_cell(result.groups or [])}
        return {"type": "task", "tasks": [_task_cell(t) for t in result.tasks]}
    if result.type == "calendar":
        return {
            "type": "calendar",
            "entries": [{"date": to_cell(d), "link": to_cell(lk)} for d, lk in result.entries],
        }
    return {"type": "error", "message": f"unknown result type {result.type}"}
