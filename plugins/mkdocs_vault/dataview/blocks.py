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
# Not after a backslash: an escaped backtick starts no code span, so no query (CommonMark, Obsidian).
INLINE_QUERY = re.compile(r"(?<![`\\])`(?P<js>\$?)=(?P<expr>[^`\n]+)`(?!`)")


def inline_query_pattern(prefix: str = "=", js_prefix: str = "$=") -> re.Pattern[str]:
    """A one-backtick code span that starts with Dataview's `inlineQueryPrefix` (group `expr` after it)
    or its `inlineJsQueryPrefix` (group `js` set); the defaults give `INLINE_QUERY`. The JavaScript
    prefix is tried first, as Dataview does (`$=` also starts with `$`, not `=`, but a custom `=` and
    `==` would overlap)."""
    if (prefix, js_prefix) == ("=", "$="):
        return INLINE_QUERY
    js = re.escape(js_prefix)
    return re.compile(rf"(?<![`\\])`(?:(?P<js>{js})(?P<jsexpr>[^`\n]+)|{re.escape(prefix)}(?P<expr>[^`\n]+))`(?!`)")


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
        line = lines[i]
        # A fence holds three backticks or tildes: most lines are passed over without the pattern.
        m = _FENCE_OPEN.match(line) if "```" in line or "~~~" in line else None
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
    from .parser import DQLError, parse_expression
    from .settings import resolve_settings

    options = state.options
    settings = resolve_settings(
        state.vault.settings, getattr(options, "dataview", "auto"), getattr(options, "dataview_settings", {})
    )
    if not settings.enabled:
        return 0  # the site shows its queries as code: nothing runs, nothing fails
    inline = inline_query_pattern(settings.inline_prefix, settings.inline_js_prefix)
    ctx = context_for_state(state)
    ctx.id_column = settings.id_column
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
            if n in inside or "`" not in line or not settings.inline_enabled:
                continue
            for m in inline.finditer(line):
                if m.group("js"):
                    continue
                if settings.lenient_inline:
                    try:
                        parse_expression(m.group("expr"), ctx.tz)
                    except DQLError:
                        state.diagnostics.report(
                            path, note.body_line + n + 1, "query",
                            f"inline code {m.group(0)} starts like a Dataview query but is not one; shown as code",
                            INFO,
                        )
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
