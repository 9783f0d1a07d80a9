"""Long generated listings, shown in part: a listing page carries the first stretch of its rows, and the
whole listing is a separate file the page fetches when the reader asks for it.

Issue 18 holds a first visit to any page without a diagram, formula or graph under 400 KB, as served.
Material's own assets take about 260 KB of that; the open-tasks page of a 1,000-note vault alone was
420 KB of HTML, its meetings directory 360 KB, and both grow with the vault. Such a page now holds its
first ~30 KB of rows, cut after a whole row (a table's `<tr>`, a list's `<li>`) with the elements open
there closed, inside a `vault-long` box naming the whole listing's file, and a button under it ("Show
all"). `vault.js` swaps the whole listing in when the button is pressed, when a sortable column is
sorted (a sort is over every row) or when an in-page link (the timeline's months) points past the cut.

Works on the listing's final HTML (the generators' own markup, one raw HTML block) rather than in each
generator, so every listing, section page and tag page is held to the same size by one rule.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .addresses import relative, url_of_src_uri

LISTINGS_DIR = "assets/vault/listings/"
SPLIT_OVER = 60_000  # characters of listing HTML above which a listing is shown in part
SHOWN = 30_000  # about how much of it the page carries: the rows up to the first row end past this
# Elements with no end tag: never on the stack of open elements.
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)


def whole_listing_uri(src_uri: str) -> str:
    """Where the whole listing of the generated page `src_uri` is written: under `assets/vault/`, which
    notes never take (`tasks/index.md` -> `assets/vault/listings/tasks.html`)."""
    name = url_of_src_uri(src_uri).rstrip("/") or "home"
    return f"{LISTINGS_DIR}{name}.html"


@dataclass
class Split:
    page: str  # the listing page's Markdown, with the first part of the listing
    whole: str  # the whole listing's HTML, for the separate file


# A tag of the generators' markup: attribute values are escaped, so none holds a `>`.
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>")


def _cut(body: str, shown: int) -> tuple[int, list[str]] | None:
    """Where to cut: after the first row (a `<tr>` of a `<tbody>`, an `<li>` of a list) that ends
    `shown` characters or more into `body`, and the elements open there. Reads no further (the rest of
    a 4 MB listing is never scanned)."""
    stack: list[str] = []
    for m in _TAG.finditer(body):
        closing, tag = m.group(1), m.group(2).lower()
        if not closing:
            if tag not in _VOID and not m.group(0).endswith("/>"):
                stack.append(tag)
            continue
        if tag not in stack:
            continue  # a stray end tag: the browser ignores it too
        while stack.pop() != tag:
            pass
        if (
            m.end() >= shown
            and stack
            and ((tag == "tr" and stack[-1] == "tbody") or (tag == "li" and stack[-1] in ("ul", "ol")))
        ):
            return m.end(), stack
    return None


def _rows_after(body: str, cut: int) -> int:
    """The rows left out: the generators write `<tr>` and `<li>` with no nested lists in a row."""
    return sum(body.count(start, cut) for start in ("<tr>", "<tr ", "<li>", "<li "))


def split_listing(
    src_uri: str, markdown: str, split_over: int = SPLIT_OVER, shown: int = SHOWN
) -> Split | None:
    """The generated page `src_uri`'s Markdown (front matter, an `<h1>` line, then one block of HTML)
    with its listing in part, or None when it is short enough to show whole (or not of that shape)."""
    start = 0
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 4)
        if end < 0:
            return None
        start = end + 5
    heading = markdown.find("</h1>\n\n", start)
    if heading >= 0:
        start = heading + len("</h1>\n\n")
    body = markdown[start:]
    if len(body) <= split_over or not body.lstrip().startswith("<") or "\n\n" in body.strip():
        return None
    found = _cut(body, shown)
    if found is None:
        return None
    cut, still_open = found
    more = _rows_after(body, cut)
    if not more:
        return None
    closing = "".join(f"</{tag}>" for tag in reversed(still_open))
    whole_url = relative(whole_listing_uri(src_uri), url_of_src_uri(src_uri))
    first = body[:cut].rstrip("\n")
    page = (
        f'{markdown[:start]}<div class="vault-long" data-vault-whole="{html.escape(whole_url, quote=True)}">'
        f"{first}{closing}</div>\n"
        f'<p class="vault-long__more"><button type="button" class="md-button vault-long__button">'
        f"Show all ({more} more)</button></p>\n"
    )
    return Split(page, body)
