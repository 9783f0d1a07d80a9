"""The generated side of the site, in one place for `site.py` to call: the listing pages (directory,
timeline, tags, open tasks, graph), the panels added to every note page (properties, timeline, linked
mentions, local graph), the home page's links to the listings, and the global graph's JSON.

Everything is computed from `SiteData` (the index: published notes only) once per build, and written as
final HTML with hrefs relative to the page it sits on; no later rendering phase is needed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from typing import Any

from ..index.build import is_private
from ..pipeline import VaultState
from ..vault.loader import frontmatter_tags
from ..vault.model import Note
from .addresses import DIRECTORY_URL, GRAPH_URL, TAGS_URL, TASKS_URL, TIMELINE_URL, relative, src_uri_of
from .data import RowCache, SiteData, contact_day
from .directory import directory_pages
from .explorer import explorer_json
from .graph import GraphLinks, global_graph_json, graph_nodes, graph_page, local_graph_section, nodes_json
from .inline import InlineRenderer, field_pattern
from .mentions import NoteLines, backlinks, quotes
from .properties import PropertyRenderer, properties_panel
from .tags import TagTree, tag_pages
from .tasks import tasks_page
from .timeline import note_timeline, timeline_page

_LEADING_H1 = re.compile(r"^\s*<h1\b[^>]*>.*?</h1>", re.DOTALL)

# The listings, in the order the navigation and the home page show them.
BROWSE = (
    ("Directory", DIRECTORY_URL),
    ("Timeline", TIMELINE_URL),
    ("Open tasks", TASKS_URL),
    ("Tags", TAGS_URL),
    ("Graph", GRAPH_URL),
)


def _slug(directory_uri: str) -> str:
    """ "people" for "directory/people/index.md", "" for the directory's own page."""
    return directory_uri[len(DIRECTORY_URL) : -len("index.md")].rstrip("/")


