"""Page-independent results kept across `mkdocs serve` rebuilds and updated for the pages that changed.

A page-independent query over the whole vault (`TASK FROM "" WHERE !completed SORT due ASC`, `TABLE
file.mtime FROM "" WHERE type != "readme" SORT file.mtime DESC`) changes with almost every edit: any
edit moves its note's `file.mtime`. Run again, it evaluates every row of the vault; kept, only the rows
of the pages the page set changed since (`PageSet.changed_since`) are evaluated again, and the rows are
sorted again as the query sorts them.

The update is exact for the shapes it takes, which is why it takes only these: FROM, then WHEREs, then
at most one SORT (no GROUP BY, FLATTEN or LIMIT); a TABLE, LIST or TASK; every expression evaluated
without an error or a notice (Dataview drops a failing row unless every row fails, which depends on
all rows), and none following a link to another page (a row's values then depend on that page too).
Each row's values then depend on its own page object only, a WHERE keeps or drops a row by itself, and
a stable sort of the rows in vault order gives one order whatever the rows were before. Anything else
runs the query as the engine does (`engine.run_parsed`), which is also what the tests compare with.
The engine runs a kept result (`engine._run_kept`); this module holds what it keeps.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from .evaluate import Context
from .parser import Query, SortStep, WhereStep
from .values import truthy


@dataclass
class KeptResult:
    """One page-independent query's rows as of a page set revision, by page: each kept row's sort
    keys and what the result shows of it (a table row, a list item, a task)."""

    revision: int
    clock: tuple  # what else the rows depend on: the build's now and zone, the id column's name
    paths: AbstractSet[str]  # what the FROM selected
    rows: dict[str, list[tuple[list[Any], Any]]] = field(default_factory=dict)
    evaluated: int = 0  # pages whose rows the last run evaluated (for the tests)


class Unkeepable(Exception):
    """An expression failed, made a notice or followed a link: the query runs the engine's way."""


def keepable(query: Query) -> bool:
    """Is the query of a shape whose result can be updated page by page (module docstring)?"""
    if query.type not in ("table", "list", "task"):
        return False
    steps = query.steps
    if steps and isinstance(steps[-1], SortStep):
        steps = steps[:-1]
    return all(isinstance(step, WhereStep) for step in steps)


def page_rows(query: Query, page: dict[str, Any], ev: Context) -> list[tuple[list[Any], Any]]:
    """The rows of one page that pass the query's WHEREs: (sort keys, what the result shows)."""
    if query.type == "task":
        candidates = [(task, ChainMap(task, page)) for task in page["file"]["tasks"]]
    else:
        candidates = [(page["file"]["link"], page)]
    sort = query.steps[-1] if query.steps and isinstance(query.steps[-1], SortStep) else None
    out = []
    for ident, data in candidates:
        if not all(truthy(ev.evaluate(step.expr, data)) for step in query.steps if isinstance(step, WhereStep)):
            continue
        keys = [ev.evaluate(k.expr, data) for k in sort.keys] if sort is not None else []
        if query.type == "table":
            values = [ev.evaluate(f.expr, data) for f in query.fields]
            shown: Any = ([ident] if query.show_id else []) + values
        elif query.type == "list" and query.fields:
            value = ev.evaluate(query.fields[0].expr, data)
            shown = [ident, value] if query.show_id else value
        else:
            shown = ident
        out.append((keys, shown))
    return out
