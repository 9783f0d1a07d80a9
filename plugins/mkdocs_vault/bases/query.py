"""Run one view of a base over the published notes: filter, sort, limit, group, cells, summaries.

What runs where:

* **Narrowing through indexes.** Statements of the filter's top-level `and` that are `file.inFolder("...")` or
  `file.hasTag("...", ...)` with constant text are answered from the DuckDB index (`notes.path`, the
  `tags` table, which holds every parent of a nested tag), when the caller passes a connection. These
  are exact set operations and never fail for a file, so the rows they remove are exactly the rows
  the statement would be false for. `prop == constant` and `list(prop).contains(constant)` (a link,
  file or text that is the same for every row, such as `this`) narrow through a per-build index of
  that property's values, keyed by what `==` compares. The whole filter still runs in Python on what
  is left, so the result is the same with or without the indexes (the tests compare both).
* **Everything else in Python**, with the app's semantics: a filter statement that fails for a row
  is false for that row; a cell that fails shows its error; missing values sort last.
* **Summaries** are computed over the values of each column's cells (formulas included, which SQL
  cannot see), with Python's `statistics` module.

Rows with no `sort` keep the order of their paths; groups are ordered by their key (missing last).
"""

from __future__ import annotations

import datetime as dt
import functools
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .evaluate import Evaluator
from .expr import Binary, Call, ExprSyntaxError, Literal, Member, Name
from .rows import FileRow, RowSet, value_key
from .spec import DEFAULT_SUMMARIES, BaseSpec, Filter, View, split_property
from .values import (
    Duration,
    EvalError,
    FileRef,
    as_moment,
    equals,
    is_date,
    is_number,
    sort_key,
    truthy,
)


@dataclass(slots=True)
class Cell:
    value: Any = None
    error: str | None = None


@dataclass
class ResultRow:
    path: str
    cells: list[Cell]
    image: Cell | None = None


@dataclass
class Group:
    key: Cell | None  # None when the view is not grouped
    rows: list[ResultRow] = field(default_factory=list)
    summaries: dict[str, Cell] = field(default_factory=dict)  # column -> summary


@dataclass
class ViewResult:
    view: View
    columns: list[str]  # normalised property ids, in order
    headers: list[str]
    groups: list[Group] = field(default_factory=list)
    count: int = 0
    summaries: dict[str, Cell] = field(default_factory=dict)  # column -> summary over every row
    summary_names: dict[str, str] = field(default_factory=dict)  # column -> summary name shown
    error: str | None = None  # the view could not run (a filter that does not parse)
    error_line: int = 0  # 1-based within the base text
    notice: str | None = None  # a layout we do not render
    # The rows the indexes left for the filter to run on (None: every row), which `mkdocs serve` keeps
    # to know which edits can change the view.
    candidates: frozenset[str] | None = None

    @property
    def rows(self) -> list[ResultRow]:
        return [row for group in self.groups for row in group.rows]


def header(spec: BaseSpec, prop: str) -> str:
    """A column's header: the `displayName`, else the property's own name (`file.name` -> `name`)."""
    if prop in spec.display_names:
        return spec.display_names[prop]
    return split_property(prop)[1] if prop.startswith(("note.", "formula.")) else prop.partition(".")[2]


def default_columns(view: View) -> list[str]:
    return list(view.order) if view.order else ["file.name"]


# ------------------------------------------------------------------------------------------ filters


def filter_error(flt: Filter | None) -> tuple[str, int] | None:
    """The first statement of the filter that does not parse, as (message, line)."""
    if flt is None:
        return None
    if isinstance(flt.tree, ExprSyntaxError):
        return f"filter `{flt.text}` does not parse: {flt.tree.message}", flt.line
    for child in flt.children:
        found = filter_error(child)
        if found is not None:
            return found
    return None


def passes(ev: Evaluator, flt: Filter | None, row: FileRow) -> bool:
    if flt is None:
        return True
    if flt.op == "expr":
        try:
            return truthy(ev.evaluate(flt.tree, row))
        except Exception:  # noqa: BLE001 - a statement that fails for a row is false for it
            return False
    results = (passes(ev, child, row) for child in flt.children)
    if flt.op == "and":
        return all(results)
    if flt.op == "or":
        return any(results)
    return not any(results)  # not: none of them holds


