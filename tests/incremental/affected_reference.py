"""`QueryLog.affected` written the slow, obvious way, for the tests to compare the real one with.

Every page's recorded queries are tried on every changed note: the FROM (`_in_source`), then, with
`narrow`, the page's own candidates for its first WHERE (`narrowing.candidates`), then its leading
WHEREs (`_may_enter`). `tests/incremental/test_tracker.py` compares without `narrow` (the plain check),
`tests/dataview/test_narrowing.py` with it (the page-by-page check the per-template one replaced)."""

from __future__ import annotations

import dataclasses
from typing import Any

from mkdocs_vault.dataview import narrowing
from mkdocs_vault.dataview.engine import leading_wheres, row_context
from mkdocs_vault.dataview.values import truthy
from mkdocs_vault.incremental import QueryLog, _in_source, _may_enter


def affected_page_by_page(log: QueryLog, changed: set[str], ctx: Any, narrow: bool) -> set[str]:
    out = {origin for origin, seen in log.derefs.items() if not seen.isdisjoint(changed)}
    out |= {o for o, records in log.records.items() if any(not r.rows.isdisjoint(changed) for r in records)}
    pages = ctx.pages.pages
    present = [c for c in changed if c in pages]
    quiet = dataclasses.replace(ctx, recorder=None)
    outlinks = {c: {lk.path for lk in pages[c]["file"]["outlinks"]} for c in present}
    tags = {c: {t.lower() for t in pages[c]["file"]["tags"]} for c in present}
    for origin, records in log.records.items():
        if origin in out:
            continue
        for record in records:
            query = record.query
            matching = [c for c in present if _in_source(query.source, c, origin, quiet, outlinks, tags)]
            if not matching:
                continue
            lead = query.steps[: leading_wheres(query)]
            if not lead and record.cutoff is None:
                out.add(origin)
                break
            ev = row_context(quiet, origin)
            if narrow and lead:
                kind = "task" if query.type == "task" else "page"
                found = narrowing.candidates(lead[0].expr, kind, quiet, ev, origin)
                if found is not None:
                    matching = [c for c in matching if _among(found, c, kind, pages)]
            if any(_may_enter(lead, record.cutoff, query.type, pages[c], ev, truthy) for c in matching):
                out.add(origin)
                break
    return out


def _among(found: Any, path: str, kind: str, pages: Any) -> bool:
    if kind == "page":
        return path in found
    return any((path, n) in found for n in range(len(pages[path]["file"]["tasks"])))
