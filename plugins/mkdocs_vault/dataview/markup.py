"""Text values in query results as Dataview shows them: as Markdown, inline, and safe.

Dataview renders every string of a result (a cell, a list item, a task's text, `renderNullAs`) with
Obsidian's Markdown renderer and unwraps the paragraphs (`ui/markdown.tsx`), so `**bold**`, `==marks==`,
`#tags`, links and images show as such. Here a string with no character Markdown could act on is
escaped as it is (most values: names, statuses, numbers as text); the others go through a small
Python-Markdown of their own (emphasis, highlights, strikethrough, code, tags, links, images), whose
HTML is sanitized with nh3 (Ammonia): raw HTML in a value is kept only as far as it is harmless
formatting, never as script, event handler or `javascript:` link. Wikilinks are taken out first and put
back as the caller's links (they resolve from the query's note, and unpublished targets never show), so
one value's Markdown is rendered and sanitized once per build however many rows and notes repeat it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import nh3
from markdown import Markdown

from ..markdown import inline_gate  # the module: it imports dataview.fields, which may be loading us
from ..markdown.highlight import HighlightExtension
from ..markdown.tags import TagsExtension
from .fields import BracketFieldProcessor, Formats, LineFieldProcessor

# Characters (and the web-link start) without which Markdown leaves text as it is.
_MARKUP = re.compile(r"[*_=~`<>#\\&!\[\]]|::|https?:|mailto:", re.IGNORECASE)
_TOKEN = re.compile("\ue000(\\d+)\ue001")  # private-use marks standing for the caller's links
_PARAGRAPH = re.compile(r"</?p>")
_WEB_LINK = re.compile(r'<a href="(https?:|mailto:)')  # in sanitized HTML: exactly this form

TAGS = {
    "a", "b", "br", "code", "del", "em", "i", "img", "kbd", "li", "mark", "ol", "s", "small", "span",
    "strong", "sub", "sup", "u", "ul",
}
ATTRIBUTES = {
    "a": {"href", "title", "class", "data-vault-url"},
    "img": {"src", "alt", "title", "width", "height"},
    "span": {"class", "data-dv-key", "data-dv-norm-key"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # `data-vault-url` is how a tag link's page-relative href is filled in later (links.fix_links):
    # only the tag pages' own addresses are kept.
    if attribute == "data-vault-url":
        return value if value.startswith("tags/") and ":" not in value and "//" not in value else None
    return value


class MarkdownText:
    """Renders string values; one per build (it keeps each distinct value's HTML)."""

    def __init__(
        self,
        tag_url: Callable[[str], str | None] | None = None,
        deferred: bool = False,
        fields: Formats | None = None,
    ) -> None:
        """`fields`: the date formats and zone inline fields in the text are shown with (as a note
        shows them, `dataview.fields`); None leaves them as written."""
        # The gate: most values hold the marker of one or two of the ~15 inline patterns (a task's
        # `[owner:: [[…]]]`), and trying every pattern on every text node was most of a value's cost.
        extensions: list[Any] = [HighlightExtension(), "pymdownx.tilde", "sane_lists", inline_gate.GateExtension()]
        if tag_url is not None:
            extensions.append(TagsExtension(tag_url=tag_url, deferred=deferred))
        else:
            extensions.append(TagsExtension())
        self.md = Markdown(extensions=extensions, extension_configs={"pymdownx.tilde": {"subscript": False}})
        if fields is not None:  # Dataview's reading view shows fields in a result's Markdown too
            self.md.inlinePatterns.register(BracketFieldProcessor(self.md, fields), "vault-dataview-field", 179)
            self.md.inlinePatterns.register(LineFieldProcessor(self.md, fields), "vault-dataview-line-field", 178)
        self._html: dict[str, str] = {}
        # One sanitizer for every value: `nh3.clean` builds its rules anew on each call (3x the cost).
        self._cleaner = nh3.Cleaner(
            tags=TAGS,
            attributes=ATTRIBUTES,
            attribute_filter=_attribute_filter,
            url_schemes=URL_SCHEMES,
            link_rel=None,
        )

    def needs_markdown(self, text: str) -> bool:
        return _MARKUP.search(text) is not None

    def render(self, text: str, links: list[str]) -> str:
        """HTML for `text`, in which `\\ue000N\\ue001` stands for `links[N]` (HTML the caller made)."""
        html = self._html.get(text)
        if html is None:
            converted = self.md.reset().convert(text)
            html = self._cleaner.clean(_PARAGRAPH.sub("", converted).strip())
            # Links to other sites as Obsidian marks them (and without a way back to this page).
            html = _WEB_LINK.sub(r'<a class="external-link" rel="noopener" href="\1', html)
            self._html[text] = html
        if not links:
            return html
        return _TOKEN.sub(lambda m: links[int(m.group(1))] if int(m.group(1)) < len(links) else "", html)