def conjuncts(flt: Filter | None) -> list[Any]:
    """The statements every row must pass (the top-level `and`s, flattened)."""
    if flt is None:
        return []
    if flt.op == "expr":
        return [flt.tree]
    if flt.op == "and":
        return [tree for child in flt.children for tree in conjuncts(child)]
    return []


def _constant_texts(args: Iterable[Any]) -> list[str] | None:
    texts = []
    for arg in args:
        if not isinstance(arg, Literal) or not isinstance(arg.value, str):
            return None
        texts.append(arg.value)
    return texts or None


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def sql_narrowing(tree: Any) -> tuple[str, list[Any]] | None:
    """SQL returning the paths a statement can be true for, when the statement is one we answer
    exactly from the index: `file.inFolder("F")` or `file.hasTag("t", ...)` with constant texts."""
    if not isinstance(tree, Call) or not isinstance(tree.callee, Member):
        return None
    receiver = tree.callee.obj
    if not (isinstance(receiver, Name) and receiver.name == "file"):
        return None
    texts = _constant_texts(tree.args)
    if texts is None:
        return None
    if tree.callee.name == "inFolder" and len(texts) == 1:
        folder = texts[0].strip("/")
        if not folder:
            return "SELECT path FROM notes", []
        return "SELECT path FROM notes WHERE path LIKE ? ESCAPE '\\'", [_like_escape(folder + "/") + "%"]
    if tree.callee.name == "hasTag":
        tags = ["#" + t.lstrip("#").lower() for t in texts]
        return "SELECT DISTINCT path FROM tags WHERE lower(tag) IN (SELECT unnest(?))", [tags]
    return None


_SPECIAL = ("file", "note", "formula", "this")


def _note_property(node: Any) -> str | None:
    """The property name when `node` reads a note property (`status`, `note.status`)."""
    if isinstance(node, Name) and node.name not in _SPECIAL:
        return node.name
    if isinstance(node, Member) and isinstance(node.obj, Name) and node.obj.name == "note":
        return node.name
    return None


def _row_independent(node: Any) -> bool:
    """Does `node` give the same value for every row? (Literals, `this` and its fields, `link()` and
    `file()` of such.)"""
    if isinstance(node, Literal):
        return True
    if isinstance(node, Name):
        return node.name == "this"
    if isinstance(node, Member):
        return _row_independent(node.obj)
    if isinstance(node, Call) and isinstance(node.callee, Name) and node.callee.name in ("link", "file"):
        return all(_row_independent(a) for a in node.args)
    return False


def value_narrowing(tree: Any) -> tuple[str, bool, Any] | None:
    """(property, match list items?, constant) when the statement is `prop == constant` or
    `list(prop).contains(constant)` with a constant that does not depend on the row."""
    if isinstance(tree, Binary) and tree.op == "==":
        for prop_node, const in ((tree.left, tree.right), (tree.right, tree.left)):
            prop = _note_property(prop_node)
            if prop is not None and _row_independent(const):
                return prop, False, const
        return None
    if (
        isinstance(tree, Call)
        and isinstance(tree.callee, Member)
        and tree.callee.name == "contains"
        and len(tree.args) == 1
        and isinstance(tree.callee.obj, Call)
        and isinstance(tree.callee.obj.callee, Name)
        and tree.callee.obj.callee.name == "list"
        and len(tree.callee.obj.args) == 1
        and _row_independent(tree.args[0])
    ):
        prop = _note_property(tree.callee.obj.args[0])
        if prop is not None:
            return prop, True, tree.args[0]
    return None


def narrowed(rows: RowSet, flt: Filter | None, con: Any, ev: Evaluator | None = None) -> frozenset[str] | None:
    """The paths the filter can be true for, as far as indexes tell (None: they tell nothing, any row
    may pass). Statements of the top-level `and` answered from an index:

    * `file.inFolder` / `file.hasTag` with constant texts, from DuckDB when `con` is given;
    * `prop == constant` and `list(prop).contains(constant)` where the constant (evaluated once, by
      `ev`) is a link, a file or a text: from a per-build index of the property's values, keyed by
      exactly what `==` compares them by (`rows.value_key`). Only rows holding an equal value can pass.
    """
    statements = conjuncts(flt)
    allowed: frozenset[str] | None = None
    # The index's answers first: the value indexes are then made over what they leave (a folder's
    # notes, the same for every note embedding the base) rather than over the whole vault.
    if con is not None:
        for tree in statements:
            found = sql_narrowing(tree)
            if found is None:
                continue
            sql, params = found
            key = (sql, repr(params))
            paths = rows.sql_answers.get(key)
            if paths is None:
                paths = rows.sql_answers[key] = frozenset(r[0] for r in con.execute(sql, params).fetchall())
            allowed = paths if allowed is None else allowed & paths
    if ev is not None:
        among = allowed
        for tree in statements:
            narrowing = value_narrowing(tree)
            if narrowing is None:
                continue
            prop, items, const = narrowing
            try:
                k = value_key(ev.evaluate(const, None))
            except Exception:  # noqa: BLE001 - no narrowing then; the filter itself reports nothing
                k = None
            if k is not None:
                paths = frozenset(rows.value_index(prop, items, among).get(k, ()))
                allowed = paths if allowed is None else allowed & paths
    return allowed


