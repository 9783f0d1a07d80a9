"""Tag pages: one page per tag (frontmatter tags and inline `#tags` alike), nested tags as a tree.

A note tagged `#client/quarry-lane` is listed on `#client/quarry-lane` and on `#client`, as Obsidian's
tag search finds it under both. Tags compare case-insensitively: `#Idea` and `#idea` share a page,
titled with the spelling that sorts first.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable
from dataclasses import dataclass, field

from .addresses import TAGS_URL, relative, src_uri_of, tag_segments, tag_url
from .data import NoteRow, RowCache, SiteData
from .listing import listing_page, safe_title


@dataclass
class TagNode:
    key: tuple[str, ...]  # slug segments
    # Spellings as written, without '#', each with how many of the notes' tags spell it so (a serve
    # rebuild takes a note's tags away one by one: `TagTree`).
    names: dict[str, int] = field(default_factory=dict)
    direct: set[str] = field(default_factory=set)  # notes carrying exactly this tag
    notes: set[str] = field(default_factory=set)  # notes carrying it or a tag below it
    children: dict[str, TagNode] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return min(self.names) if self.names else "/".join(self.key)

    @property
    def url(self) -> str:
        return TAGS_URL + "".join(f"{s}/" for s in self.key)


class TagTree:
    """Every published note's explicit tags and their parents, as a tree under `root` (no tag). A serve
    rebuild updates it for the notes whose tags changed (`update`) rather than making it again from
    every note's tags (30 ms at 10,000 notes)."""

    def __init__(self, data: SiteData) -> None:
        self.root = TagNode(())
        self._tags: dict[str, tuple[str, ...]] = {}  # note path -> the tags it is in the tree with
        for row in data.notes.values():
            self._add(row.path, row.tags)

    def update(self, data: SiteData, paths: Iterable[str]) -> None:
        """Make the tree `data`'s, when only the notes of `paths` (read again, or gone) can differ from
        those it was made for."""
        for path in paths:
            row = data.notes.get(path)
            tags = row.tags if row is not None else ()
            if self._tags.get(path, ()) != tags:
                self._remove(path)
                self._add(path, tags)

    def _add(self, path: str, tags: tuple[str, ...]) -> None:
        for tag in tags:
            steps = _tag_steps(tag)
            if not steps:
                continue
            node = self.root
            for segment, name in steps:
                child = node.children.get(segment)
                if child is None:
                    child = node.children[segment] = TagNode(node.key + (segment,))
                node = child
                node.names[name] = node.names.get(name, 0) + 1
                node.notes.add(path)
            node.direct.add(path)
        if tags:
            self._tags[path] = tags

    def _remove(self, path: str) -> None:
        """Take the note out of every tag it was in; a tag no note is left in goes, with those below it."""
        tags = self._tags.pop(path, ())
        for tag in tags:
            node = self.root
            for segment, name in _tag_steps(tag):
                node = node.children[segment]
                left = node.names[name] - 1
                if left:
                    node.names[name] = left
                else:
                    del node.names[name]
                node.notes.discard(path)
                node.direct.discard(path)
        for tag in tags:
            node = self.root
            for segment, _name in _tag_steps(tag):
                child = node.children.get(segment)
                if child is None:
                    break  # gone already, by another of its tags
                if not child.notes:
                    del node.children[segment]
                    break
                node = child


def tag_tree(data: SiteData) -> TagNode:
    """The root (no tag) of every published note's explicit tags and their parents."""
    return TagTree(data).root


@functools.lru_cache(maxsize=16384)  # a vault has a few hundred tags, on thousands of notes
def _tag_steps(tag: str) -> tuple[tuple[str, str], ...]:
    """(slug segment, the tag as written down to that segment) for each level of `tag`."""
    written = tag.lstrip("#").split("/")
    return tuple((segment, "/".join(written[: depth + 1])) for depth, segment in enumerate(tag_segments(tag)))


