"""Where a note's queries are: ```dataview / ```dataviewjs blocks and `= ...` / `$= ...` inline queries.

One scanner serves the Markdown extension (which replaces the blocks while a page renders) and the
`check` command (which runs every query of the published notes and reports the failures with file
and line, without building the site).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_FENCE_OPEN = re.compile(
    r"^(?P<prefix>[ \t]{0,3}(?:>[ \t]?)*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*?)[ \t]*$"
)
INLINE_QUERY = re.compile(r"(?<!`)`(?P<js>\$?)=(?P<expr>[^`\n]+)`(?!`)")


@dataclass(slots=True)
class QueryBlock:
    """A fenced query block. `line` is the 0-based index of its opening fence in the scanned lines."""

    line: int
    end: int  # index of the closing fence (or the last line when unclosed)
    kind: str  # the fence's language: "dataview", "dataviewjs" (or "base")
    query: str
    prefix: str  # blockquote/callout prefix of the fence line ("> "), "" at top level


def find_blocks(lines: list[str], kinds: tuple[str, ...] = ("dataview", "dataviewjs")) -> list[QueryBlock]:
    """Every fenced block whose language is one of `kinds` (```dataview / ```dataviewjs by default;
    the bases stage asks for ```base), skipping fences of other languages (and their content)."""
    out: list[QueryBlock] = []
    i = 0
    while i < len(lines):
        m = _FENCE_OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        fence, prefix = m.group("fence"), m.group("prefix")
        info = m.group("info").strip().lower()
        quote_depth = prefix.count(">")
        close = re.compile(
            r"^[ \t]{0,3}"
            + r"(?:>[ \t]?)" * quote_depth
            + re.escape(fence[0])
            + "{"
            + str(len(fence))
            + r",}[ \t]*$"
        )
        j = i + 1
        body: list[str] = []
        while j < len(lines) and not close.match(lines[j]):
            line = lines[j]
            # Inside a callout, strip the same `>` prefix from every content line.
            for _ in range(quote_depth):
                line = re.sub(r"^[ \t]{0,3}>[ \t]?", "", line, count=1)
            body.append(line)
            j += 1
        if info in kinds:
            out.append(QueryBlock(i, min(j, len(lines) - 1), info, "\n".join(body), prefix))
        i = j + 1
    return out


def check_queries(state: Any) -> int:
    """Run every query of the published notes of a `pipeline.VaultState`; report failures as diagnostics.

    Returns how many queries failed. Used by `mkdocs-vault check`.
    """
    from ..diagnostics import INFO, WARNING
    from .batch import context_for_state
    from .engine import run_query

    ctx = context_for_state(state)
    failed = 0
    for path in sorted(state.decision.notes):
        note = state.vault.notes[path]
        lines = note.body.split("\n")
        blocks = find_blocks(lines)
        inside = set()
        for block in blocks:
            inside.update(range(block.line, block.end + 1))
            file_line = note.body_line + block.line + 1
            if block.kind == "dataviewjs":
                state.diagnostics.report(
                    path, file_line, "query", "```dataviewjs block is not run on the site", INFO
                )
                continue
            result = run_query(block.query, path, ctx)
            for notice in result.notices:
                state.diagnostics.report(path, file_line, "query", f"Dataview query: {notice}", WARNING)
            if result.type == "error" and result.error is not None:
                failed += 1
                err = result.error
                where = file_line + (err.line if err.line else 0)
                state.diagnostics.report(
                    path, where, "query", f"Dataview query failed: {err.message}", WARNING
                )
        for n, line in enumerate(lines):
            if n in inside or "`" not in line:
                continue
            for m in INLINE_QUERY.finditer(line):
                if m.group("js"):
                    continue
                result = run_query("=" + m.group("expr"), path, ctx)
                if result.type == "error" and result.error is not None:
                    failed += 1
                    state.diagnostics.report(
                        path,
                        note.body_line + n + 1,
                        "query",
                        f"inline Dataview query failed: {result.error.message}",
                        WARNING,
                    )
    return failed