def candidates(rows: RowSet, flt: Filter | None, con: Any, ev: Evaluator | None = None) -> list[FileRow]:
    """The rows worth running the filter on, in path order: every row, or those `narrowed` leaves."""
    return _rows_of(rows, narrowed(rows, flt, con, ev))


def _rows_of(rows: RowSet, allowed: frozenset[str] | None) -> list[FileRow]:
    if allowed is None:
        return [rows.rows[p] for p in rows.rows]
    if len(allowed) * 8 < len(rows.rows):  # a few rows: look them up rather than walk every path
        return [rows.rows[p] for p in sorted(allowed) if p in rows.rows]
    return [rows.rows[p] for p in rows.rows if p in allowed]


def combined(spec: BaseSpec, view: View) -> Filter | None:
    parts = [f for f in (spec.filters, view.filters) if f is not None]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return Filter("and", parts[0].line, children=parts)


# ---------------------------------------------------------------------------------------- summaries


def _numbers(values: list[Any]) -> list[float]:
    return [v for v in values if is_number(v)]


def _dates(values: list[Any], tz: dt.tzinfo) -> list[dt.datetime]:
    return [as_moment(v, tz) for v in values if is_date(v)]


def _empty(v: Any) -> bool:
    return v is None or (isinstance(v, (str, list, dict)) and len(v) == 0)


def _maybe_int(x: float) -> float:
    return int(x) if isinstance(x, float) and x.is_integer() and abs(x) < 2**53 else x


