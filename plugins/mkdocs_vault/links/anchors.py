"""Heading ids as the built pages carry them, and which heading a link's `#subpath` names.

The site's Markdown uses Python-Markdown's `toc` extension with
`slugify=pymdownx.slugs.slugify(case="lower")`: the heading's rendered text (tags stripped, entities
decoded) is NFC-normalised, lower-cased, stripped of everything but Unicode word characters, `-` and
spaces, and spaces become `-`. Unicode letters are kept (`Café` -> `café`), emoji and punctuation are
dropped (`🚀 Launch, v2!` -> `-launch-v2`), and a repeated id gets `_1`, `_2`, ... (toc's `unique`);
a heading whose slug is empty gets `_1`. We call the very same functions, so the ids here are the
ids in the page by construction, not by imitation.

Two sources of headings feed link anchors:

- `HeadingAnchor` records taken from the rendered page itself (the links extension records them
  after `toc` has run; they are exact, including ids taken by footnotes or block ids);
- `anchors_from_source` for a note whose page was not rendered in this build: the raw heading text
  is reduced to what it renders as (wikilinks to their shown text, Markdown links to their text,
  code and emphasis marks dropped) before slugifying.

Obsidian matches `[[Note#Heading]]` against heading text ignoring case and the punctuation it
cannot put in a link; `find_heading` compares exact text first, then slugs, and
`Heading#Subheading` picks the first matching subheading inside the first matching heading's section.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markdown.extensions.toc import unique
from pymdownx.slugs import slugify as _make_slugify

from mkdocs_vault.links.resolve import parse_wikilink

__all__ = [
    "SLUGIFY",
    "HeadingAnchor",
    "anchors_from_source",
    "fields_shown",
    "find_heading",
    "heading_plain_text",
    "heading_slug",
    "shown_text",
]

#: The slugify callable the site's `toc` extension must be configured with.
SLUGIFY = _make_slugify(case="lower")
SEPARATOR = "-"


@dataclass(frozen=True, slots=True)
class HeadingAnchor:
    """One heading of a built page: its level, its text as shown, and its `id`."""

    level: int
    text: str
    id: str


def heading_slug(text: str) -> str:
    """The slug `toc` gives a heading whose rendered, tag-free text is `text` (before de-duplication)."""
    return SLUGIFY(html.unescape(text), SEPARATOR)


_WIKILINK = re.compile(r"!?\[\[([^\[\]\n]*)\]\]")
_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_HTML_TAG = re.compile(r"<[^>\n]*>")
_BLOCK_ID = re.compile(r"\s+\^[A-Za-z0-9-]+\s*$")
_CLOSING_HASHES = re.compile(r"\s+#+\s*$")
_MARKS = re.compile(r"(\*\*|\*|==|~~|`+|(?:^|(?<=\W))_+|_+(?=\W|$))")
_ESCAPE = re.compile(r"\\([^\w\s])")
# Dataview's inline fields as a page shows them: `(key:: value)` shows its value, `[key:: value]`
# its key and value (`dataview.fields`).
_PAREN_FIELD = re.compile(r"\(([^\[\]()\n]+?)::([^()\n]*)\)")
_BRACKET_FIELD = re.compile(r"\[([^\[\]()\n]+?)::([^\[\]\n]*)\]")


def heading_plain_text(raw: str) -> str:
    """What a heading written as `raw` shows once rendered, as plain text.

    An approximation for headings we did not render ourselves; `[[a|b]]` shows `b`, `[[a#h]]`
    shows `a > h`, `[t](u)` shows `t`, emphasis/highlight/code marks and a trailing `^block-id`
    vanish.
    """

    def wikilink_text(match: re.Match[str]) -> str:
        link = parse_wikilink(match.group(1))
        return shown_text(link.target, link.subpath, link.display)

    text = _BLOCK_ID.sub("", raw)
    text = _CLOSING_HASHES.sub("", text)
    text = _WIKILINK.sub(wikilink_text, text)
    text = fields_shown(text)
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    text = _HTML_TAG.sub("", text)
    # Backslash escapes protect a mark character: keep it, drop the backslash.
    pieces = _ESCAPE.split(text)
    text = "".join(p if i % 2 else _MARKS.sub("", p) for i, p in enumerate(pieces))
    return " ".join(text.split())


def fields_shown(text: str) -> str:
    """`text` with its inline fields as they show: `Trip (kind:: road)` shows `Trip road`."""
    if "::" not in text:
        return text
    text = _PAREN_FIELD.sub(lambda m: m.group(2).strip(), text)
    return _BRACKET_FIELD.sub(lambda m: f"{m.group(1).strip()}: {m.group(2).strip()}", text)


def shown_text(target: str, subpath: str | None, display: str | None) -> str:
    """The words a wikilink shows, as Obsidian shows them.

    The alias when given; else the target without `.md`, and for a heading link
    `Note > Heading > Sub` (a same-page link shows just the heading path).
    """
    if display:
        return display
    name = target[:-3] if target.lower().endswith(".md") else target
    if subpath:
        parts = [p for p in subpath.split("#") if p]
        return " > ".join(([name] if name else []) + parts)
    return name


def anchors_from_source(
    headings: Iterable[tuple[int, str]], taken: Iterable[str] = ()
) -> list[HeadingAnchor]:
    """Heading anchors for `(level, raw text)` pairs in page order, de-duplicated as `toc` does."""
    used = set(taken)
    counters: dict[str, int] = {}
    out = []
    for level, raw in headings:
        text = heading_plain_text(raw)
        out.append(HeadingAnchor(level, text, unique(heading_slug(text), used, counters)))
    return out


def _same_text(a: str, b: str) -> bool:
    return _fold(a) == _fold(b)


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def find_heading(anchors: Sequence[HeadingAnchor], subpath: str) -> HeadingAnchor | None:
    """The heading `subpath` ("Heading" or "Heading#Sub#Deeper") names in a page, or None.

    Each step searches the section opened by the previous match (the headings after it, up to the
    next heading of the same or a higher level). Within a step an exact text match (ignoring case
    and runs of spaces) wins over a slug match, and the first such heading wins, as in Obsidian.
    A final step that equals an existing id (a hand-written `#some-id`) is accepted too.
    """
    parts = [p.strip() for p in subpath.split("#") if p.strip()]
    if not parts:
        return None
    start, end = 0, len(anchors)
    found: HeadingAnchor | None = None
    for part in parts:
        index = _find_in(anchors, start, end, part)
        if index is None:
            return None
        found = anchors[index]
        start = index + 1
        end = next((j for j in range(start, end) if anchors[j].level <= found.level), end)
    return found


def _find_in(anchors: Sequence[HeadingAnchor], start: int, end: int, part: str) -> int | None:
    found = _find_text(anchors, start, end, part)
    if found is None and "::" in part:
        # A link names a heading by its text as written; a heading holding an inline field shows
        # (and is slugged from) the field as rendered: `#Trip (kind:: road)` is the heading `trip-road`.
        shown = " ".join(fields_shown(part).split())
        if shown != part:
            found = _find_text(anchors, start, end, shown)
    return found


def _find_text(anchors: Sequence[HeadingAnchor], start: int, end: int, part: str) -> int | None:
    window = range(start, end)
    for i in window:
        if _same_text(anchors[i].text, part):
            return i
    slug = heading_slug(part)
    if slug:
        for i in window:
            if heading_slug(anchors[i].text) == slug:
                return i
    for i in window:
        if anchors[i].id == part:
            return i
    return None
