"""`mkdocs-vault check`: the diagnostics a build would log, without building a site.

Beyond what loading and resolving report, it lists published notes that link to unpublished ones
(the link renders as plain text; the author may want to know) and Dataview blocks that fail.
"""

from __future__ import annotations

from .diagnostics import INFO, Diagnostic
from .pipeline import VaultState


def run_checks(state: VaultState) -> list[Diagnostic]:
    assert state.vault is not None
    notes = state.vault.notes
    for path in state.decision.notes:
        for link in notes[path].links:
            target = link.resolved
            if target and target in notes and not notes[target].published and target != path:
                state.diagnostics.report(
                    path, link.line + 1, "unpublished-link",
                    "links to a note that is not published; the link shows as plain text", INFO,
                )
    try:
        from .dataview.blocks import check_queries
    except ImportError:  # the Dataview stage is optional for checking links and frontmatter
        check_queries = None
    if check_queries is not None:
        check_queries(state)
    return list(state.diagnostics)