def _walk(node: TagNode) -> list[TagNode]:
    out, stack = [], [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(current.children[k] for k in sorted(current.children, reverse=True))
    return out


def _tree_html(node: TagNode, page_url: str, current: tuple[str, ...] = ()) -> str:
    """Nested lists of `node`'s children with counts (iterative: tags may nest deep)."""
    if not node.children:
        return ""
    parts: list[str] = []
    order = [node.children[k] for k in sorted(node.children)]
    # An explicit stack of actions: "node" writes an item, "close" ends an item (or, with None, the list).
    stack: list[tuple[str, TagNode | None]] = [("close", None)] + [("node", c) for c in reversed(order)]
    parts.append('<ul class="vault-tag-tree">')
    while stack:
        action, item = stack.pop()
        if action == "close":
            parts.append("</ul>" if item is None else "</li>")
            continue
        if action == "closeul":
            parts.append("</ul>")
            continue
        assert item is not None
        href = html.escape(relative(item.url, page_url), quote=True)
        here = ' aria-current="page"' if item.key == current else ""
        parts.append(
            f'<li><a class="vault-tag" href="{href}"{here}>#{html.escape(item.name)}</a> '
            f'<span class="vault-count">{len(item.notes)}</span>'
        )
        stack.append(("close", item))
        if item.children:
            parts.append("<ul>")
            stack.append(("closeul", None))
            stack.extend(("node", item.children[k]) for k in sorted(item.children, reverse=True))
    return "".join(parts)


def _note_list(rows: list[NoteRow], node: TagNode, page_url: str, cache: RowCache, texts: dict[str, str]) -> str:
    items = [
        cache.get(("tag", row.path, page_url), lambda row=row: _note_item(row, node, page_url, texts)) for row in rows
    ]
    return f'<ul class="vault-tag-notes">{"".join(items)}</ul>'


def _note_item(row: NoteRow, node: TagNode, page_url: str, texts: dict[str, str]) -> str:
    """One note on a tag's page: everything in it is the note's own (its URL, title, type, date, tags).
    `texts`: the item texts made so far in this pass over the tag pages, by note path."""
    href = html.escape(relative(row.url, page_url), quote=True)
    via = ""
    if row.path not in node.direct:
        # Tagged with a tag below this one: say which.
        key = list(node.key)
        below = sorted(t for t in row.tags if tag_segments(t)[: len(key)] == key)
        via = " " + " ".join(
            f'<a class="vault-tag" href="{html.escape(relative(tag_url(t), page_url), quote=True)}">'
            f"{html.escape(t)}</a>"
            for t in below
        )
    text = texts.get(row.path)
    if text is None:
        text = texts[row.path] = _item_text(row.title, row.type, row.date)
    return f'<li><a class="vault-link" href="{href}">{text}{via}</li>'


def _item_text(title: str, note_type: str | None, date: str | None) -> str:
    """A listed note's title, type chip and date as HTML (after its href): once per note and pass over
    the tag pages, not per page (a note is listed on the page of each of its tags and their parents).
    Kept for the pass, not in a cache of fixed size: with more notes than it held (an `lru_cache` of
    16,384 at 50,000 notes), nearly every item missed it, and its cost grew faster than the notes."""
    kind = f' <span class="vault-type-chip">{html.escape(note_type)}</span>' if note_type else ""
    shown = f' <time datetime="{date}">{date}</time>' if date else ""
    return f"{html.escape(title)}</a>{kind}{shown}"


def tag_page(
    node: TagNode, data: SiteData, cache: RowCache | None = None, texts: dict[str, str] | None = None
) -> tuple[str, str]:
    """(title, Markdown) of one tag's page; `cache` keeps its rendered rows across rebuilds, `texts` the
    notes' item texts across the pages of one pass (`_item_text`)."""
    url = node.url
    rows = data.rows_by_title(node.notes)
    crumbs = [f'<a href="{html.escape(relative(TAGS_URL, url))}">All tags</a>']
    for depth in range(1, len(node.key)):
        parent_url = TAGS_URL + "".join(f"{s}/" for s in node.key[:depth])
        crumbs.append(
            f'<a href="{html.escape(relative(parent_url, url), quote=True)}">#{html.escape("/".join(node.key[:depth]))}</a>'
        )
    count = "note" if len(rows) == 1 else "notes"
    body = f'<p class="vault-lead vault-tag-path">{" / ".join(crumbs)} · {len(rows)} {count}</p>'
    if node.children:
        body += f'<h2 id="subtags">Nested tags</h2>{_tree_html(node, url)}'
    body += f'<h2 id="notes">Notes</h2>{_note_list(rows, node, url, cache if cache is not None else RowCache(), {} if texts is None else texts)}'
    title = "#" + node.name
    return safe_title(title), listing_page(title, body)


def tag_pages(
    data: SiteData, only: set[str] | None = None, cache: RowCache | None = None, tree: TagTree | None = None
) -> dict[str, tuple[str, str]]:
    """src_uri -> (title, Markdown): the tag index and one page per tag (with `only`, the tag pages
    whose src_uris it holds: a rebuild's changes). `tree`: `data`'s tags, when made already."""
    root = (tree or TagTree(data)).root
    if not root.children:
        return {}
    total = len(_walk(root)) - 1
    pages = {
        src_uri_of(TAGS_URL): (
            "Tags",
            listing_page("Tags", f'<p class="vault-lead">{total} tags.</p>{_tree_html(root, TAGS_URL)}'),
        )
    }
    texts: dict[str, str] = {}
    for node in _walk(root)[1:]:
        uri = src_uri_of(node.url)
        if only is None or uri in only:
            pages[uri] = tag_page(node, data, cache, texts)
    return pages


def tag_page_uris(tags: Iterable[str]) -> set[str]:
    """The src_uris of the tag pages that list a note with these tags: each tag's and its parents'."""
    uris = set()
    for tag in tags:
        segments = tag_segments(tag)
        for depth in range(1, len(segments) + 1):
            uris.add(src_uri_of(TAGS_URL + "".join(f"{s}/" for s in segments[:depth])))
    return uris
