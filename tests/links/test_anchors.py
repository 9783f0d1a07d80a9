"""Heading anchors equal the ids `toc` with pymdownx slugs gives, and subpaths find the right heading."""

from __future__ import annotations

import re

import markdown
import pytest
from mkdocs_vault.links.anchors import (
    SLUGIFY,
    HeadingAnchor,
    anchors_from_source,
    find_heading,
    heading_plain_text,
    heading_slug,
    shown_text,
)

HEADINGS = [
    (1, "Title"),
    (2, "Heading"),
    (2, "Heading"),
    (3, "Heading"),
    (2, "🚀 Launch, v2!"),
    (2, "Café & Crème (draft)"),
    (2, "🚀"),
    (2, "✅"),
    (2, "Use `code` and **bold** here"),
    (2, "Q&A: what's next?"),
    (3, "C'est l'été"),
    (2, "2025-10-06 - Kickoff, pricing & scope"),
    (2, "snake_case_name and _italic_"),
    (2, "==Marked== and ~~gone~~"),
    (2, "Numbers 1.2.3 / slashes"),
    (2, "Ünïcödé NFC"),
    (2, "heading_1"),
    (2, "Ends with hashes ##"),
    (2, "Link to [other](Other.md) inside"),
]


def toc_ids(source: str) -> list[tuple[int, str, str]]:
    md = markdown.Markdown(
        extensions=["toc", "pymdownx.mark", "pymdownx.tilde"], extension_configs={"toc": {"slugify": SLUGIFY}}
    )
    out = md.convert(source)
    return [
        (int(m.group(1)), m.group(2), m.group(3))
        for m in re.finditer(r'<h(\d) id="([^"]*)">(.*?)</h\d>', out)
    ]


def test_ids_match_toc_exactly() -> None:
    source = "\n\n".join("#" * level + " " + text for level, text in HEADINGS)
    expected = [(level, ident) for level, ident, _ in toc_ids(source)]
    got = [(a.level, a.id) for a in anchors_from_source(HEADINGS)]
    assert got == expected


def test_known_ids() -> None:
    ids = [a.id for a in anchors_from_source(HEADINGS)]
    assert ids[:4] == ["title", "heading", "heading_1", "heading_2"]
    assert "-launch-v2" in ids
    assert "café--crème-draft" in ids
    assert ids[6:8] == ["_1", "_2"]  # emoji-only headings have an empty slug
    assert "cest-lété" in ids
    assert "2025-10-06---kickoff-pricing--scope" in ids
    # a literal heading "heading_1" collides with the de-duplicated id of the second "Heading"
    assert ids.count("heading_1") == 1


def test_nfd_heading_slugs_to_nfc() -> None:
    import unicodedata

    assert heading_slug(unicodedata.normalize("NFD", "Été")) == "été"


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("Meeting with [[Ada Quill|Ada]]", "Meeting with Ada"),
        ("See [[Budget#Q3]]", "See Budget > Q3"),
        ("A paragraph heading ^blk-1", "A paragraph heading"),
        ("Use `x` **now**", "Use x now"),
        ("Trailing ###", "Trailing"),
        (r"Escaped \*star\*", "Escaped *star*"),
        ("<span>html</span> text", "html text"),
        ("Trip (kind:: road)", "Trip road"),  # an inline field shows as Dataview renders it
        ("Visit [place:: Oslo] now", "Visit place: Oslo now"),
        ("Owner (who:: [[Ada Quill|Ada]])", "Owner Ada"),
    ],
)
def test_heading_plain_text(raw: str, plain: str) -> None:
    assert heading_plain_text(raw) == plain


PAGE = [
    HeadingAnchor(1, "Title", "title"),
    HeadingAnchor(2, "Heading", "heading"),
    HeadingAnchor(3, "Subheading", "subheading"),
    HeadingAnchor(2, "Heading", "heading_1"),
    HeadingAnchor(3, "Subheading", "subheading_1"),
    HeadingAnchor(3, "Other", "other"),
    HeadingAnchor(2, "Q&A: what's next?", "qa-whats-next"),
    HeadingAnchor(2, "Second", "second"),
    HeadingAnchor(3, "Deep", "deep"),
    HeadingAnchor(4, "Deeper", "deeper"),
    HeadingAnchor(2, "Trip road", "trip-road"),  # written `## Trip (kind:: road)`
]


@pytest.mark.parametrize(
    ("subpath", "expected"),
    [
        ("Heading", "heading"),
        ("heading", "heading"),
        ("HEADING", "heading"),
        ("Heading#Subheading", "subheading"),
        ("Subheading", "subheading"),
        ("Heading#Other", None),  # the first "Heading" section has no "Other"
        ("Title#Other", "other"),  # nested anywhere inside the title's section
        ("Q&A: what's next?", "qa-whats-next"),
        ("QA whats next", "qa-whats-next"),  # punctuation Obsidian drops from links
        ("qa-whats-next", "qa-whats-next"),
        ("Second#Deep#Deeper", "deeper"),
        ("Second#Deeper", "deeper"),
        ("Deep#Second", None),
        ("heading_1", "heading_1"),
        ("Missing", None),
        ("Trip (kind:: road)", "trip-road"),  # a link names the heading as written
        ("trip (KIND:: road)", "trip-road"),
        ("Trip (kind:: rail)", None),
        ("", None),
        ("#", None),
    ],
)
def test_find_heading(subpath: str, expected: str | None) -> None:
    found = find_heading(PAGE, subpath)
    assert (found.id if found else None) == expected


@pytest.mark.parametrize(
    ("target", "subpath", "display", "shown"),
    [
        ("Note", None, None, "Note"),
        ("Note.md", None, None, "Note"),
        ("folder/Note.md", None, None, "folder/Note"),
        ("Note", "Heading", None, "Note > Heading"),
        ("Note", "Heading#Sub", None, "Note > Heading > Sub"),
        ("", "Heading", None, "Heading"),
        ("Note", "^blk", None, "Note > ^blk"),
        ("Note", "Heading", "alias", "alias"),
        ("report.pdf", None, None, "report.pdf"),
    ],
)
def test_shown_text(target: str, subpath: str | None, display: str | None, shown: str) -> None:
    assert shown_text(target, subpath, display) == shown
