"""Render every page of a build with one Markdown converter instead of one per page.

MkDocs' `Page.render` builds a new `markdown.Markdown` for every page, which constructs and registers
every extension again: at 10,000 notes that set-up alone cost more than all our query time. The
Python-Markdown way to convert many documents is one instance with `reset()` between them, which
is what embeds already do (`links.extension.LinkContext.render_embed`). `VaultPage.render` does the
same for pages (`adopt`, as each page is about to render), with MkDocs' own four per-page processors
(raw-HTML anchors, heading anchors, relative links, the title) registered once and pointed at each
page in turn.

Those processors are MkDocs internals (pinned by `mkdocs>=1.6,<1.7`); if they are not there, or
`VAULT_NO_SHARED` is set, pages render the standard way.
"""

from __future__ import annotations

import logging
import os
import xml.etree.ElementTree as etree
from collections.abc import Callable
from typing import TYPE_CHECKING

import markdown
import markdown.util
import pyarrow
from markdown.extensions.toc import TocTreeprocessor
from mkdocs.structure import pages as mkdocs_pages
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

log = logging.getLogger("mkdocs.structure.pages")  # MkDocs' own logger: its level decides anchors

_INTERNALS = (
    "_RawHTMLPreprocessor",
    "_ExtractAnchorsTreeprocessor",
    "_RelativePathTreeprocessor",
    "_ExtractTitleTreeprocessor",
)
# VAULT_NO_SHARED=1 renders the MkDocs way (a test compares the two builds byte for byte).
AVAILABLE = not os.environ.get("VAULT_NO_SHARED") and all(hasattr(mkdocs_pages, n) for n in _INTERNALS)


class SharedMarkdown:
    """One `Markdown` with the site's extensions and MkDocs' per-page processors, for one build."""

    def __init__(self, config: MkDocsConfig) -> None:
        self.md = markdown.Markdown(
            extensions=config.markdown_extensions, extension_configs=config.mdx_configs or {}
        )
        self.raw_html = mkdocs_pages._RawHTMLPreprocessor()
        self.raw_html._register(self.md)
        self.anchors = mkdocs_pages._ExtractAnchorsTreeprocessor(None, None, config)  # type: ignore[arg-type]
        self.anchors._register(self.md)
        self.relative = mkdocs_pages._RelativePathTreeprocessor(None, None, config)  # type: ignore[arg-type]
        self.relative._register(self.md)
        self.title = mkdocs_pages._ExtractTitleTreeprocessor()
        self.title._register(self.md)
        md = self.md
        toc = md.treeprocessors["toc"] if "toc" in md.treeprocessors else None  # noqa: SIM401 (a Registry has no get)
        if type(toc) is TocTreeprocessor:
            toc.__class__ = TocForTokens
        self.toc: TocForTokens | None = toc if isinstance(toc, TocForTokens) else None
        for registry in (md.preprocessors, md.parser.blockprocessors, md.treeprocessors, md.inlinePatterns, md.postprocessors):
            if type(registry) is markdown.util.Registry:
                registry.__class__ = KeptOrder

    def render(self, page: Page, files: Files) -> None:
        """What `Page.render` does, on the shared converter."""
        if page.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        md = self.md.reset()
        self.raw_html.present_anchor_ids = set()
        self.anchors.present_anchor_ids = set()
        self.relative.file, self.relative.files = page.file, files
        self.relative.links_to_anchors = {}
        self.title.title = None
        if self.toc is not None:
            self.toc.marker_in_source = bool(self.toc.marker) and self.toc.marker in page.markdown
        page.content = md.convert(page.markdown)
        page.toc = get_toc(getattr(md, "toc_tokens", []))
        page._title_from_render = self.title.title
        page.present_anchor_ids = self.anchors.present_anchor_ids | self.raw_html.present_anchor_ids
        if log.getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = self.relative.links_to_anchors


class KeptOrder(markdown.util.Registry):
    """A Python-Markdown `Registry` that keeps its items in order from one change to the next.

    Iterating a `Registry` makes a new list of its items each time, and the block parser iterates its
    processors once per block: at 10,000 notes half a million lists of some twenty items (about 0.5 s).
    The shared converter's registries keep the list while nothing is registered or deregistered."""

    _order: tuple | None = None

    def __iter__(self):  # type: ignore[override]
        order = self._order
        if order is None:
            self._sort()
            order = self._order = tuple(self._data[name] for name, _priority in self._priority)
        return iter(order)

    def register(self, item, name: str, priority: float) -> None:  # type: ignore[override]
        self._order = None
        super().register(item, name, priority)

    def deregister(self, name: str, strict: bool = True) -> None:
        self._order = None
        super().deregister(name, strict)


class TocForTokens(TocTreeprocessor):
    """The shared converter's `toc` tree processor, doing for a page without the `[TOC]` marker only what
    MkDocs reads of it: the headings' ids and `toc_tokens`. Python-Markdown also writes the table of
    contents as HTML (`md.toc`: a tree of links, serialized and post-processed), and walks every element
    of the page looking for the marker's paragraph to put it there: about a second of a 10,000-note
    build, for HTML that MkDocs never reads (it reads `toc_tokens`). The marker's paragraph holds the
    marker as written, so a page whose Markdown lacks it has none; such a page's `md.toc` is an empty
    `<div>`."""

    marker_in_source = True  # (set by `SharedMarkdown.render` for each page)

    def build_toc_div(self, toc_list: list) -> etree.Element:
        return super().build_toc_div(toc_list) if self.marker_in_source else etree.Element("div")

    def replace_marker(self, root: etree.Element, elem: etree.Element) -> None:
        if self.marker_in_source:
            super().replace_marker(root, elem)


