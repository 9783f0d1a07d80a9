"""`==highlighted text==` -> `<mark>highlighted text</mark>`, as Obsidian renders it.

The text may hold other inline Markdown (`==**bold** mark==`). The opening `==` must be followed and
the closing one preceded by a non-space character, so `a == b == c` in prose stays text. Priority 65:
after code spans, escapes, links and raw HTML, before emphasis (60), so emphasis inside still works.
`pymdownx.mark` covers most of this, but its smart mode and nesting rules differ from Obsidian's
(Obsidian highlights inside words, `a==b==c`); one pattern of our own states the rule exactly.
"""

from __future__ import annotations

from typing import Any

from markdown import Extension, Markdown
from markdown.inlinepatterns import SimpleTagInlineProcessor

__all__ = ["HighlightExtension", "makeExtension"]

HIGHLIGHT_RE = r"(==)(?=[^\s=])(.+?)(?<=[^\s=])=="


class HighlightExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.inlinePatterns.register(SimpleTagInlineProcessor(HIGHLIGHT_RE, "mark"), "vault-highlight", 65)


def makeExtension(**kwargs: Any) -> HighlightExtension:
    return HighlightExtension(**kwargs)
