"""Timelines: a note's own (the dated notes that link to it, and the last contact they imply) and the
global timeline page (every dated note of the vault), both newest first and grouped by month."""

from __future__ import annotations

import datetime as dt
import functools
import html
from collections.abc import Iterable

from ..dataview.dateformat import MONTHS
from .addresses import TIMELINE_URL, relative
from .data import NoteRow, SiteData
from .listing import listing_page


def month_groups(rows: Iterable[NoteRow], ordered: bool = False) -> list[tuple[str, list[NoteRow]]]:
    """[('2026-11', [...]), ...] newest month first; rows newest first, ties by path (`ordered`: they
    come so already, as from `SiteData.dated_mentions`)."""
    if not ordered:
        rows = sorted(sorted(rows, key=lambda n: n.path), key=lambda n: n.day or "", reverse=True)
    groups: dict[str, list[NoteRow]] = {}
    for row in rows:
        if row.day:
            groups.setdefault(row.day[:7], []).append(row)
    return list(groups.items())


def month_name(month: str) -> str:
    """'2026-11' -> 'November 2026'."""
    year, _, number = month.partition("-")
    return f"{MONTHS[int(number) - 1]} {year}"


@functools.lru_cache(maxsize=4096)  # the same days recur on the timelines of many note pages
def short_date(day: str) -> str:
    """'2026-11-03' -> 'Nov 3' (the month heading above gives the year)."""
    date = dt.date.fromisoformat(day[:10])
    return f"{MONTHS[date.month - 1][:3]} {date.day}"


def days_ago(day: str, today: dt.date) -> str:
    delta = (today - dt.date.fromisoformat(day[:10])).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "yesterday"
    return f"{delta} days ago" if delta > 0 else f"in {-delta} days"


def _entry(row: NoteRow, page_url: str) -> str:
    before, after = _entry_parts(row.day or "", row.title, row.type)
    return before + html.escape(relative(row.url, page_url), quote=True) + after


@functools.lru_cache(maxsize=16384)  # a dated note is listed on the timeline of every note it links to
def _entry_parts(day: str, title: str, note_type: str | None) -> tuple[str, str]:
    """An entry's HTML before and after its href, which alone depends on the page: made once per
    note, not once per page that lists it (keyed by everything it shows, so it cannot go stale)."""
    kind = f' <span class="vault-type-chip">{html.escape(note_type)}</span>' if note_type else ""
    time = f'<time datetime="{html.escape(day[:10])}">{html.escape(short_date(day))}</time>'
    return f'<li>{time} <a class="vault-link" href="', f'">{html.escape(title)}</a>{kind}</li>'


def timeline_list(rows: Iterable[NoteRow], page_url: str, heading: str = "h3", ordered: bool = False) -> str:
    parts = []
    for month, members in month_groups(rows, ordered):
        parts.append(
            f'<{heading} class="vault-month" id="m-{month}" data-search-exclude>{month_name(month)}</{heading}>'
        )
        parts.append(
            '<ol class="vault-timeline-list">' + "".join(_entry(r, page_url) for r in members) + "</ol>"
        )
    return "".join(parts)


def note_timeline(data: SiteData, path: str, page_url: str, contact_property: str | None = None) -> str:
    """The timeline section of a note page ("" when no dated note links here)."""
    rows = data.dated_mentions(path)
    if not rows:
        return ""
    last = data.last_contact(path)
    lead = ""
    if last:
        lead = (
            f'<p class="vault-last-contact">Last contact: <time datetime="{last}">{_long(last)}</time> '
            f"({days_ago(last, data.today)})</p>"
        )
    return (
        '<section class="vault-timeline" data-search-exclude>'
        f'<h2 id="vault-timeline" data-search-exclude>Timeline</h2>{lead}'
        f"{timeline_list(rows, page_url, ordered=True)}</section>"
    )


def _long(day: str) -> str:
    date = dt.date.fromisoformat(day[:10])
    return f"{MONTHS[date.month - 1]} {date.day}, {date.year}"


def timeline_page(data: SiteData) -> tuple[str, str]:
    """(title, Markdown) of the global timeline: every dated published note by month, newest first."""
    rows = [n for n in data.notes.values() if n.day]
    months = month_groups(rows)
    index = "".join(
        f'<li><a href="#m-{m}">{month_name(m)}</a> <span class="vault-count">{len(r)}</span></li>'
        for m, r in months
    )
    body = (
        f'<div class="vault-page vault-timeline-page" data-count="{len(rows)}">'
        f'<p class="vault-lead">{len(rows)} dated notes, newest first.</p>'
        f'<ul class="vault-month-index">{index}</ul>'
        f"{timeline_list(rows, TIMELINE_URL, 'h2')}</div>"
    )
    return "Timeline", listing_page("Timeline", body)