class _Utf8Kept:
    """An attribute holding a string that is kept as UTF-8 while it holds characters beyond Latin-1.

    MkDocs keeps every page's source and HTML from the first page rendered until the last is written.
    CPython stores a string holding one character beyond U+FFFF (a task's 📅) at 4 bytes a character:
    at 10,000 notes the HTML of the pages with task results took twice its UTF-8 size, about 150 MB.
    Reading the attribute gives the same string back (decoded at each read, a few per page)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_kept_" + name

    def __get__(self, page: object, owner: type | None = None) -> str | None:
        if page is None:
            return self  # type: ignore[return-value]
        value = page.__dict__.get(self.slot)
        if isinstance(value, bytes):
            return value.decode("utf-8", "surrogatepass")
        if isinstance(value, Packed):
            return value.text()
        return value() if isinstance(value, Remade) else value

    def __set__(self, page: object, value: str | None) -> None:
        if isinstance(value, str) and not value.isascii():
            page.__dict__[self.slot] = value.encode("utf-8", "surrogatepass")
            return
        page.__dict__[self.slot] = value


class Remade:
    """A `_Utf8Kept` attribute's value made again from its source when read, rather than kept."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], str]) -> None:
        self.make = make

    def __call__(self) -> str:
        return self.make()


class Packed:
    """A page's HTML held LZ4-compressed (`pack`) while nothing reads it. MkDocs keeps every page's HTML
    from its rendering to the end of the build, and it was the largest thing the rendering phase added
    (about 7 KB a page: 375 MB at 50,000 notes, a third of that packed). LZ4 packs and unpacks at more
    than a gigabyte a second, on one core of the benchmark machine: a few tenths of a second at 10,000
    notes, against the decoding of that UTF-8 that every read did already."""

    __slots__ = ("ascii", "data", "size")

    def __init__(self, text: str | bytes) -> None:
        self.ascii = isinstance(text, str)  # (a `_Utf8Kept` keeps any other text as UTF-8 bytes)
        raw = text.encode("ascii") if isinstance(text, str) else text
        self.size = len(raw)
        self.data = _LZ4.compress(raw, asbytes=True)

    def text(self) -> str:
        global _unpacked
        if _unpacked[0] is self:
            return _unpacked[1]
        raw = _LZ4.decompress(self.data, decompressed_size=self.size, asbytes=True)
        text = raw.decode("ascii") if self.ascii else raw.decode("utf-8", "surrogatepass")
        _unpacked = (self, text)  # the template reads `page.content` twice in a row
        return text


_LZ4 = pyarrow.Codec("lz4")
_unpacked: tuple[Packed | None, str] = (None, "")
PACK_MIN = 2048  # bytes: a smaller page's HTML is kept as it is


def pack(page: Page, text: str | None = None) -> None:
    """Hold `page`'s HTML compressed until it is read again (`Packed`). Reading `page.content` gives the
    same text; setting it stores the new text as usual. A page that is not a `VaultPage` is left alone.
    `text`: the page's HTML as a string, when the caller has it and it is about to be read (it is then
    kept until another page's is read or packed)."""
    if not isinstance(page, VaultPage):
        return
    global _unpacked
    kept = page.__dict__.get("_kept_content")
    if isinstance(kept, Packed) or kept is None or len(kept) < PACK_MIN:
        return
    if isinstance(kept, str) and not kept.isascii():
        return  # (not set through the descriptor: left as it is)
    packed = Packed(kept)
    page.__dict__["_kept_content"] = packed
    _unpacked = (packed, text) if text is not None else (None, "")


def has_content(page: Page) -> bool:
    """`page.content is not None`, without unpacking or decoding the HTML to find out."""
    if isinstance(page, VaultPage):
        return page.__dict__.get("_kept_content") is not None
    return page.content is not None


def remake_markdown(page: Page, make: Callable[[], str]) -> bool:
    """Let a rendered page's Markdown be made again by `make` when read, instead of kept, where `make`
    gives the same text. MkDocs keeps every page's Markdown to the end of the build though nothing reads
    it once the page is rendered (MkDocs' `Page.title` only asks whether there is any): a note's source
    is its body, which the vault holds anyway (at 10,000 notes about 9 MB of UTF-8). True when done."""
    if not isinstance(page, VaultPage):
        return False
    kept = page.__dict__.get("_kept_markdown")
    if kept is None or isinstance(kept, Remade):
        return False
    made = make()
    if made != (kept.decode("utf-8", "surrogatepass") if isinstance(kept, bytes) else kept):
        return False  # another plugin changed it: keep it as it is
    page.__dict__["_kept_markdown"] = Remade(make)
    return True


class VaultPage(Page):
    """A page rendered by its build's `SharedMarkdown` (given to it by `adopt`)."""

    renderer: SharedMarkdown | None = None
    markdown = _Utf8Kept()  # type: ignore[assignment]
    content = _Utf8Kept()  # type: ignore[assignment]

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.renderer is None:
            super().render(config, files)
        else:
            self.renderer.render(self, files)


def shared_markdown(config: MkDocsConfig) -> SharedMarkdown | None:
    """A build's shared converter, or None where pages must render the standard way."""
    return SharedMarkdown(config) if AVAILABLE else None


def adopt(page: Page, shared: SharedMarkdown | None) -> None:
    """Make a page about to render go through the build's shared converter (it becomes a `VaultPage`,
    which only changes `render`). Only the pages that render: under `mkdocs serve --dirty` a few of
    10,000."""
    if shared is None:
        return
    if type(page) is Page:
        # Set before `page.__class__` changes and read after, so through the descriptors: moved.
        kept = {name: page.__dict__.pop(name, None) for name in ("markdown", "content")}
        page.__class__ = VaultPage
        for name, value in kept.items():
            setattr(page, name, value)
    if isinstance(page, VaultPage):
        page.renderer = shared