def default_summary(name: str, values: list[Any], tz: dt.tzinfo) -> Any:
    """One of the app's built-in summaries over a column's values (None when nothing to summarise)."""
    numbers = _numbers(values)
    dates = _dates(values, tz)
    if name == "Average":
        return _maybe_int(statistics.fmean(numbers)) if numbers else None
    if name == "Sum":
        return _maybe_int(sum(numbers)) if numbers else None
    if name == "Min":
        return min(numbers) if numbers else None
    if name == "Max":
        return max(numbers) if numbers else None
    if name == "Median":
        return _maybe_int(statistics.median(numbers)) if numbers else None
    if name == "Stddev":
        return statistics.pstdev(numbers) if numbers else None
    if name == "Range":
        if numbers:
            return _maybe_int(max(numbers) - min(numbers))
        if dates:
            delta = max(dates) - min(dates)
            return Duration(0, delta.days, delta.seconds * 1000 + delta.microseconds // 1000)
        return None
    if name == "Earliest":
        return min((v for v in values if is_date(v)), key=lambda d: as_moment(d, tz), default=None)
    if name == "Latest":
        return max((v for v in values if is_date(v)), key=lambda d: as_moment(d, tz), default=None)
    if name == "Checked":
        return sum(1 for v in values if v is True)
    if name == "Unchecked":
        return sum(1 for v in values if v is False)
    if name == "Empty":
        return sum(1 for v in values if _empty(v))
    if name == "Filled":
        return sum(1 for v in values if not _empty(v))
    if name == "Unique":
        seen: list[Any] = []
        for v in values:
            if not _empty(v) and not any(equals(v, s, tz) for s in seen):
                seen.append(v)
        return len(seen)
    raise EvalError(f'Unknown summary "{name}"')


def summarise(ev: Evaluator, spec: BaseSpec, name: str, values: list[Any]) -> Cell:
    try:
        if name in spec.summaries:
            tree = spec.summaries[name]
            if isinstance(tree, ExprSyntaxError):
                return Cell(None, f'Summary "{name}" has a syntax error: {tree.message}')
            return Cell(ev.evaluate(tree, None, {"values": values}))
        if name in DEFAULT_SUMMARIES:
            return Cell(default_summary(name, values, ev.tz))
        return Cell(None, f'Unknown summary "{name}"')
    except EvalError as exc:
        return Cell(None, exc.message)
    except RecursionError:
        return Cell(None, "Summary is nested too deeply")
    except Exception as exc:  # noqa: BLE001 - one summary must never take the build down
        return Cell(None, f"Summary failed: {type(exc).__name__}: {exc}")


# -------------------------------------------------------------------------------------------- run


def _cell(ev: Evaluator, prop: str, row: FileRow) -> Cell:
    try:
        return Cell(ev.property(prop, row))
    except EvalError as exc:
        return Cell(None, exc.message)
    except RecursionError:
        return Cell(None, "Expression is nested too deeply")
    except Exception as exc:  # noqa: BLE001 - one cell must never take the build down
        return Cell(None, f"Evaluation failed: {type(exc).__name__}: {exc}")


def _sort_value(ev: Evaluator, prop: str, row: FileRow) -> Any:
    cell = _cell(ev, prop, row)
    return None if cell.error else cell.value


def run_view(
    spec: BaseSpec,
    view: View,
    rows: RowSet,
    this: FileRef | None,
    now: dt.datetime,
    tz: dt.tzinfo,
    con: Any = None,
) -> ViewResult:
    """The rows, cells, groups and summaries of `view`; never raises for what the base says."""
    columns = default_columns(view)
    result = ViewResult(view, columns, [header(spec, c) for c in columns])
    if view.type not in ("table", "cards", "list"):
        result.notice = f'The "{view.type}" layout of view "{view.name}" is not shown on this site.'
    flt = combined(spec, view)
    broken = filter_error(flt)
    if broken is not None:
        result.error, result.error_line = broken
        return result
    ev = Evaluator(rows, spec.formulas, this, now, tz)
    allowed = narrowed(rows, flt, con, ev)
    result.candidates = allowed
    kept = [row for row in _rows_of(rows, allowed) if passes(ev, flt, row)]

    # Sort: the group key first (so each group's rows are together), then the view's sort keys.
    keys: list[tuple[str, bool]] = ([view.group_by] if view.group_by else []) + list(view.sort)
    if keys:
        values = {row.path: [_sort_value(ev, prop, row) for prop, _ in keys] for row in kept}

        def order(a: FileRow, b: FileRow) -> int:
            for i, (_, descending) in enumerate(keys):
                x, y = values[a.path][i], values[b.path][i]
                if x is None or y is None:  # missing values last, whatever the direction
                    c = (x is None) - (y is None)
                    if c:
                        return c
                    continue
                kx, ky = sort_key(x, tz), sort_key(y, tz)
                c = (kx > ky) - (kx < ky)
                if c:
                    return -c if descending else c
            return 0

        kept.sort(key=functools.cmp_to_key(order))
    if view.limit is not None:
        kept = kept[: view.limit]
    result.count = len(kept)

    group_prop = view.group_by[0] if view.group_by else None
    for row in kept:
        cells = [_cell(ev, prop, row) for prop in columns]
        image = _cell(ev, view.image, row) if view.image else None
        out = ResultRow(row.path, cells, image)
        if group_prop is not None:
            key = _cell(ev, group_prop, row)
            last = result.groups[-1] if result.groups else None
            if last is None or last.key is None or not _same_key(last.key, key, tz):
                result.groups.append(Group(key))
            result.groups[-1].rows.append(out)
        else:
            if not result.groups:
                result.groups.append(Group(None))
            result.groups[0].rows.append(out)
    if not result.groups:
        result.groups.append(Group(None))

    for prop, name in view.summaries.items():
        if prop not in columns:
            continue
        i = columns.index(prop)
        result.summary_names[prop] = name
        everything = [r.cells[i].value for r in result.rows if r.cells[i].error is None]
        result.summaries[prop] = summarise(ev, spec, name, everything)
        if group_prop is not None:
            for group in result.groups:
                values_in = [r.cells[i].value for r in group.rows if r.cells[i].error is None]
                group.summaries[prop] = summarise(ev, spec, name, values_in)
    return result


def _same_key(a: Cell, b: Cell, tz: dt.tzinfo) -> bool:
    if a.error or b.error:
        return a.error == b.error
    return equals(a.value, b.value, tz) and type(a.value) is type(b.value)
