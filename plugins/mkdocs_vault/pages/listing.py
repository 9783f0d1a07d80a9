"""The shape every generated listing page shares: a Markdown source holding one block of final HTML,
with page metadata that keeps it out of the search index, and sortable tables.

Listings are written as HTML rather than Markdown because their hrefs are computed here, relative to
the listing's own URL, and their texts (titles, tags, property values) must reach the page escaped
exactly once. A raw HTML block is passed through by Python-Markdown untouched.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

# Material writes `page.title` into the header (and, through `striptags`, which decodes entities, into
# <title>) without escaping. A generated page's title can hold a tag or a type as a user wrote it, so it
# gets look-alike characters for the few that HTML gives meaning to.
_TITLE_SAFE = str.maketrans({"<": "‹", ">": "›", "&": "＆", '"': "”"})


def safe_title(text: str) -> str:
    """A page title that stays text in any template, escaped or not."""
    return text.translate(_TITLE_SAFE)


def listing_page(title: str, body: str, searchable: bool = False) -> str:
    """Markdown source of a generated page. Unless `searchable`, the page is excluded from search:
    listings repeat every note's title and would push the notes themselves down the results."""
    meta = "" if searchable else "---\nsearch:\n  exclude: true\n---\n\n"
    # No blank line inside `body`: one raw HTML block, never re-read as Markdown. A body on one line (a
    # table of 4.5 MB) is left as it is, told by a search for each line break at memory speed rather
    # than by splitting it.
    if any(c in body for c in _LINE_BREAKS) or body.isspace():
        body = "\n".join(line for line in body.splitlines() if line.strip())
    return f"{meta}<h1>{html.escape(title)}</h1>\n\n{body}\n"


# What `str.splitlines` splits at.
_LINE_BREAKS = ("\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def table_row(cells: Sequence[tuple[str, str]]) -> str:
    """One row of a `sortable_table`: each cell is (html, sort key)."""
    tds = "".join(f'<td data-sort="{html.escape(key, quote=True)}">{cell}</td>' for cell, key in cells)
    return f"<tr>{tds}</tr>"


def sortable_table(
    headers: Sequence[str], rows: Iterable[str], css: str = "", sorted_by: tuple[int, str] | None = None
) -> str:
    """A table that `vault.js` makes sortable by clicking a column header; `rows` are `table_row`s
    (kept across serve rebuilds by the listings' row caches). Sort keys are compared as numbers when
    every key in the column is one. `sorted_by` (column, "ascending" or "descending") marks the
    order the rows already come in."""
    column, order = sorted_by if sorted_by is not None else (-1, "none")
    head = "".join(
        f'<th scope="col" aria-sort="{order if i == column else "none"}">{html.escape(h)}</th>'
        for i, h in enumerate(headers)
    )
    body = list(rows)
    cls = f"vault-sortable {css}".strip()
    table = f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    # Material styles (and scrolls) tables inside these wrappers; it adds them only to class-less tables.
    return f'<div class="md-typeset__scrollwrap"><div class="md-typeset__table">{table}</div></div>'