class SitePages:
    """The generated pages and note panels of one build."""

    def __init__(
        self,
        state: VaultState,
        date_format: str = "MMMM d, yyyy",
        directory_columns: Mapping[str, Any] | None = None,
        previous: SiteData | None = None,
        keep_rows: bool = True,
    ) -> None:
        """`previous`: the site data of the last complete build, which a serve rebuild updates.
        `keep_rows`: keep rendered listing rows for the next rebuild (none follows `mkdocs build`)."""
        assert state.pages_con is not None and state.vault is not None
        self.state = state
        self.date_format = date_format
        self.directory_columns = directory_columns or {}
        self.data, since = self._site_data(state, previous)
        # When the data is `previous` updated: it and the notes read again since.
        self._refreshed = (previous, since) if previous is not None and since is not None else None
        self.private_keys = frozenset(k.lower() for k in state.options.private_keys)
        self.private_fields = field_pattern(state.options.private_keys)
        self.lines = NoteLines(state.vault.notes, lambda: self.data.mentions)
        self.listings: dict[str, tuple[str, str]] = {}  # what `pages()` made for this build
        self._graph_json: str | None = None
        self._graph_nodes: tuple[list[tuple[str, str, str]], str] | None = None  # nodes and their JSON
        self._explorer: tuple[list[tuple[str, str, str]], str] | None = None  # (path, title, url)s, JSON
        self.rows = RowCache(keep_rows)  # a serve rebuild carries the unchanged rows over
        self._tag_tree: TagTree | None = None  # made when a tag page is, then kept up to date
        self._graph_links = GraphLinks() if keep_rows else None  # the global graph's, for a rebuild

    @staticmethod
    def _site_data(state: VaultState, previous: SiteData | None) -> tuple[SiteData, set[str] | None]:
        """The index read whole, or after a serve rebuild that re-indexed a few notes, `previous`
        with their rows read again; either way the notes re-indexed since are now read. Returns the
        data and the notes read again (None: all were)."""
        assert state.pages_con is not None
        since = state.reindexed
        if previous is not None and since is not None and len(since) * 4 < len(previous.notes):
            data = SiteData.refreshed(previous, state.pages_con, state.clock.today, since)
        else:
            data, since = SiteData.load(state.pages_con, state.clock.today), None
        state.reindexed = set()
        return data, since

    def kept_from(self, previous: SitePages) -> None:
        """Take over what the last build kept of the whole vault's tags and graph links, if this build's
        data is that build's updated, and update it for the notes read again since (the tag tree now,
        the links when next wanted). Moved, not copied: `previous` is left without."""
        tree, previous._tag_tree = previous._tag_tree, None
        links, previous._graph_links = previous._graph_links, None
        if self._refreshed is None or self._refreshed[0] is not previous.data:
            return
        since = self._refreshed[1]
        if tree is not None:
            tree.update(self.data, since)
            self._tag_tree = tree
        if links is not None and links.stale is not None and self._graph_links is not None:
            links.stale |= since
            self._graph_links = links

    def tag_tree(self) -> TagTree:
        if self._tag_tree is None:
            self._tag_tree = TagTree(self.data)
        return self._tag_tree

    # -- renderers --------------------------------------------------------------------------------
    def is_private(self, key: str) -> bool:
        return is_private(key, self.private_keys)

    def inline(self, source: str, page_url: str) -> InlineRenderer:
        return InlineRenderer(self.state.link_state, self.state.url_of, source, page_url, self.private_fields)

    def renderer(self, source: str, page_url: str) -> PropertyRenderer:
        return PropertyRenderer(self.inline(source, page_url), self.date_format)

    # -- generated pages ---------------------------------------------------------------------------
    def pages(
        self, parts: set[str] | None = None, previous: Mapping[str, tuple[str, str]] | None = None
    ) -> dict[str, tuple[str, str]]:
        """src_uri -> (title, Markdown) of every listing page; the ones with nothing to list are left out
        (their links on the home page and in the navigation disappear with them).

        With `parts` (`incremental.DependencyTracker.listing_parts`), only those listings are made
        again and the others are taken from `previous`, the last build's."""
        data = self.data
        if parts is None or previous is None:
            parts, pages = None, {}
        else:
            pages = dict(previous)

        def redo(part: str, make: Callable[[], tuple[str, str] | None]) -> None:
            """The one page of `part` ("timeline": timeline/index.md), unless `parts` leaves it."""
            if parts is None or part in parts:
                uri = f"{part}/index.md"
                pages.pop(uri, None)
                page = make()
                if page is not None:
                    pages[uri] = page

        def redo_section(prefix: str, make: Callable[[set[str] | None], dict[str, tuple[str, str]]]) -> None:
            """The pages under `prefix`: all of them, or its index and the ones `parts` names."""
            only = None if parts is None else {p[5:] for p in parts if p.startswith("page:" + prefix)}
            if only is not None and not only:
                return
            index = src_uri_of(prefix)
            for uri in [
                u for u in pages if u.startswith(prefix) and (only is None or u in only or u == index)
            ]:
                del pages[uri]
            pages.update(make(only))

        redo_section(
            DIRECTORY_URL,
            lambda only: directory_pages(
                data, self.directory_columns, self.is_private, self.renderer, only, self.rows
            ),
        )
        redo("timeline", lambda: timeline_page(data) if any(n.day for n in data.notes.values()) else None)
        redo("tasks", lambda: tasks_page(data, self.inline, self.rows))
        redo_section(TAGS_URL, lambda only: tag_pages(data, only, self.rows, self.tag_tree()))
        redo("graph", lambda: graph_page(data) if data.notes else None)
        # One order whichever listings were made again: the order of MkDocs' files (and the sitemap).
        return dict(sorted(pages.items()))

    def graph_json(self) -> str:
        """The whole vault's graph, made once per `SitePages` (a serve rebuild that changes no link,
        type or title hands the last one on: `graph_json_from`; one that changes only links, the last
        one's nodes)."""
        if self._graph_json is None:
            nodes = graph_nodes(self.data)
            if self._graph_nodes is not None and self._graph_nodes[0] == nodes:
                text = self._graph_nodes[1]
            else:
                text = nodes_json(nodes)
                self._graph_nodes = (nodes, text) if self.rows.keep else None  # for a rebuild only
            self._graph_json = global_graph_json(self.data, text, self._graph_links)
        return self._graph_json

    def graph_json_from(self, previous: SitePages) -> None:
        """Take the last build's graph (this build changes none of it)."""
        self._graph_json = previous._graph_json

    def graph_nodes_from(self, previous: SitePages) -> None:
        """Take the last build's graph nodes, which `graph_json` uses if they are this build's too (and
        its explorer tree, which `explorer_json` uses the same way)."""
        self._graph_nodes = previous._graph_nodes
        self._explorer = previous._explorer

    def explorer_json(self) -> str:
        """The file explorer's folder tree (explorer.py): the last build's when no note was added,
        removed, renamed or moved."""
        notes = self.data.notes
        key = [(p, notes[p].title, notes[p].url) for p in sorted(notes)]
        if self._explorer is None or self._explorer[0] != key:
            self._explorer = (key, explorer_json(notes.values()))
        return self._explorer[1]

    def quotes(self, source: str, target: str, path: str) -> bool:
        """Does `target`'s page quote a line of `source` showing a link to `path` (its linked mentions)?"""
        resolve = self.state.resolve
        return quotes(
            self.data, self.lines, self.inline, lambda t, s: resolve(t, s).path, source, target, path
        )

    # -- note pages ---------------------------------------------------------------------------------
    def decorate_note(self, note: Note, page_url: str, content: str, home: bool = False) -> str:
        """The note's rendered content with the properties panel after its title (in the content, so
        search indexes property values)."""
        if note.path not in self.data.notes:
            return content
        top = self.browse_box(page_url, note.path) if home else self.properties(note, page_url)
        return insert_after_title(content, top)

    def note_footer(self, note: Note, page_url: str) -> str:
        """The timeline, linked mentions and local graph shown after the note's text. The template
        writes them after `page.content`: they are not searched, and keeping them out of the content
        spares the search plugin from parsing them on every page."""
        if note.path not in self.data.notes:
            return ""
        return (
            note_timeline(self.data, note.path, page_url)
            + backlinks(self.data, self.lines, self.inline, note.path, page_url)
            + local_graph_section(self.data, note.path, page_url)
        )

    def properties(self, note: Note, page_url: str) -> str:
        extra = []
        frontmatter = note.frontmatter
        last = self.data.last_contact(note.path)
        key = next((k for k in frontmatter if str(k).lower() == "last_contact"), None)
        if last and key is None:
            # A computed value shows as a row of its own when the note has no `last_contact` property.
            extra.append(("last contact", self.renderer(note.path, page_url).value(last)))
        elif last and contact_day(frontmatter[key]) != last:
            # One date everywhere: a later contact, recorded by a note linking here, shows in place of
            # the property's date, as the timeline and the directory show it.
            frontmatter = {**frontmatter, key: last}
        return properties_panel(
            frontmatter,
            self.renderer(note.path, page_url),
            self.is_private,
            frontmatter_tags(frontmatter),
            extra,
        )

    def browse_box(self, page_url: str, home_path: str | None = None) -> str:
        """Links from the home page to every listing that exists in this build."""
        items = []
        for title, url in BROWSE:
            if not self._exists(url):
                continue
            href = html.escape(relative(url, page_url), quote=True)
            items.append(f'<li><a class="vault-browse-link" href="{href}">{html.escape(title)}</a></li>')
        if not items:
            return ""
        return f'<nav class="vault-browse" aria-label="Browse the wiki"><ul>{"".join(items)}</ul></nav>'

    def _exists(self, url: str) -> bool:
        data = self.data
        if url == TIMELINE_URL:
            return any(n.day for n in data.notes.values())
        if url == DIRECTORY_URL:
            return any(n.type for n in data.notes.values())
        if url == TAGS_URL:
            return any(n.tags for n in data.notes.values())
        return bool(data.notes)


# The heading of each section `note_footer` writes (timeline.py, mentions.py, graph.py), with its count.
_PANEL_HEADING = re.compile(r'<h2 id="(vault-[a-z]+)"[^>]*>([^<]*?)\s*(?:<span class="vault-count">(\d+)</span>)?\s*</h2>')


def panel_headings(footer: str) -> list[tuple[str, str]]:
    """(anchor id, title as HTML) of each section of a note's footer, in page order, for the page's table
    of contents: a reader reaches the timeline, linked mentions (with their count) and graph from the
    right-hand column, or on a phone from the menu, without scrolling past the note."""
    out = []
    for anchor, title, count in _PANEL_HEADING.findall(footer):
        badge = f' <span class="vault-count">{count}</span>' if count else ""
        out.append((anchor, title.strip() + badge))
    return out


def insert_after_title(content: str, block: str) -> str:
    """Put `block` after the page's leading <h1> (the note's own `# Title`), else at the very top (Material
    then writes the title above the content)."""
    if not block:
        return content
    match = _LEADING_H1.match(content)
    if match is None:
        return block + content
    return content[: match.end()] + block + content[match.end() :]
