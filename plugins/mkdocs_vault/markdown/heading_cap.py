"""Render at most `MAX_HEADINGS` headings of a note as headings; the rest become paragraphs.

MkDocs' search plugin finds each heading's entry in the table of contents by walking it from its top,
so a page's time grows with the square of its headings (see `vault.nesting.MAX_HEADINGS`). Past the
cap a heading keeps its text, in bold, as a paragraph (no id, no table-of-contents entry), and a notice
at the end of the note says so; the vault scanner reports the note and the line where the cap is
reached (`vault.loader`).

A treeprocessor at priority 6: after the inline patterns (20), before `toc` (5) gives headings their
ids and builds the table of contents, so both see only the headings that stay.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import Any

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from mkdocs_vault.vault.nesting import MAX_HEADINGS

__all__ = ["HeadingCapExtension", "makeExtension"]

_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
NOTICE = f"This note has more than {MAX_HEADINGS:,} headings: the ones after that are shown as bold text."


class HeadingCapTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        count = 0
        for element in root.iter():
            if element.tag in _HEADINGS:
                count += 1
                if count > MAX_HEADINGS:
                    _to_paragraph(element)
        if count > MAX_HEADINGS:
            notice = etree.SubElement(root, "p", {"class": "vault-notice"})
            etree.SubElement(notice, "em").text = NOTICE


def _to_paragraph(element: etree.Element) -> None:
    """`<h2>text</h2>` -> `<p><strong>text</strong></p>`, its content kept as it is."""
    strong = etree.Element("strong")
    strong.text, element.text = element.text, None
    strong.extend(list(element))
    for child in list(element):
        element.remove(child)
    element.append(strong)
    element.tag = "p"
    element.attrib.pop("id", None)


class HeadingCapExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(HeadingCapTreeprocessor(md), "vault-heading-cap", 6)


def makeExtension(**kwargs: Any) -> HeadingCapExtension:
    return HeadingCapExtension(**kwargs)
