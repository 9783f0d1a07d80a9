"""`mkdocs-vault check`: the diagnostics a build would log, without building a site.

Beyond what loading and resolving report, it lists published notes that link to unpublished ones
(the link renders as plain text; the author may want to know), Dataview blocks that fail, and embed
cycles, embed chains deeper than the renderer follows, and pages whose embeds add up to more than a
page may show (found on the embed graph: the build finds them while rendering, which `check` does not do).
"""

from __future__ import annotations

from collections.abc import Callable

from .diagnostics import INFO, WARNING, Diagnostic
from .links.extension import (
    EMBED_BUDGET,
    EMBED_CYCLE,
    EMBED_DEPTH,
    MAX_EMBEDDED_CHARS,
    MAX_EMBEDS,
    budget_message,
)
from .pipeline import VaultState
from .vault.model import Link, Note

MAX_EMBED_DEPTH = 4  # links.extension.LinkContext's default, which the plugin keeps


def run_checks(state: VaultState) -> list[Diagnostic]:
    assert state.vault is not None
    notes = state.vault.notes
    for path in state.decision.notes:
        for link in notes[path].links:
            target = link.resolved
            if target and target in notes and not notes[target].published and target != path:
                state.diagnostics.report(
                    path,
                    link.line + 1,
                    "unpublished-link",
                    "links to a note that is not published; the link shows as plain text",
                    INFO,
                )
    try:
        from .dataview.blocks import check_queries
    except ImportError:  # the Dataview stage is optional for checking links and frontmatter
        check_queries = None
    if check_queries is not None:
        check_queries(state)
    from .bases.state import check_bases

    check_bases(state)
    check_embeds(state.vault.notes, set(state.decision.notes), state.diagnostics.report)
    return list(state.diagnostics)


def check_embeds(
    notes: dict[str, Note],
    published: set[str],
    report: Callable[..., object],
    max_depth: int = MAX_EMBED_DEPTH,
) -> None:
    """Report what the renderer would stop on, where it would report it: an embed that would show a
    note already being shown (a cycle, self-embeds included), and an embed past `max_depth` levels.

    Each published note is a page; walking its embeds as the renderer does (depth first, one stack)
    finds the same (note, line) pairs the build reports.
    """
    edges: dict[str, list[tuple[str, int, str]]] = {}
    for path in published:
        edges[path] = [
            (link.resolved, link.line + 1, _raw(link))
            for link in notes[path].links
            if link.embed
            and link.origin == "body"
            and (link.target or link.subpath)  # `![[ ]]` is not an embed
            and link.resolved in published
            and link.resolved.endswith(".md")
        ]
    seen: set[tuple[str, int, str, str]] = set()
    # What the page being walked has embedded so far: notes, characters, and whether it hit a bound.
    spent = [0, 0, False]

    def walk(stack: list[str]) -> None:
        here = stack[-1]
        for target, line, raw in edges.get(here, ()):
            if target in stack:
                kind, message = EMBED_CYCLE, f"{raw}: embed cycle ({' -> '.join([*stack, target])})"
            elif len(stack) - 1 >= max_depth:
                kind, message = EMBED_DEPTH, f"{raw}: embeds nested deeper than {max_depth}"
            elif spent[0] >= MAX_EMBEDS or spent[1] + len(notes[target].body) > MAX_EMBEDDED_CHARS:
                if spent[2]:
                    continue
                spent[2] = True
                kind, message = EMBED_BUDGET, budget_message(raw)
            else:
                spent[0] += 1
                spent[1] += len(notes[target].body)
                walk([*stack, target])
                continue
            if (here, line, kind, message) not in seen:
                seen.add((here, line, kind, message))
                report(here, line, kind, message, WARNING)

    for page in sorted(published):
        spent[:] = [0, 0, False]
        walk([page])


def _raw(link: Link) -> str:
    subpath = f"#{link.subpath}" if link.subpath else ""
    shown = f"|{link.display}" if link.display else ""
    return f"![[{link.target}{subpath}{shown}]]"
