"""HTML for a base: its views as tabs (name and row count on each), each a table, a list or cards.

* **Tabs** use the markup of `pymdownx.tabbed`'s alternate style (radio inputs, labels, blocks),
  which Material styles with CSS alone; the first view is selected. A base showing one view (an
  embed of `X.base#View`) has no tabs.
* **Table**: columns in `order` with their display names; `vault.js` sorts a table when its header
  is clicked (cells carry `data-sort` keys), one table per group under the group's heading; the
  summaries are a footer row naming the summary in each cell.
* **List**: one item per row, its properties in order separated by commas (the app's default
  separator), empty ones left out.
* **Cards**: a grid; the `image` property (a URL, an attachment or a `#hex` colour) on top.
* A layout we do not draw (map, kanban, a plugin's) shows a notice naming it; so does a view whose
  filter does not parse (with its line). A cell whose expression fails shows `Error:` and the message.

Links are emitted through the caller's `link_html(path, subpath, display)` (the links stage's
placeholders) and attachments through `media_html(path, alt)`; every text is escaped. `html()` in a
formula is the base author's own HTML and goes out as written, as raw HTML in a note's body does.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from html import escape
from typing import Any

from .query import Cell, ResultRow, ViewResult
from .values import (
    Duration,
    FileRef,
    Html,
    Icon,
    Image,
    Link,
    Pattern,
    as_moment,
    date_text,
    duration_text,
    file_name,
    is_number,
    link_text,
    number_text,
    to_text,
)

LinkHtml = Callable[[str, str | None, str], str]  # (vault path, subpath, shown text) -> HTML
MediaHtml = Callable[[str, str], str | None]  # (vault path, alt text) -> <img>, None if not published

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_WEB = re.compile(r"^https?://", re.IGNORECASE)


def _no_media(path: str, alt: str) -> str | None:
    return None


class BaseRenderer:
    def __init__(self, link_html: LinkHtml, media_html: MediaHtml = _no_media, tz: dt.tzinfo = dt.UTC) -> None:
        self.link_html = link_html
        self.media_html = media_html
        self.tz = tz

    # -- values ------------------------------------------------------------------------------------
    def link(self, lk: Link) -> str:
        shown = link_text(lk)
        if lk.path:
            return self.link_html(lk.path, None, shown)
        if lk.is_url and _WEB.match(lk.target):
            return f'<a href="{escape(lk.target, quote=True)}" rel="noopener">{escape(shown)}</a>'
        return f'<span class="vault-unresolved">{escape(shown)}</span>'

    def value(self, v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, bool):
            checked = " checked" if v else ""
            return f'<input type="checkbox" disabled{checked} aria-label="{"yes" if v else "no"}">'
        if is_number(v):
            return escape(number_text(v))
        if isinstance(v, str):
            return escape(v)
        if isinstance(v, dt.date):
            return f'<time datetime="{escape(v.isoformat())}">{escape(date_text(v))}</time>'
        if isinstance(v, Link):
            return self.link(v)
        if isinstance(v, FileRef):
            return self.link_html(v.path, None, file_name(v.path).removesuffix(".md"))
        if isinstance(v, list):
            return ", ".join(self.value(x) for x in v if x is not None)
        if isinstance(v, Html):
            return v.html
        if isinstance(v, Image):
            return self.image(v) or ""
        if isinstance(v, Icon):
            return f'<span class="vault-base-icon" data-icon="{escape(v.name, quote=True)}">{escape(v.name)}</span>'
        if isinstance(v, (Duration, Pattern, dict)):
            return escape(to_text(v) if not isinstance(v, Duration) else duration_text(v))
        return escape(to_text(v))

    def image(self, v: Any) -> str | None:
        src = v.src if isinstance(v, Image) else v
        if isinstance(src, list):
            src = src[0] if src else None
        if isinstance(src, str) and _HEX.match(src.strip()):
            return f'<div class="vault-base-swatch" style="background:{src.strip()}"></div>'
        if isinstance(src, str) and _WEB.match(src.strip()):
            return f'<img src="{escape(src.strip(), quote=True)}" alt="" loading="lazy">'
        path = src.path if isinstance(src, (Link, FileRef)) else None
        return self.media_html(path, "") if path else None

    def cell(self, c: Cell) -> str:
        if c.error:
            return f'<span class="vault-base-error">Error: {escape(c.error)}</span>'
        return self.value(c.value)

    def sort_key(self, c: Cell) -> str:
        v = c.value
        if c.error or v is None:
            return ""
        if isinstance(v, bool):
            return "1" if v else "0"
        if is_number(v):
            return number_text(v)
        if isinstance(v, dt.date):
            return as_moment(v, self.tz).astimezone(dt.UTC).isoformat()
        return to_text(v).casefold()

    # -- views -------------------------------------------------------------------------------------
    def table_view(self, result: ViewResult) -> str:
        out = []
        for group in result.groups:
            if group.key is not None:
                out.append(f'<h4 class="vault-base-group">{self.cell(group.key) or "(none)"}</h4>')
            out.append(self._table(result, group.rows, group.summaries if group.key is not None else None))
        if result.summaries and any(g.key is not None for g in result.groups):
            out.append(self._summary_line(result, result.summaries))
        return "".join(out)

    def _table(self, result: ViewResult, rows: list[ResultRow], group_summaries: dict[str, Cell] | None) -> str:
        head = "".join(f'<th scope="col" aria-sort="none">{escape(h)}</th>' for h in result.headers)
        body = "".join(
            "<tr>"
            + "".join(
                f'<td data-sort="{escape(self.sort_key(c), quote=True)}">{self._shown(r, col, c)}</td>'
                for col, c in zip(result.columns, r.cells)
            )
            + "</tr>"
            for r in rows
        )
        summaries = group_summaries if group_summaries is not None else result.summaries
        foot = ""
        if summaries:
            tds = []
            for col in result.columns:
                if col in summaries:
                    name = escape(result.summary_names.get(col, ""))
                    tds.append(
                        f'<td><span class="vault-base-summary-name">{name}</span> {self.cell(summaries[col])}</td>'
                    )
                else:
                    tds.append("<td></td>")
            foot = f'<tfoot><tr class="vault-base-summaries">{"".join(tds)}</tr></tfoot>'
        table = f'<table class="vault-sortable vault-base-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody>{foot}</table>'
        return f'<div class="md-typeset__scrollwrap"><div class="md-typeset__table">{table}</div></div>'

    def _summary_line(self, result: ViewResult, summaries: dict[str, Cell]) -> str:
        parts = []
        for col in result.columns:
            if col in summaries:
                label = result.headers[result.columns.index(col)]
                name = result.summary_names.get(col, "")
                parts.append(f"{escape(label)} ({escape(name)}): {self.cell(summaries[col])}")
        return f'<p class="vault-base-summaries">All rows: {"; ".join(parts)}</p>'

    def list_view(self, result: ViewResult) -> str:
        out = []
        for group in result.groups:
            if group.key is not None:
                out.append(f'<h4 class="vault-base-group">{self.cell(group.key) or "(none)"}</h4>')
            items = []
            for r in group.rows:
                first, rest = (r.cells[0], r.cells[1:]) if r.cells else (Cell(FileRef(r.path)), [])
                shown = self._shown(r, result.columns[0], first)
                extra = [self.cell(c) for c in rest if (c.value is not None and c.value != []) or c.error]
                items.append(f"<li>{', '.join([shown, *extra])}</li>")
            out.append(f'<ul class="vault-base-list">{"".join(items)}</ul>')
        return "".join(out)

    def _shown(self, r: ResultRow, col: str, c: Cell) -> str:
        """A cell; the `file.name` column links to the row's note, shown by its name, as in the app."""
        if col == "file.name" and not c.error:
            return self._row_link(r)
        return self.cell(c)

    def _row_link(self, r: ResultRow) -> str:
        return self.link_html(r.path, None, file_name(r.path).removesuffix(".md"))

    def cards_view(self, result: ViewResult) -> str:
        out = []
        for group in result.groups:
            if group.key is not None:
                out.append(f'<h4 class="vault-base-group">{self.cell(group.key) or "(none)"}</h4>')
            cards = []
            for r in group.rows:
                cover = ""
                if r.image is not None and not r.image.error:
                    img = self.image(r.image.value)
                    cover = f'<div class="vault-base-cover">{img}</div>' if img else ""
                fields = []
                for header, col, c in zip(result.headers, result.columns, r.cells):
                    if col == "file.name":
                        continue
                    shown = self.cell(c)
                    if shown:
                        fields.append(f"<dt>{escape(header)}</dt><dd>{shown}</dd>")
                title = f'<p class="vault-base-card-title">{self._row_link(r)}</p>'
                dl = f"<dl>{''.join(fields)}</dl>" if fields else ""
                cards.append(f'<div class="vault-base-card">{cover}{title}{dl}</div>')
            out.append(f'<div class="vault-base-cards">{"".join(cards)}</div>')
        return "".join(out)

    def view(self, result: ViewResult) -> str:
        if result.error:
            where = f" (line {result.error_line})" if result.error_line else ""
            return notice(f"This view cannot be shown: {result.error}{where}.")
        if result.notice:
            return notice(result.notice)
        if result.count == 0:
            return '<p class="vault-base-empty">No results.</p>'
        if result.view.type == "cards":
            return self.cards_view(result)
        if result.view.type == "list":
            return self.list_view(result)
        return self.table_view(result)

    def base(self, results: list[ViewResult], uid: str) -> str:
        """Every view of a base, as tabs when there are several."""
        if len(results) == 1:
            return f'<div class="vault-base">{self._caption(results[0])}{self.view(results[0])}</div>'
        inputs, labels, blocks = [], [], []
        for i, result in enumerate(results, 1):
            ident = f"__base_{uid}_{i}"
            checked = ' checked="checked"' if i == 1 else ""
            inputs.append(f'<input{checked} id="{ident}" name="__base_{uid}" type="radio">')
            labels.append(f'<label for="{ident}">{self._label(result)}</label>')
            blocks.append(f'<div class="tabbed-block">{self.view(result)}</div>')
        return (
            f'<div class="vault-base"><div class="tabbed-set tabbed-alternate" data-tabs="{len(results)}">'
            f'{"".join(inputs)}<div class="tabbed-labels">{"".join(labels)}</div>'
            f'<div class="tabbed-content">{"".join(blocks)}</div></div></div>'
        )

    def _label(self, result: ViewResult) -> str:
        count = "" if result.error or result.notice else f' <span class="vault-base-count">{result.count}</span>'
        return f"{escape(result.view.name)}{count}"

    def _caption(self, result: ViewResult) -> str:
        return f'<p class="vault-base-caption">{self._label(result)}</p>'


def notice(message: str) -> str:
    return f'<div class="admonition warning vault-base-notice"><p>{escape(message)}</p></div>'
