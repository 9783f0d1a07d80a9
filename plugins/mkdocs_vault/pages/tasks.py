"""The "Open tasks" page: every open task of the published vault by due date, overdue ones marked
relative to the build's `today`, each linked to its note.

Open means not done and not cancelled (`[x]`, `[X]` and `[-]` are closed; `[/]` in progress is open).
Tasks without a due date come last, by note. The due date shows in its own column, so the date
markers (`📅 2026-11-20`, `[due:: 2026-11-20]`...) are taken out of the task's text.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable

from .addresses import TASKS_URL, relative
from .data import RowCache, SiteData, TaskRow
from .inline import InlineRenderer, strip_html, with_field_spans
from .listing import listing_page, sortable_table, table_row

MakeInline = Callable[[str, str], InlineRenderer]

_DATE_MARKS = re.compile(
    r"\s*(?:[📅⏳🛫✅➕]\ufe0f?\s*\d{4}-\d{2}-\d{2}"
    r"|[\[(]\s*(?:due|scheduled|start|completion|created)\s*::[^\])]*[\])])",
    re.IGNORECASE,
)


def task_text(task: TaskRow, inline: InlineRenderer) -> str:
    first = task.text.split("\n", 1)[0]
    # Its fields as the note shows them (Dataview's reading view), so the page and the note agree.
    return with_field_spans(_DATE_MARKS.sub("", inline.clean(first)), inline.text)


def tasks_page(data: SiteData, make_inline: MakeInline, cache: RowCache | None = None) -> tuple[str, str]:
    """(title, Markdown) of the open tasks page; `cache` keeps rendered rows across rebuilds."""
    cache = cache if cache is not None else RowCache()
    today = data.today.isoformat()
    tasks = data.tasks_by_due()
    overdue = sum(1 for t in tasks if t.due and t.due < today)
    rows = [
        cache.get(
            ("task", t.path, t.line, t.text, t.status, t.due, today),
            lambda t=t: table_row(_task_row(t, data, make_inline)),
        )
        for t in tasks
    ]
    lead = f"{len(tasks)} open tasks"
    if overdue:
        lead += f', <span class="vault-overdue">{overdue} overdue</span> as of {today}'
    body = f'<p class="vault-lead">{lead}.</p>' + sortable_table(["Due", "Task", "Note"], rows, "vault-tasks")
    return "Open tasks", listing_page("Open tasks", body)


def _task_row(task: TaskRow, data: SiteData, make_inline: MakeInline) -> list[tuple[str, str]]:
    """The (HTML, sort key) cells of one open task: due date, text, note. They read the task, its
    note's title and URL, the notes it links to, and today's date."""
    note = data.notes[task.path]
    today = data.today.isoformat()
    due_html, due_key = "", "9999-99-99"  # no due date sorts last
    if task.due:
        due_key = task.due
        if task.due < today:
            late = (data.today - dt.date.fromisoformat(task.due[:10])).days
            due_html = (
                f'<time datetime="{html.escape(task.due)}">{html.escape(task.due)}</time><br>'
                f'<span class="vault-overdue">{late} {"day" if late == 1 else "days"} overdue</span>'
            )
        else:
            due_html = f'<time datetime="{html.escape(task.due)}">{html.escape(task.due)}</time>'
    text = task_text(task, make_inline(task.path, TASKS_URL))
    if task.status == "/":
        text += ' <span class="vault-status">in progress</span>'
    href = html.escape(relative(note.url, TASKS_URL), quote=True)
    note_html = f'<a class="vault-link" href="{href}">{html.escape(note.title)}</a>'
    return [(due_html, due_key), (text, strip_html(text).casefold()), (note_html, note.title.casefold())]
