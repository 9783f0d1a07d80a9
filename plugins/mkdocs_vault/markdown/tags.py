"""Inline `#tags` and `#nested/tags` as links to their tag pages.

Obsidian's rules: a tag starts with `#` at the start of a line or after whitespace (or an opening
bracket), runs over letters, digits, `_`, `-` and `/`, and must hold at least one character that is
not a digit (`#123` is not a tag). So `#heading` written as a heading (`# Heading`), URL fragments
(`page.html#part`, preceded by a non-space), HTML entities (`&#123;`) and colours inside words are
not tags. Code spans are protected by running after backticks; inside links and wikilinks a tag is
left alone (`ANCESTOR_EXCLUDES`).

The link target comes from `tag_url(tag)` (tag without `#`, e.g. `"project/alpha"`), a callable the
plugin supplies; when it returns None or is not set, the tag renders as a non-link `<span>`. With
`deferred=True` the URL is taken as site-relative (`"tags/project/"`) and emitted as
`data-vault-url`, which `links.extension.fix_links` turns into a page-relative `href` once the page's
own URL is known (until then `href=""`, which MkDocs' link checker skips).

Obsidian also needs `#tag` at the start of a line to stay a tag: Python-Markdown would make it an
`<h1>` (its ATX headings need no space after the hashes). The extension replaces the heading block
processor with one that requires the space, as CommonMark and Obsidian do.

Priority 55: after emphasis (60), so a tag inside `**bold #tag**` is still found in the emphasis
element's text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from typing import Any

from markdown import Extension, Markdown
from markdown.blockprocessors import HashHeaderProcessor
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

__all__ = ["TAG_RE", "TagsExtension", "makeExtension"]

_ALNUM = re.compile(r"[^\W_]")
TAG_RE = r"(?<![^\s(\[{,;])#([\w/-]*[^\W\d][\w/-]*|[\w/-]*[_/-][\w/-]*)"


class TagInlineProcessor(InlineProcessor):
    ANCESTOR_EXCLUDES = ("a", "vault-link", "code")

    def __init__(
        self, pattern: str, md: Markdown, tag_url: Callable[[str], str | None] | None, deferred: bool = False
    ) -> None:
        super().__init__(pattern, md)
        self.tag_url = tag_url
        self.deferred = deferred

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element | None, int | None, int | None]:
        tag = m.group(1).rstrip("/")
        # At least one letter or digit, and not only digits (`#123`, `#-`, `#2025/10` are not tags).
        if not _ALNUM.search(tag) or tag.replace("/", "").isdigit():
            return None, None, None
        url = self.tag_url(tag) if self.tag_url else None
        if url is None:
            el = etree.Element("span", {"class": "vault-tag"})
        elif self.deferred:
            el = etree.Element("a", {"class": "md-tag vault-tag", "href": "", "data-vault-url": url})
        else:
            el = etree.Element("a", {"class": "md-tag vault-tag", "href": url})
        el.text = AtomicString("#" + tag)
        return el, m.start(0), m.start(0) + 1 + len(tag)


class SpacedHashHeaderProcessor(HashHeaderProcessor):
    """ATX headings that need whitespace (or nothing) after the hashes: `#tag` stays a paragraph."""

    RE = re.compile(r"(?:^|\n)(?P<level>#{1,6})(?P<header>(?:[ \t](?:\\.|[^\\])*?)?)#*(?:\n|$)")


class TagsExtension(Extension):
    def __init__(self, **kwargs: Any) -> None:
        # A callable as default: Extension.setConfig keeps non-bool, non-None defaults as given.
        self.config = {
            "tag_url": [_no_url, "Callable: tag (without '#') -> URL or None"],
            "deferred": [False, "tag_url gives site-relative URLs, made page-relative by fix_links"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        tag_url = self.getConfig("tag_url")
        md.inlinePatterns.register(
            TagInlineProcessor(
                TAG_RE, md, tag_url if callable(tag_url) else None, self.getConfig("deferred")
            ),
            "vault-tags",
            55,
        )
        md.parser.blockprocessors.register(SpacedHashHeaderProcessor(md.parser), "hashheader", 70)


def _no_url(tag: str) -> str | None:
    return None


def makeExtension(**kwargs: Any) -> TagsExtension:
    return TagsExtension(**kwargs)
