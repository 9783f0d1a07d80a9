"""Dataview results as Markdown: tables as pipe tables, lists as lists, tasks as task lists.

`dataview.render` writes HTML for our own site, with site URLs in its links. An exported vault is built
by another generator, which turns `[text](../Other.md)` into its own URL but leaves the links inside
raw HTML alone; so results are written as Markdown wherever Markdown can say them, and HTML only where it
cannot (several values in one table cell are joined with `<br>`). Text is escaped so that it reads as
the same text in any CommonMark or Python-Markdown host.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from typing import Any

from ..dataview.dateformat import format_date
from ..dataview.engine import Result
from ..dataview.values import (
    DEFAULT_DATE_FORMAT,
    DEFAULT_DATETIME_FORMAT,
    ExternalLink,
    Link,
    num_to_str,
    render_minimal_duration,
    type_of,
)

# (vault path, subpath, shown text) -> Markdown of the link, or the plain text when it goes nowhere.
LinkMarkdown = Callable[[str, str | None, str], str]
# Markdown text of a string value (a task's text, a field written with links) -> exported Markdown.
TextMarkdown = Callable[[str, str], str]

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~=$])")
_SAFE_URL = re.compile(r"^(?:https?://|mailto:)", re.IGNORECASE)


def escape_text(text: str) -> str:
    """Plain text that no Markdown host reads as markup: its punctuation backslash-escaped."""
    return _SPECIAL.sub(r"\\\1", text)


def _cell(markdown: str) -> str:
    """Markdown that fits one table cell: no line breaks, no unescaped pipe."""
    out = []
    for part in re.split(r"(`[^`]*`)", markdown):
        out.append(part if part.startswith("`") else part.replace("|", "\\|"))
    return "<br>".join(s for s in "".join(out).split("\n") if s.strip()) or " "


class MarkdownResults:
    """Renders one note's query results; `link` and `text` rewrite links for the note being written."""

    def __init__(
        self,
        link: LinkMarkdown,
        text: TextMarkdown,
        origin: str,
        date_format: str = DEFAULT_DATE_FORMAT,
        datetime_format: str = DEFAULT_DATETIME_FORMAT,
        null_as: str = "-",
    ) -> None:
        self.link_md = link
        self.text_md = text
        self.origin = origin
        self.date_format = date_format
        self.datetime_format = datetime_format
        self.null_as = null_as

    # ------------------------------------------------------------------------------------- values
    def link(self, lk: Link) -> str:
        return self.link_md(lk.path, lk.subpath, lk.display_text())

    def value(self, v: Any, in_cell: bool = False) -> str:
        t = type_of(v)
        if t == "null":
            return escape_text(self.null_as)
        if t == "string":
            return self.text_md(v, self.origin)
        if t == "number":
            return num_to_str(v)
        if t == "boolean":
            return "true" if v else "false"
        if t == "date":
            fmt = self.date_format if (v.hour, v.minute, v.second) == (0, 0, 0) else self.datetime_format
            return escape_text(format_date(v, fmt))
        if t == "duration":
            return escape_text(render_minimal_duration(v))
        if t == "link":
            return self.link(v)
        if t == "widget" and isinstance(v, ExternalLink):
            label = escape_text(v.display or v.url)
            return f"[{label}](<{v.url}>)" if _SAFE_URL.match(v.url) and ">" not in v.url else label
        if t == "array":
            parts = [self.value(x, in_cell) for x in v]
            return ("<br>" if in_cell else ", ").join(parts)
        if t == "object":
            parts = [f"{escape_text(str(k))}: {self.value(x, in_cell)}" for k, x in v.items()]
            return ("<br>" if in_cell else ", ").join(parts)
        if t == "function":
            return "\\<function\\>"
        return escape_text(str(v))

    # ------------------------------------------------------------------------------------ results
    def result(self, result: Result) -> str:
        if result.type == "error":
            err = result.error
            message = err.message if err is not None else "unknown error"
            where = f" (line {err.line}, column {err.column})" if err is not None and err.line else ""
            return f"> **Dataview:** {escape_text(message + where)}"
        if result.type == "inline":
            return self.value(result.value)
        if result.type == "table":
            return self.table(result)
        if result.type == "list":
            return self.list(result)
        if result.type == "task":
            return self.task(result)
        if result.type == "calendar":
            return self.calendar(result)
        return "> **Dataview:** unknown result"

    @staticmethod
    def empty(kind: str) -> str:
        return f"*No results to show for {kind} query.*"

    def table(self, result: Result) -> str:
        if not result.rows:
            return self.empty("table")
        head = [escape_text(h) for h in result.headers]
        if head:
            head[0] = f"{head[0]} ({len(result.rows)})"
        lines = ["| " + " | ".join(_cell(h) for h in head) + " |", "|" + " --- |" * len(head)]
        for row in result.rows:
            lines.append("| " + " | ".join(_cell(self.value(v, in_cell=True)) for v in row) + " |")
        return "\n".join(lines)

    def list(self, result: Result) -> str:
        if not result.items:
            return self.empty("list")
        out = []
        for item in result.items:
            if result.show_id and isinstance(item, list) and len(item) == 2:
                body = f"{self.value(item[0])}: {self.value(item[1])}"
            else:
                body = self.value(item)
            out.append("- " + body.replace("\n", " "))
        return "\n".join(out)

    def _tasks(self, tasks: list[dict[str, Any]], depth: int, top: bool) -> list[str]:
        out = []
        pad = "    " * depth
        for task in tasks:
            text = self.text_md(task.get("text", ""), task.get("path", self.origin)).replace("\n", " ")
            status = task.get("status") if task.get("task") else None
            box = "" if status is None else ("[ ] " if status == " " else "[x] ")
            where = ""
            if top and status is not None and task.get("path"):
                name = task["path"].rpartition("/")[2]
                where = " (" + self.link_md(task["path"], None, name.removesuffix(".md")) + ")"
            out.append(f"{pad}- {box}{text}{where}")
            out += self._tasks(task.get("children") or [], depth + 1, False)
        return out

    def _groups(self, groups: list[tuple[Any, Any]], level: int) -> list[str]:
        out = []
        for key, sub in groups:
            out += ["", "#" * min(4 + level, 6) + " " + self.value(key), ""]
            if sub and isinstance(sub[0], tuple):
                out += self._groups(sub, level + 1)
            else:
                out += self._tasks(sub, 0, True)
        return out

    def task(self, result: Result) -> str:
        if result.groups:
            return "\n".join(self._groups(result.groups, 0)).strip("\n")
        if not result.tasks:
            return self.empty("task")
        return "\n".join(self._tasks(result.tasks, 0, True))

    def calendar(self, result: Result) -> str:
        """One list per month, a line per day with its notes (a grid needs HTML, whose links would
        not follow the other generator's URLs)."""
        if not result.entries:
            return self.empty("calendar")
        by_day: dict[Any, list[Link]] = {}
        for when, lk in result.entries:
            by_day.setdefault(when.date(), []).append(lk)
        out = []
        for year, month in sorted({(d.year, d.month) for d in by_day}):
            out += ["", f"**{calendar.month_name[month]} {year}**", ""]
            for day in sorted(d for d in by_day if (d.year, d.month) == (year, month)):
                out.append(f"- {day.isoformat()}: " + ", ".join(self.link(lk) for lk in by_day[day]))
        return "\n".join(out).strip("\n")
