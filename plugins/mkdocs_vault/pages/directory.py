"""Directory pages: one sortable table per note type (`type` in the frontmatter), and an index of types.

`projects`, `people`, `customers` and `meeting` have columns chosen for them; any other type shows its
most common properties. `directory_columns` in mkdocs.yml overrides either (`{people: [company, role]}`).
Two column names are computed rather than read: `last_contact` (the newest of the dated notes linking to
the row's note and its own `last_contact` property, not after today: `SiteData.last_contact`, the date
every page shows) and `open_tasks` (its open tasks).
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..urls import slugify_segment
from .addresses import DIRECTORY_URL, directory_url, relative, src_uri_of
from .data import NoteRow, RowCache, SiteData
from .listing import listing_page, safe_title, sortable_table, table_row
from .properties import HIDDEN_KEYS, PropertyRenderer, is_empty, readable_date

DEFAULT_COLUMNS: dict[str, list[str]] = {
    "projects": ["status", "owner", "last_contact", "open_tasks"],
    "people": ["company", "role", "last_contact"],
    "customers": ["tier", "people", "last_contact"],
    "meeting": ["date", "attendees"],
}
COMPUTED = ("last_contact", "open_tasks")
GENERIC_COLUMNS = 4
_NOT_COLUMNS = HIDDEN_KEYS | {"type", "tags", "tag", "aliases", "alias"}

MakeRenderer = Callable[[str, str], PropertyRenderer]  # (source note path, page url) -> renderer


def label(column: str) -> str:
    """`last_contact` -> `Last contact`, `customer-notes` -> `Customer notes`."""
    text = " ".join(column.replace("_", " ").replace("-", " ").split())
    return text[:1].upper() + text[1:]


def types_by_slug(data: SiteData) -> dict[str, tuple[str, list[NoteRow]]]:
    """slug -> (type name as first written, its notes in path order); `Meeting` and `meeting` are one
    type. A type's page lists them by title (`SiteData.rows_by_title`), the index only counts them."""
    groups: dict[str, list[NoteRow]] = {}
    for row in data.notes.values():
        if row.type:
            groups.setdefault(slugify_segment(row.type), []).append(row)
    return {slug: (min(r.type for r in groups[slug] if r.type), groups[slug]) for slug in sorted(groups)}


def columns_for(
    name: str, rows: Sequence[NoteRow], configured: Mapping[str, Any], is_private: Callable[[str], bool]
) -> list[str]:
    wanted = configured.get(name, configured.get(slugify_segment(name)))
    if wanted is not None:
        return [str(c) for c in wanted if str(c) in COMPUTED or not is_private(str(c))]
    wanted = DEFAULT_COLUMNS.get(slugify_segment(name))
    if wanted is not None:
        # A default column nobody filled in says nothing: leave it out (configured ones always show).
        wanted = [
            c
            for c in wanted
            if c in COMPUTED or c == "date" or any(not is_empty(r.frontmatter.get(c)) for r in rows)
        ]
    if wanted is None:
        counts: Counter[str] = Counter()
        for row in rows:
            counts.update(
                k for k, v in row.frontmatter.items() if k.lower() not in _NOT_COLUMNS and not is_empty(v)
            )
        wanted = [k for k, _n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:GENERIC_COLUMNS]]
    return [str(c) for c in wanted if str(c) in COMPUTED or not is_private(str(c))]


def _cell(row: NoteRow, column: str, data: SiteData, renderer: PropertyRenderer) -> tuple[str, str]:
    """(html, sort key) of one cell."""
    if column == "open_tasks":
        count = data.open_task_count.get(row.path, 0)
        return (str(count) if count else ""), str(count)
    if column == "last_contact":
        day = data.last_contact(row.path)
        if day:
            return readable_date(day, renderer.date_format) or html.escape(day), day
        return "", ""
    value = row.frontmatter.get(column)
    if is_empty(value) and column in ("date", "day") and row.date:
        value = row.date
    if is_empty(value):
        return "", ""
    shown = renderer.status(value) if column.lower() == "status" else renderer.value(value)
    return shown, _sort_key(value)


def _sort_key(value: object) -> str:
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return " ".join(_sort_key(v) for v in value)
    text = str(value)
    # Links sort by what they show: `[[People/Zoë|Zoë]]` under Z.
    for ch in "[]":
        text = text.replace(ch, "")
    return text.rsplit("|", 1)[-1].casefold()


def directory_page(
    name: str,
    rows: list[NoteRow],
    columns: list[str],
    data: SiteData,
    make_renderer: MakeRenderer,
    url: str,
    cache: RowCache | None = None,
) -> tuple[str, str]:
    """(title, Markdown) of one type's directory page; `cache` keeps rendered rows across rebuilds."""
    cache = cache if cache is not None else RowCache()
    table_rows = []
    for row in rows:

        def cells(row: NoteRow = row) -> str:
            href = html.escape(relative(row.url, url), quote=True)
            first = (
                f'<a class="vault-link" href="{href}">{html.escape(row.title)}</a>',
                row.title.casefold(),
            )
            renderer = make_renderer(row.path, url)
            return table_row([first] + [_cell(row, c, data, renderer) for c in columns])

        table_rows.append(cache.get(("directory", row.path, url, tuple(columns)), cells))
    # The order the rows come in, shown on its column's header: newest first for dated notes.
    sorted_by: tuple[int, str] | None = (0, "ascending")  # by name
    if all(r.date for r in rows):  # newest first (directory_pages), by a column only if one shows it
        sorted_by = (1 + columns.index("date"), "descending") if "date" in columns else None
    table = sortable_table(["Name"] + [label(c) for c in columns], table_rows, "vault-directory", sorted_by)
    count = "note" if len(rows) == 1 else "notes"
    body = f'<p class="vault-lead">{len(rows)} {count} of type <code>{html.escape(name)}</code>.</p>{table}'
    title = label(name)
    return safe_title(title), listing_page(title, body)


def directory_index(types: dict[str, tuple[str, list[NoteRow]]]) -> tuple[str, str]:
    """(title, Markdown) of the page listing every type's directory."""
    items = "".join(
        f'<li><a class="vault-link" href="{html.escape(relative(directory_url(name), DIRECTORY_URL), quote=True)}">'
        f'{html.escape(label(name))}</a> <span class="vault-count">{len(rows)}</span></li>'
        for name, rows in types.values()
    )
    return "Directory", listing_page("Directory", f'<ul class="vault-type-index">{items}</ul>')


def directory_pages(
    data: SiteData,
    configured: Mapping[str, Any],
    is_private: Callable[[str], bool],
    make_renderer: MakeRenderer,
    only: set[str] | None = None,
    cache: RowCache | None = None,
) -> dict[str, tuple[str, str]]:
    """src_uri -> (title, Markdown) for the directory index and every type's page (with `only`, the
    type pages whose src_uris it holds: a rebuild's changes)."""
    types = types_by_slug(data)
    if not types:
        return {}
    pages = {src_uri_of(DIRECTORY_URL): directory_index(types)}
    for name, rows in types.values():
        url = directory_url(name)
        if only is not None and src_uri_of(url) not in only:
            continue
        # Only for the pages made: sorting every type took longer than one page.
        rows = data.rows_by_title({r.path for r in rows})
        if all(r.date for r in rows):
            # Dated notes (meetings, daily notes) newest first, the order they are read in; a stable
            # sort keeps notes of the same day by title.
            rows.sort(key=lambda r: r.date or "", reverse=True)
        pages[src_uri_of(url)] = directory_page(
            name, rows, columns_for(name, rows, configured, is_private), data, make_renderer, url, cache
        )
    return pages
