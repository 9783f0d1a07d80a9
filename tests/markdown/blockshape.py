"""The block structure of rendered HTML, compared the way `../shared/tools/mdfidelity.py` compares a page
with cmark-gfm's rendering: lists (kind, depth, item count, an ordered list's start), tables (rows, columns), code
blocks, quotes (callouts count as quotes), rules and headings, in document order. Paragraphs are left
out: whether a list item's text is wrapped in `<p>` (tight or loose) is styling, not structure.
"""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

BLOCKS = ("table", "pre", "blockquote", "hr", "h1", "h2", "h3", "h4", "h5", "h6")


def signature(html: str) -> list[tuple]:
    soup = BeautifulSoup(html, "html.parser")
    for el in soup.select("div.admonition, details"):
        el.name = "blockquote"
    for el in soup.select("p.admonition-title, summary, a.headerlink, div.footnote"):
        el.decompose()
    out: list[tuple] = []

    def walk(node: Tag, depth: int) -> None:
        for child in node.children:
            if not isinstance(child, Tag):
                continue
            if child.name in ("ul", "ol"):
                items = [c for c in child.children if isinstance(c, Tag) and c.name == "li"]
                start = str(int(child.get("start", "1"))) if child.name == "ol" else None
                out.append((child.name, depth, len(items), start))
                walk(child, depth + 1)
            elif child.name == "table":
                rows = child.find_all("tr")
                out.append(
                    ("table", len(rows), max((len(r.find_all(["td", "th"])) for r in rows), default=0))
                )
                walk(child, depth)
            elif child.name in BLOCKS:
                out.append((child.name,))
                if child.name in ("blockquote", "table"):
                    walk(child, depth)
            else:
                walk(child, depth)

    walk(soup, 0)
    return out
