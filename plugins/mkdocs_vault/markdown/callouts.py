"""Obsidian callouts (`> [!type]± Title`) rendered as Material admonitions.

A callout is a blockquote whose first line is `[!type]`, optionally followed by `+` (foldable, open)
or `-` (foldable, closed) and a title. Non-foldable callouts become
`<div class="admonition TYPE"><p class="admonition-title">Title</p>...</div>` (what Python-Markdown's
`admonition` emits); foldable ones become `<details class="TYPE" [open]><summary>Title</summary>...`
(what `pymdownx.details` emits), so Material styles both without extra CSS. Every built-in Obsidian
type and alias maps to the Material admonition class of the same meaning; the type as written is kept
in `data-callout` for themes that want finer styling. Unknown types render as `note`, titled with the
type, as Obsidian does.

A tree processor rather than a block processor: blockquotes (nested ones too) are already parsed,
so we only re-shape them; it runs before the inline pass (priority 26, just before the task list
processor at 25, which must see the list items a callout body re-parse creates) so the title and body still get
inline Markdown. The body after the first line is re-parsed as blocks, because Obsidian allows a list
or table to follow the callout line directly.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Extension, Markdown
from markdown.blockprocessors import BlockQuoteProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

__all__ = ["CALLOUT_TYPES", "CalloutExtension", "makeExtension"]

#: Obsidian callout type or alias -> Material admonition class.
CALLOUT_TYPES: dict[str, str] = {
    "note": "note",
    "abstract": "abstract",
    "summary": "abstract",
    "tldr": "abstract",
    "info": "info",
    "todo": "info",
    "tip": "tip",
    "hint": "tip",
    "important": "tip",
    "success": "success",
    "check": "success",
    "done": "success",
    "question": "question",
    "help": "question",
    "faq": "question",
    "warning": "warning",
    "caution": "warning",
    "attention": "warning",
    "failure": "failure",
    "fail": "failure",
    "missing": "failure",
    "danger": "danger",
    "error": "danger",
    "bug": "bug",
    "example": "example",
    "quote": "quote",
    "cite": "quote",
}

CALLOUT_RE = re.compile(r"^[ \t]*\[!([^\]\s]+)\]([+-]?)[ \t]*(.*)$")


class CalloutTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        # Outer blockquotes first; nested ones are found in the same walk after their parent.
        for el in list(root.iter("blockquote")):
            self._convert(el)

    def _convert(self, quote: etree.Element) -> None:
        if not len(quote) or quote[0].tag != "p" or not quote[0].text:
            return
        first = quote[0]
        head, _, rest = first.text.partition("\n")
        m = CALLOUT_RE.match(head)
        if not m:
            return
        written, fold, title = m.group(1).lower(), m.group(2), m.group(3).strip()
        kind = CALLOUT_TYPES.get(written, "note")
        title = title or written[:1].upper() + written[1:]

        quote.attrib.clear()
        quote.set("data-callout", written)
        if fold:
            quote.tag = "details"
            quote.set("class", kind)
            if fold == "+":
                quote.set("open", "open")
            heading = etree.Element("summary")
        else:
            quote.tag = "div"
            quote.set("class", f"admonition {kind}")
            heading = etree.Element("p", {"class": "admonition-title"})
        heading.text = title
        # Atomic, so no inline pattern reads the newline (nl2br would put a `<br>` under every title).
        heading.tail = AtomicString("\n")

        # What followed the callout line in the first paragraph: re-parse it as blocks.
        index = 0
        quote.remove(first)
        if rest.strip() or len(first):
            holder = etree.Element("div")
            if len(first):
                # Inline children (rare before the inline pass): keep the paragraph as it was.
                first.text = rest
                holder.append(first)
            else:
                self.md.parser.parseChunk(holder, rest)
            for offset, child in enumerate(list(holder)):
                quote.insert(index + offset, child)
        quote.insert(0, heading)


class SeparateBlockQuoteProcessor(BlockQuoteProcessor):
    """A blockquote after a blank line starts a new blockquote.

    Python-Markdown appends it to a blockquote just before it instead, which would fuse two
    callouts written one after the other into one. CommonMark and Obsidian keep them apart.
    """

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        block = blocks[0]
        m = self.RE.search(block)
        last = self.lastChild(parent)
        if m and m.start() == 0 and last is not None and last.tag == "blockquote":
            # Break the adjacency the base class looks for with an empty marker element, removed
            # again right after.
            marker = etree.SubElement(parent, "vault-break")
            super().run(parent, blocks)
            parent.remove(marker)
            return
        super().run(parent, blocks)


class CalloutExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.parser.blockprocessors.register(SeparateBlockQuoteProcessor(md.parser), "quote", 20)
        md.treeprocessors.register(CalloutTreeprocessor(md), "vault-callouts", 26)


def makeExtension(**kwargs: Any) -> CalloutExtension:
    return CalloutExtension(**kwargs)
