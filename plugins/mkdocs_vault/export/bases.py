"""Base views as Markdown, for `mkdocs-vault export`: the rows `bases.run_base` gives, as pipe tables.

The site draws views as tabs of sortable tables, cards and lists (`bases.render`); an exported vault is
built by another generator, so every view is written as a heading with its row count and a Markdown
table (a list view as a list), groups under their own headings, summaries as a last row. Links are
Markdown links to the exported files, for the same reason as in `export.results`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ..bases.query import Cell, ResultRow, ViewResult
from ..bases.values import Duration, FileRef, Html, Icon, Image, Link, Pattern, to_text
from .results import _cell, escape_text

# (published vault path or None, shown text) -> Markdown of the link (the text alone when None)
LinkTo = Callable[[str | None, str], str]


def _name(path: str) -> str:
    base = path.rpartition("/")[2]
    return base[:-3] if base.lower().endswith(".md") else base


def value_markdown(v: Any, link: LinkTo) -> str:
    if v is None:
        return ""
    if isinstance(v, Link):
        shown = to_text(v.display) if v.display is not None else _name(v.path or v.target)
        if v.path is None and v.target.startswith(("http://", "https://")):
            return f"[{escape_text(shown)}](<{v.target}>)"
        return link(v.path, shown)
    if isinstance(v, FileRef):
        return link(v.path, _name(v.path))
    if isinstance(v, Image):
        src = v.src
        if isinstance(src, (Link, FileRef)) and src.path:
            return "!" + link(src.path, _name(src.path))
        return escape_text(to_text(src))
    if isinstance(v, list):
        return "<br>".join(value_markdown(x, link) for x in v)
    if isinstance(v, (Html, Icon, Pattern, Duration, dt.date)) or not isinstance(v, str):
        return escape_text(to_text(v))
    return escape_text(v)


def _cell_markdown(c: Cell, link: LinkTo) -> str:
    return escape_text(f"Error: {c.error}") if c.error else value_markdown(c.value, link)


def _row_markdown(columns: list[str], row: ResultRow, link: LinkTo) -> list[str]:
    """A row's cells; the file's name links to the note, as on the site."""
    out = []
    for column, c in zip(columns, row.cells):
        if column in ("file.name", "file.basename") and not c.error and isinstance(c.value, str):
            out.append(link(row.path, c.value))
        else:
            out.append(_cell_markdown(c, link))
    return out


def view_markdown(result: ViewResult, link: LinkTo, level: int = 4) -> str:
    """One view: `#### Name (N)` and its rows."""
    lines = ["#" * level + f" {escape_text(result.view.name)} ({result.count})", ""]
    if result.error or result.notice:
        return "\n".join([*lines, f"> {escape_text(result.error or result.notice or '')}"])
    head = "| " + " | ".join(_cell(escape_text(h)) for h in result.headers) + " |"
    rule = "|" + " --- |" * len(result.headers)
    for group in result.groups:
        if group.key is not None:
            lines += ["#" * min(level + 1, 6) + " " + (_cell_markdown(group.key, link) or "(none)"), ""]
        rows = [_row_markdown(result.columns, row, link) for row in group.rows]
        if result.view.type == "list":
            lines += ["- " + ", ".join(x for x in cells if x) for cells in rows]
        else:
            lines += [head, rule] + ["| " + " | ".join(_cell(x) for x in cells) + " |" for cells in rows]
        lines.append("")
    if result.summaries and result.view.type != "list":
        cells = []
        for column in result.columns:
            summary = result.summaries.get(column)
            name = result.summary_names.get(column, "")
            cells.append(_cell(f"{escape_text(name)}: {_cell_markdown(summary, link)}") if summary else " ")
        lines += [head, rule, "| " + " | ".join(cells) + " |", ""]
    return "\n".join(lines).rstrip("\n")


def base_markdown(results: list[ViewResult], link: LinkTo) -> str:
    if not results:
        return "*This base has no views.*"
    return "\n\n".join(view_markdown(r, link) for r in results)
