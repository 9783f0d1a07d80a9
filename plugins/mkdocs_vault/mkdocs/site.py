"""The MkDocs-facing half of the plugin: which files MkDocs sees, the navigation, each page's source,
and the second rendering phase. `plugin.py` calls into this; the stages it calls know nothing of MkDocs.
"""

from __future__ import annotations

import html
import itertools
import os
import posixpath
import re
import shutil
import stat
import sys
import tempfile
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from ..dataview.values import DEFAULT_DATE_FORMAT as DATE
from ..pages.addresses import relative
from ..pages.long_listing import split_listing, whole_listing_uri
from ..pipeline import VaultState, give_back_free_memory
from ..publish import is_base_file
from ..vault.model import compact_bodies
from .config import VaultConfig
from .navcache import OVERRIDES, NavCache
from .rendering import has_content, remake_markdown
from .searchview import has_markers, lighten, page_view, search_view

if TYPE_CHECKING:
    from ..pages.generated import SitePages
    from ..pages.sections import SectionPages
    from .rendering import SharedMarkdown
    from .searchindex import SearchIndexJson


def _inside(path: str, folder: str) -> bool:
    """Is `path` in `folder` (an absolute, normalised path)?"""
    path = os.path.abspath(path)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class NoteFiles:
    """The MkDocs `File` of every published note, kept across `mkdocs serve` rebuilds. A File works
    out its destination path and URL once (cached properties); made anew for 10,000 notes on every
    rebuild, that was a fifth of a rebuild with nothing changed."""

    def __init__(self) -> None:
        self._files: dict[tuple, File] = {}

    def files(self, wanted: list[tuple[str, str]], config: MkDocsConfig) -> list[File]:
        """A File for each (src_uri, absolute source path), the last build's where it had one."""
        kept, out = {}, []
        for uri, abs_src in wanted:
            key = (uri, abs_src, config.site_dir, config.use_directory_urls)
            file = self._files.get(key)
            if file is None:
                file = File(uri, None, config.site_dir, config.use_directory_urls)
                file.abs_src_path = abs_src
            file.page = None  # MkDocs makes each build's Page only for a File without one
            file.inclusion = InclusionLevel.INCLUDED
            kept[key] = file
            out.append(file)
        self._files = kept
        return out


class OneBuildDate:
    """MkDocs makes a `Page` for each note after `on_files` (`get_navigation`), and each asks the build
    date anew (`get_build_date`: the environment's SOURCE_DATE_EPOCH or the clock, formatted): 50 ms
    of every serve rebuild at 10,000 notes. From `hold` to `release` (our `on_nav`, or a failed build)
    the pages get the date the first of them would have got."""

    def __init__(self) -> None:
        self._real: Any = None

    def hold(self) -> None:
        from mkdocs.structure import pages

        if self._real is None:
            self._real = pages.get_build_date
            date = self._real()
            pages.get_build_date = lambda: date

    def release(self) -> None:
        from mkdocs.structure import pages

        if self._real is not None:
            pages.get_build_date, self._real = self._real, None


class AttachmentFile(File):
    """A published attachment, copied only if it is still a regular file inside the vault when MkDocs
    copies it: between the scan and the copy it may have gone, or been replaced by a link out of the
    vault. Then the copy is skipped with a warning naming it, and the build goes on."""

    vault_path: str
    vault_root: str
    diagnostics: Any

    def is_modified(self) -> bool:
        try:
            return super().is_modified()
        except OSError:
            return True  # (gone: `copy_file` says so)

    def copy_file(self, dirty: bool = False) -> None:
        src = self.abs_src_path
        try:
            real = os.path.realpath(src or "")
            usable = _inside(real, self.vault_root) and stat.S_ISREG(os.stat(real).st_mode)
        except OSError:
            usable = False
        if usable:
            try:
                super().copy_file(dirty)
                return
            except FileNotFoundError:
                pass
        self.diagnostics.report(
            self.vault_path, None, "read",
            "attachment gone, or no longer a file of the vault, when it was to be copied; not published",
        )


GENERATED_MARKER = "VAULT-GENERATED-CONTENT-7f3a"
# A block Python-Markdown passes through as raw HTML: it starts with a block-level element.
_RAW_BLOCK = re.compile(r"<(?:h[1-6]|p|div|ul|ol|dl|table|section|nav|details|figure|hr)[\s>/]")


# A one-shot build of this many notes or more holds its pages' HTML packed (`SiteBuilder.start_rendering`).
PACK_MIN_NOTES = 20_000


class SiteBuilder:
    def __init__(
        self,
        state: VaultState,
        options: VaultConfig,
        config: MkDocsConfig,
        note_files: NoteFiles | None = None,
        rebuilds: bool = True,
    ) -> None:
        """`rebuilds`: another build may follow in this process (`mkdocs serve`) and reuse what this one
        read and wrote (`incremental.DependencyTracker`); without, that is not kept (`mkdocs build`)."""
        self.state = state
        self.rebuilds = rebuilds
        self.note_files = note_files if note_files is not None else NoteFiles()
        self.options = options
        self.config = config
        self.note_of_uri: dict[str, str] = {}  # MkDocs src_uri -> vault note path
        self.generated: dict[str, tuple[str, str]] = {}  # src_uri -> (title, markdown)
        self._generated_html: dict[str, str] = {}  # src_uri -> HTML put in after rendering
        # src_uri -> content of the generated files that are not pages (whole long listings, the
        # explorer's tree): a serve rebuild writes only those that changed (`_plan_rebuild`).
        self._data_files: dict[str, str] = {}
        self._page_view: str | None = None  # the content shown, while search reads another
        self.sections: list[tuple[str, str]] = []  # (title, src_uri) of the top-level section pages
        self.home_uri = "index.md"
        self.link_context = None  # set by extensions.configure
        self.dataview_runner: Any = None  # set by extensions.configure
        self.bases_runner: Any = None  # set by extensions.configure
        self.dataview_settings: Any = None  # dataview.settings.DataviewSettings, set there too
        self.site_pages: SitePages | None = None  # pages/: listings and note panels of this build
        self.section_pages: SectionPages | None = None  # the top-level folders' pages of this build
        self.nav_cache = NavCache()  # the navigation's HTML, shared by the pages it is the same for
        self._shared: SharedMarkdown | None = None  # this build's one Markdown converter
        self._rendered: list[Page] = []  # the pages rendered in this build, in order
        self.plugin: Any = None  # the plugin instance driving this build (set by it)
        self.search_json: SearchIndexJson | None = None  # kept by the plugin across serve rebuilds
        self._search_check: bool | None = None  # `_only_material_search_reads`, once per build
        self._listings_dir: str | None = None  # a one-shot build's whole listings (`_whole_listing_file`)
        self._listing_paths: list[str] = []
        self._pack = False  # hold the pages' HTML packed (`start_rendering`)

    # -- Markdown -----------------------------------------------------------------------------------
    def configure_markdown(self, config: MkDocsConfig) -> None:
        """Add the extensions our notes need, unless the site configured them itself."""
        from .extensions import configure

        configure(config, self)

    # -- files --------------------------------------------------------------------------------------
    def own_files(self, files: Files) -> frozenset[str]:
        """The paths in site/ of every file that does not come from the vault: the theme's files and
        templates, the search index, and the data the plugin generates (all under `assets/vault/`).
        A vault attachment never takes one of them (`UrlMap`)."""
        from ..pages.addresses import EXPLORER_JSON_URI, GRAPH_JSON_URI

        vault_dir = str(self.state.root)
        own = {
            file.dest_uri
            for file in files
            if file.src_dir != self.config.docs_dir
            and not (file.abs_src_path and _inside(file.abs_src_path, vault_dir))
        }
        statics = set(self.config.theme.static_templates)
        own |= statics | {f"{name}.gz" for name in statics}
        own |= {GRAPH_JSON_URI, EXPLORER_JSON_URI, "search/search_index.json"}
        return frozenset(own)

    def files(self, files: Files) -> Files:
        state = self.state
        assert state.vault is not None and state.urls is not None
        vault_dir = str(state.root)
        for file in list(files):
            # Everything from the vault goes: we add back only what is published. (MkDocs' own walk
            # finds nothing: its docs_dir is an empty folder of ours, see plugin.py. What it or another
            # plugin found has that as its `src_dir`: no path to work out for those.)
            found = file.src_dir == self.config.docs_dir
            if found or (file.abs_src_path and _inside(file.abs_src_path, vault_dir)):
                files.remove(file)
            elif (
                file.src_uri.endswith(".py")
                or file.src_uri.endswith(".pyc")
                or "__pycache__/" in file.src_uri
            ):
                files.remove(file)  # our template folder is also a Python package
        self.note_of_uri.clear()
        self.generated.clear()
        self._data_files.clear()
        root = str(state.root)  # os.path, not pathlib: 10,000 joins per rebuild add up
        wanted = []
        for path in state.decision.notes:
            uri = state.urls.note_src_uri(path)
            wanted.append((uri, os.path.join(root, path)))
            self.note_of_uri[uri] = path
        for file in self.note_files.files(wanted, self.config):
            files.append(file)
        if self.bases_runner is not None:
            self.bases_runner.forget()  # the notes may have changed since the last build
        for path in state.decision.attachments:
            if is_base_file(path):
                # A base is a page of its views (its YAML is never copied), at a note-style URL.
                uri = state.urls.note_src_uri(path)
                html_text = self._base_page(path)
                title = path.rpartition("/")[2][: -len(".base")]
                markdown = f'<div class="vault-base-page">{html_text}</div>\n'
                self.generated[uri] = (title, markdown)
                files.append(File.generated(self.config, uri, content=markdown))
                continue
            url = state.urls.attachment_url(path)
            file = AttachmentFile(url, None, self.config.site_dir, self.config.use_directory_urls)
            file.abs_src_path = os.path.join(root, path)
            file.vault_path, file.vault_root, file.diagnostics = path, root, state.diagnostics
            files.append(file)
        splits = state.tracker.splits if self.rebuilds else {}
        kept_splits = {}
        for uri, (title, markdown) in self._listings().items():
            # A long listing shows its first rows; the whole of it is a file fetched on request. A
            # serve rebuild reuses the last build's cut of a listing that did not change (most do not).
            known = splits.get(uri)
            split = known[1] if known is not None and known[0] == markdown else split_listing(uri, markdown)
            if self.rebuilds:
                kept_splits[uri] = (markdown, split)
            if split is not None:
                markdown = split.page
                files.append(self._whole_listing_file(uri, split.whole))
            self.generated[uri] = (title, markdown)
            files.append(File.generated(self.config, uri, content=markdown))
        if self.rebuilds:
            state.tracker.splits = kept_splits
        self._generated_files(files)  # pages/: non-page files the generated pages read (graph JSON)
        self._plan_rebuild(files)
        return files

    def _base_page(self, path: str) -> str:
        """The HTML of a base file's page: under serve, the last build's when no edit can have changed
        what its views list (`DependencyTracker.base_page_unchanged`)."""
        runner = self.bases_runner
        if runner is None:
            return ""
        if not self.rebuilds:
            return runner.page_html(path)
        tracker, now = self.state.tracker, self.state.clock.now
        if tracker.base_page_unchanged(path, now):
            html_text = tracker.base_pages[path][0]
            assert html_text is not None
            return html_text
        tracker.base_pages.pop(path, None)
        html_text = runner.page_html(path, tell=True)  # (`shown` keeps what its views could list)
        kept = tracker.base_pages.get(path)
        if kept is not None:
            tracker.base_pages[path] = (html_text, kept[1], now)
        return html_text

    def _whole_listing_file(self, uri: str, whole: str) -> File:
        """The file of the whole listing of the generated page `uri`. MkDocs copies it only after every
        page is rendered: a one-shot build writes it to a folder of its own now rather than holding it
        until then (the listings of 10,000 notes are 19 MB of text); a serve rebuild keeps it in memory,
        and compares it with the last build's (`_data_files`)."""
        if self.rebuilds:
            self._data_files[whole_listing_uri(uri)] = whole
            return File.generated(self.config, whole_listing_uri(uri), content=whole)
        if self._listings_dir is None:
            self._listings_dir = tempfile.mkdtemp(prefix="mkdocs-vault-listings-")
        path = os.path.join(self._listings_dir, f"{len(self._listing_paths)}.html")
        self._listing_paths.append(path)
        with open(path, "wb") as out:
            out.write(whole.encode("utf-8"))
        return File.generated(self.config, whole_listing_uri(uri), abs_src_path=path)

    def _listings(self) -> dict[str, tuple[str, str]]:
        """This build's generated pages: the last build's when an edit changed only notes' prose
        (`DependencyTracker.listings_unchanged`; generating them reads the whole index), else new."""
        state = self.state
        assert state.vault is not None
        tracker = state.tracker
        tracker.find_shown_alike(state.vault.notes)  # (before `remember_inputs` keeps the new inputs)
        if tracker.listings_unchanged(state.vault.notes):
            pages, self.sections, self.site_pages, self.section_pages = tracker.listings
            if self.section_pages is not None:
                self.section_pages.generation = state.generation  # what they show did not change
            if self.site_pages is not None:
                from ..pages.mentions import NoteLines

                site_pages = self.site_pages  # mentions quote the new text
                site_pages.lines = NoteLines(state.vault.notes, lambda: site_pages.data.mentions)
            return pages
        previous = tracker.listings
        pages = self._generated_pages(previous)
        if self.rebuilds:  # what the listings were made from: every note's, at 10,000 notes 0.3 s
            listings = (pages, list(self.sections), self.site_pages, self.section_pages)
            tracker.remember_inputs(state.vault.notes, listings)
        return pages

    def _generated_pages(self, previous: tuple | None = None) -> dict[str, tuple[str, str]]:
        """Section pages for the top-level folders without a note of their own, a home page when the
        vault has no index.md, and the listings: all of them, or after an edit only those it reaches
        (`DependencyTracker.listing_parts`), the others kept from `previous` (the last build's)."""
        from ..pages.sections import SectionPages, home_page

        state = self.state
        assert state.vault is not None and state.urls is not None
        taken = {state.urls.note_src_uri(p) for p in state.decision.notes}
        # A base's page takes its URL too (`Views.base` is the `views/` a section page would have).
        taken |= {state.urls.note_src_uri(p) for p in state.decision.attachments if is_base_file(p)}
        pages: dict[str, tuple[str, str]] = {}
        self.sections = []
        published = {p: state.vault.notes[p] for p in sorted(state.decision.notes)}
        tracker = state.tracker
        # After an edit, the folders whose notes show the same on their section page keep it: those of
        # the last refresh's, if they were made for it.
        last = previous[3] if previous is not None else None
        if last is None or last.generation != state.generation - 1 or tracker.names_changed:
            last = None
        since = tracker.changed | tracker.flipped | tracker.moved
        self.section_pages = SectionPages.made(
            published, state.url_of, state.urls.section_src_uri, state.generation, last, since
        )
        for folder, page in self.section_pages.pages.items():
            uri = state.urls.section_src_uri(folder)
            if uri not in taken:
                pages[uri] = page
            self.sections.append((folder, uri))
        if "index.md" not in taken:
            pages["index.md"] = home_page(self.sections, list(published.values()), state.url_of)
        # The listings (directory, timeline, tasks, tags, graph) and the note panels' data: one bulk
        # read of the index per build. A note never takes their URLs (pipeline.RESERVED_URLS).
        from ..pages.generated import SitePages

        # The last build's site data is updated rather than read again, if that build completed.
        last = previous[2].data if previous is not None and previous[2] is not None else None
        self.site_pages = SitePages(
            state,
            self.dataview_settings.date_format if self.dataview_settings else self.options.date_format or DATE,
            self.options.directory_columns,
            last if state.tracker.built else None,
            keep_rows=self.rebuilds,
        )
        parts, kept = None, None
        if previous is not None and previous[2] is not None:
            parts = state.tracker.listing_parts(
                state.vault.notes, previous[2].data.notes, self.site_pages.data.notes
            )
            kept = previous[2].listings
            if parts is not None:
                self.site_pages.rows.carry(previous[2].rows, state.tracker.stale_rows())
                if "graph" not in parts:
                    self.site_pages.graph_json_from(previous[2])
            if self.rebuilds:
                self.site_pages.graph_nodes_from(previous[2])
                self.site_pages.kept_from(previous[2])
        self.site_pages.listings = self.site_pages.pages(parts, kept)
        for uri, page in self.site_pages.listings.items():
            if uri not in taken and uri not in pages:
                pages[uri] = page
        if not self.rebuilds:
            self.site_pages.listings = {}  # (kept for the next rebuild's `kept`; `files` has them now)
        return pages

    def _generated_files(self, files: Files) -> None:
        """Non-page files of the generated pages: the global graph's JSON and the file explorer's tree."""
        from ..pages.addresses import EXPLORER_JSON_URI, GRAPH_JSON_URI

        if self.site_pages is None:
            return
        made = {EXPLORER_JSON_URI: self.site_pages.explorer_json}  # the file explorer's folder tree
        if "graph/index.md" in self.generated:
            made[GRAPH_JSON_URI] = self.site_pages.graph_json
        for uri, content in made.items():
            existing = files.get_file_from_path(uri)
            if existing is not None:
                files.remove(existing)
            text = content()
            if uri == EXPLORER_JSON_URI:
                self._data_files[uri] = text
            files.append(File.generated(self.config, uri, content=text))

    # -- incremental rebuilds (incremental.py) ------------------------------------------------------
    def _site_key(self) -> tuple:
        """What every page shows beyond its own content: a change means every page renders again."""
        from ..pages.addresses import src_uri_of
        from ..pages.generated import BROWSE

        config_file = self.config.config_file_path
        try:
            config_time = os.path.getmtime(config_file) if config_file else 0.0
        except OSError:
            config_time = 0.0
        listings = tuple(uri for _t, url in BROWSE if (uri := src_uri_of(url)) in self.generated)
        # Templates every page is rendered with: the site's own `custom_dir` and ours (Material's are
        # not edited in place). `mkdocs serve --watch-theme` rebuilds when one is saved.
        theme = [self.config.theme.custom_dir, OVERRIDES]
        theme_time = max((_newest_mtime(d) for d in theme if d), default=0)
        return (tuple(self.sections), listings, self.home_uri, config_time, theme_time, self.config.site_dir)

    def _plan_rebuild(self, files: Files) -> None:
        """Under `--dirty`, make MkDocs render exactly the pages this change can affect: note pages the
        tracker names, and generated pages whose Markdown differs from the last build's."""
        from ..dataview.batch import context_for_state, pages_for_state
        from ..pages.addresses import GRAPH_JSON_URI

        state = self.state
        tracker = state.tracker
        # What each page's queries read, for the next rebuild's plan: nothing to plan after `mkdocs build`.
        tracker.recording = self.rebuilds
        # Bring the Dataview page objects up to date with this refresh now: they are updated one
        # refresh at a time, so none may be skipped (and planning and rendering both read them).
        pages_for_state(state).updatable = self.rebuilds
        if not self.rebuilds and not state.list_items_released:
            state.release_list_items()  # the page objects hold what queries read of them
        site_key = self._site_key()
        plan = tracker.plan(
            state.vault.notes if state.vault is not None else {},
            set(state.decision.notes),
            lambda: context_for_state(state),
            site_key,
            self.site_pages.quotes if self.site_pages is not None else None,
        )
        tracker.built = False  # until this build completes (finish_build)
        tracker.queries.start_build()
        tracker.bases.start_build()
        if self.rebuilds and self.dataview_runner is not None:
            tracker.keep_rendered(plan.full, state.is_published)
            self.dataview_runner.row_html = tracker.row_html
        if plan.full:
            tracker.queries.clear()
            tracker.bases.clear()
        else:
            if self.dataview_runner is not None:
                # Long shared results no edit can have changed: their pages' placeholders, unrun.
                self.dataview_runner.kept_placeholders = set(tracker.placeholders) - plan.results
            if plan.results:
                plan.notes |= self._shared_results_again(plan.results, set(state.decision.notes))
            tracker.queries.forget(plan.notes)
        sources: dict[str, str] = {}  # generated src_uri -> its Markdown
        listing_notes = {uri for _folder, uri in self.sections if uri in self.note_of_uri}
        for file in files:
            path = self.note_of_uri.get(file.src_uri)
            if path is not None:
                # A folder note showing its folder's listing changes with every note of the folder.
                if plan.full or path in plan.notes or file.src_uri in listing_notes:
                    file.is_modified = _always_modified  # type: ignore[method-assign]
                else:
                    file.is_modified = _OutputMissing(file.abs_dest_path)  # type: ignore[method-assign]
                continue
            generated = self.generated.get(file.src_uri)
            if generated is not None and self.rebuilds:
                # Compared with the Markdown of the last complete build whole, not by digest: hashing
                # the big listings that changed (a tasks page of 4.5 MB) took 20 ms a rebuild, where
                # comparing strings stops at the first difference, or at once for a listing kept from
                # the last build (the same string). The texts are mostly those the kept listings hold.
                text = sources[file.src_uri] = generated[1]
                if not plan.full and tracker.sources.get(file.src_uri) == text:
                    file.is_modified = _OutputMissing(file.abs_dest_path)  # type: ignore[method-assign]
            elif file.src_uri == GRAPH_JSON_URI and self.site_pages is not None and self.rebuilds:
                # The global graph (a megabyte at 10,000 notes) is written again only when it changed.
                graph = self.site_pages.graph_json()
                if not plan.full and tracker.graph_json == graph:
                    file.is_modified = _OutputMissing(file.abs_dest_path)  # type: ignore[method-assign]
            elif file.src_uri in self._data_files and self.rebuilds:
                # The other files we generate (the whole long listings, the explorer's tree): MkDocs
                # writes a generated file on every build; an unchanged one is left as it is.
                content = sources[file.src_uri] = self._data_files[file.src_uri]
                if not plan.full and tracker.sources.get(file.src_uri) == content:
                    file.is_modified = _OutputMissing(file.abs_dest_path)  # type: ignore[method-assign]
        self._pending = (site_key, sources, {f.abs_dest_path for f in files if f.abs_dest_path}, plan)

    def _shared_results_again(self, results: set[str], published: set[str]) -> set[str]:
        """Run again the long shared results an edit may have changed (`BuildPlan.results`), for their
        results files; returns the pages to render again: those showing a result that is now short
        enough to be shown inline (or fails), and the notes embedding them."""
        runner, tracker = self.dataview_runner, self.state.tracker
        if runner is None:
            return set()
        inline = {shared for shared in results if not runner.shared_result(tracker.placeholders[shared], shared)}
        pages = tracker.queries.showing(inline)
        pages |= tracker.links.embedders(pages)
        return {page for page in pages if page in published}

    def finish_build(self) -> None:
        """The build completed: write the alias redirects, remove the outputs of pages and files that
        are gone (deleted or unpublished notes, emptied listings, aliases no longer there), keep
        Material's search index whole, and remember what was built for the next rebuild."""
        from ..incremental import remove_outputs

        pending = getattr(self, "_pending", None)
        if pending is None:
            return
        site_key, sources, outputs, _plan = pending
        outputs = outputs | self._write_alias_redirects(outputs) | self._write_shared_results(outputs)
        tracker = self.state.tracker
        gone = tracker.outputs - outputs
        remove_outputs(gone, self.config.site_dir)
        self._merge_search_index(gone)
        tracker.site_key, tracker.sources, tracker.outputs = site_key, sources, outputs
        pages = self.site_pages
        has_graph = pages is not None and "graph/index.md" in self.generated and self.rebuilds
        tracker.graph_json = pages.graph_json() if pages is not None and has_graph else None
        tracker.built = True
        self._pending = None

    def write_search_index(self) -> None:
        """A one-shot build writes Material's search index itself, the same bytes a few hundred entries
        at a time (`searchindex.write_search_index`), and turns the search plugin's own writing off: that
        made the whole text twice over at the build's end, its peak memory (+120-190 MiB at 50,000 notes).
        Only for Material's plugin as released (its index class not replaced, no previous index to merge)."""
        if self.rebuilds:
            return
        from .searchindex import write_search_index

        for plugin in self.config.plugins.values():
            if not _is_material_search(plugin) or not plugin.config.enabled:
                continue
            index = getattr(plugin, "search_index", None)
            released = getattr(sys.modules[type(plugin).__module__], "SearchIndex", None)
            if released is None or type(index) is not released or getattr(plugin, "search_index_prev", None):
                continue
            path = os.path.join(self.config.site_dir, "search", "search_index.json")
            write_search_index(path, index.config, index.entries)
            plugin.config.enabled = False  # (its `on_post_build`, which runs after ours, writes nothing)

    def _write_shared_results(self, outputs: set[str]) -> set[str]:
        """The whole shared query results the site's pages link to (`extensions.write_shared_results`)."""
        from .extensions import write_shared_results

        return write_shared_results(self, self.config.site_dir, outputs)

    def _merge_search_index(self, gone: set[str]) -> None:
        """Material's search plugin, under `--dirty`, merges the re-rendered pages into the previous
        index assuming one page was rendered (it drops every old entry whose URL starts with the first
        new entry's): with several pages, or the home page first, that duplicates or loses entries.
        Merge here instead: drop the old entries of every re-rendered or removed page, keep the rest."""
        site_dir = os.path.abspath(self.config.site_dir)
        dropped = set()
        for path in gone:
            rel = os.path.relpath(path, site_dir).replace(os.sep, "/")
            # As MkDocs writes a page's URL, which the entries' locations are: percent-encoded.
            dropped.add(urllib.parse.quote(rel.removesuffix("index.html")))
        for page in self._rendered:
            if has_content(page):
                dropped.add(page.url)
        tracker = self.state.tracker
        for plugin in self.config.plugins.values():
            previous = getattr(plugin, "search_index_prev", None)
            index = getattr(plugin, "search_index", None)
            if index is None or not hasattr(index, "entries"):
                continue
            if self.rebuilds and self.search_json is not None and _is_material_search(plugin):
                self.search_json.install(plugin)  # each kept entry's JSON from the last build
            if previous is None:
                if self.rebuilds:  # the next merge's: each entry's page, read while they are fresh
                    tracker.search_pages = (index.entries, [_entry_page(e) for e in index.entries])
                continue
            entries, fresh = previous.entries, index.entries
            # The page of each old entry, as the last merge kept them for the list it made: reading
            # every entry's location again, after a build of 10,000 pages has scattered them over
            # the heap, took 16 ms a rebuild (32,000 entries).
            made = tracker.search_pages
            if made is not None and made[0] is entries and len(made[1]) == len(entries):
                pages = made[1]
            else:
                pages = [_entry_page(e) for e in entries]
            keep = [page not in dropped for page in pages]
            index.entries = list(itertools.compress(entries, keep)) + fresh
            tracker.search_pages = (
                index.entries,
                list(itertools.compress(pages, keep)) + [_entry_page(e) for e in fresh],
            )
            plugin.search_index_prev = None  # merged already: Material's own merge must not run

    def release(self) -> None:
        """Drop this build's pages data and the pages' shared Markdown converter (`on_shutdown`):
        MkDocs keeps its pages until the process ends, and through the converter's extensions they
        would keep the whole vault."""
        from .rendering import VaultPage

        for page in self._rendered:
            if isinstance(page, VaultPage):
                page.renderer = None
        self._rendered = []
        self._shared = None
        self.site_pages = None
        if self.dataview_runner is not None:
            self.dataview_runner.forget()  # its query context holds every page object
        self.generated.clear()
        self._generated_html.clear()
        self._data_files.clear()
        self.note_of_uri.clear()
        self.nav_cache = NavCache()
        if self._listings_dir is not None:
            shutil.rmtree(self._listings_dir, ignore_errors=True)
            self._listings_dir, self._listing_paths = None, []

    def source_of(self, file: File) -> str | None:
        path = self.note_of_uri.get(file.src_uri)
        if path is not None:
            assert self.state.vault is not None
            # MkDocs strips a leading YAML block or "Key: value" lines from every page as metadata;
            # a note's body is all text, so a blank first line keeps MkDocs from taking any of it.
            return "\n" + self.state.vault.notes[path].body
        generated = self.generated.get(file.src_uri)
        if generated is not None:
            return self._light_source(file.src_uri, generated[1])
        return None

    # -- navigation -----------------------------------------------------------------------------------
    def nav(self, nav: Navigation, files: Files) -> Navigation:
        """Home, then the top-level folders and the listings (directory, timeline, tasks, tags, graph)
        as two sections; never every note (MkDocs renders the whole nav into every page)."""
        from mkdocs.structure.nav import Section

        from ..pages.addresses import src_uri_of
        from ..pages.generated import BROWSE

        def page_of(uri: str) -> Page | None:
            file = files.get_file_from_path(uri)
            return file.page if file is not None and isinstance(file.page, Page) else None

        for page in nav.pages:
            page.previous_page = page.next_page = None
            page.parent = None
        pages: list[Page] = []
        home = page_of(self.home_uri)
        if home is not None:
            pages.append(home)
        folders = [p for _t, uri in self.sections if (p := page_of(uri)) is not None and p not in pages]
        pages += folders
        browse = [p for _t, url in BROWSE if (p := page_of(src_uri_of(url))) is not None and p not in pages]
        pages += browse
        items: list[Page | Section] = [home] if home is not None else []
        for title, children in (("Vault", folders), ("Browse", browse)):
            if children:
                section = Section(title, list(children))
                for child in children:
                    child.parent = section
                items.append(section)
        for page in pages:
            # Set now, not only when a page renders: under `--dirty`, the pages that do not render
            # again still show in the navigation of those that do.
            title = self._title_of(page)
            if title is not None:
                page.title = title
        for a, b in itertools.pairwise(pages):
            a.next_page, b.previous_page = b, a
        return Navigation(items, pages)

    # -- rendering --------------------------------------------------------------------------------------
    def note_for(self, page: Page) -> str | None:
        return self.note_of_uri.get(page.file.src_uri)

    def before_render(self, page: Page, markdown: str) -> str:
        path = self.note_for(page)
        title = self._title_of(page)
        if title is not None:
            page.title = title
            if path is not None:
                page.meta = {"title": title}
        from .extensions import set_current

        set_current(self, path)
        return markdown

    def _title_of(self, page: Page) -> str | None:
        """The title of a note's or a generated page. Material writes titles into the header and the
        search index without escaping them, so they are escaped here once (an escaped title still
        reads right in <title>)."""
        path = self.note_for(page)
        if path is not None:
            assert self.state.vault is not None
            return html.escape(self.state.vault.notes[path].title)
        generated = self.generated.get(page.file.src_uri)
        return html.escape(generated[0]) if generated is not None else None

    def _light_source(self, src_uri: str, markdown: str) -> str:
        """A generated page whose body is raw HTML blocks only is handed to MkDocs as its metadata and a
        marker; the HTML goes in after rendering (`after_render`). Python-Markdown's raw-HTML
        handling is slow on big listings (a directory of 1,500 people) and has nothing to do there."""
        meta, body = "", 0  # the metadata, and where the body starts
        if markdown.startswith("---\n"):
            end = markdown.find("\n---\n", 4)
            if end < 0:
                return markdown
            meta, body = markdown[: end + 5], end + 5
        blocks = _blocks(markdown, body)
        if not all(_RAW_BLOCK.match(b) for b in blocks):
            return markdown  # not raw HTML blocks only: let Markdown render it
        self._generated_html[src_uri] = "\n".join(blocks)  # as Python-Markdown joins blocks
        return f"{meta}\n{GENERATED_MARKER}\n"

    def after_render(self, page: Page, html_text: str) -> str:
        """Note pages get their properties panel (their timeline, linked mentions and local graph are
        made in `page_context`); the home page gets links to the listings (pages/generated.py). In a
        one-shot build a note page's Markdown is made again from the note if read, not kept."""
        if not self.rebuilds:
            path = self.note_for(page)
            if path is not None:
                assert self.state.vault is not None
                remake_markdown(page, _NoteSource(self.state.vault.notes[path]))
        return _compact(self._decorate(page, html_text))

    def _decorate(self, page: Page, html_text: str) -> str:
        injected = self._generated_html.pop(page.file.src_uri, None)
        if injected is not None:
            html_text = html_text.replace(f"<p>{GENERATED_MARKER}</p>", injected, 1)
        pages = self.site_pages
        if pages is None:
            return html_text
        home = page.file.src_uri == self.home_uri
        path = self.note_for(page)
        if path is not None:
            assert self.state.vault is not None
            note = self.state.vault.notes[path]
            html_text = pages.decorate_note(note, page.url, html_text, home=home)
            listing = self._folder_listing(page.file.src_uri)
            return html_text + listing if listing else html_text
        if home:
            from ..pages.generated import insert_after_title

            return insert_after_title(html_text, pages.browse_box(page.url))
        return html_text

    def _folder_listing(self, src_uri: str) -> str:
        """For a note at a top-level folder's URL (its folder note), the folder's listing, which then
        goes below the note's text instead of onto a page of its own."""
        if self.section_pages is None or src_uri == self.home_uri:
            return ""
        for folder, uri in self.sections:
            if uri == src_uri and folder in self.section_pages.pages:
                from ..pages.sections import listing_below_note

                return listing_below_note(self.section_pages.pages[folder])
        return ""

    def start_rendering(self, config: MkDocsConfig) -> None:
        from .rendering import shared_markdown

        self._shared = shared_markdown(config)
        self._rendered = []
        if not self.rebuilds and self.state.vault is not None:
            # Each note's body is read once more, as its page renders (and by embeds): kept as UTF-8.
            compact_bodies(self.state.vault.notes.values())
        if not self.rebuilds:
            give_back_free_memory()  # what loading, indexing and the listings made and dropped
        # Packing every page's HTML (`rendering.pack`) costs about 1.3 s of CPU per 10,000 notes and saves a
        # quarter of a gigabyte per 50,000: done where the memory matters, not below PACK_MIN_NOTES.
        notes = self.state.vault.notes if self.state.vault is not None else {}
        self._pack = not self.rebuilds and len(notes) >= PACK_MIN_NOTES

    def page_starts(self, page: Page) -> None:
        """`page` is about to render (MkDocs renders only the modified pages under `--dirty`). In a
        one-shot build the page rendered before it, which every plugin is done with until `on_env`, has
        its HTML held packed (`rendering.pack`)."""
        from .rendering import adopt, pack

        if self._pack and self._rendered:
            pack(self._rendered[-1])
        adopt(page, self._shared)
        self._rendered.append(page)

    def finish_pages(self) -> None:
        """Second phase: every page is rendered, so link placeholders can become real links."""
        from .extensions import finish
        from .rendering import pack

        if not self.rebuilds:
            self.drop_query_pages()  # before the pages' HTML is made again, which may reuse that memory
        for page in self._rendered:
            if has_content(page):
                page.content = finish(self, page, self.note_of_uri.get(page.file.src_uri))
                if self._pack:
                    pack(page)  # (held until its template, in the third phase)
        pending = getattr(self, "_pending", None)
        if not self.rebuilds and pending is not None:
            # The long shared results' files, now that every page's links to them are known: here the
            # memory the page objects held is free, where at `on_post_build` (`finish_build`, which then
            # finds nothing left to write) their text came on top of the build's peak.
            self._write_shared_results(pending[2])
        if not self.rebuilds:
            give_back_free_memory()  # what the page objects and the pages' first HTML held

    def drop_query_pages(self) -> None:
        """A one-shot build (`mkdocs build`) has run every query once every page is rendered: drop the
        Dataview page objects and row indexes now rather than at `on_shutdown`. They are the largest
        thing the build holds (BENCHMARKS.md, "What holds the memory"), and the templates phase that
        follows adds its own peak on top of them. Nothing can ask again: the notes no longer hold their
        list items (`VaultState.release_list_items`)."""
        from ..dataview.batch import forget_state

        if self.dataview_runner is not None:
            self.dataview_runner.forget()
        forget_state(self.state)

    def hand_search_its_view(self, page: Page) -> None:
        """Just before the search plugin parses `page.content` (its on_page_context): hand it the search
        view, and keep what the page shows until `page_context`, which runs after it (searchview.py).
        One page at a time, so the build never holds two copies of every page. The search view is
        also `lighten`ed: the same index for a cheaper parse."""
        content = page.content
        search = page.meta.get("search")
        if content is None:
            return
        if isinstance(search, dict) and search.get("exclude"):
            # Material's search plugin skips the page (listings), then strips every `data-search-*="…"`
            # attribute from it: a regex pass over a listing's megabytes that finds none (ours are
            # bare). With none there, it gets nothing to strip, and the page its content back after.
            if _SEARCH_ATTRIBUTE.search(content) is None and self._only_material_search_reads():
                self._page_view, page.content = content, ""
            return
        marked = has_markers(content)
        view = lighten(search_view(content) if marked else content)
        if view is not content:
            self._page_view = page_view(content) if marked else content
            page.content = view

    def _only_material_search_reads(self) -> bool:
        """Is Material's search plugin, which skips pages excluded from search, the only other plugin
        reading pages between our two `on_page_context` handlers? (MkDocs' own search indexes them.)"""
        if self._search_check is None:
            ours = {id(self.plugin)} if self.plugin is not None else set()
            readers = [getattr(m, "__self__", None) for m in self.config.plugins.events["page_context"]]
            self._search_check = all(
                id(owner) in ours or _is_material_search(owner)
                for owner in readers
            )
        return self._search_check

    def page_context(self, context: dict[str, Any], page: Page) -> dict[str, Any]:
        shown = self._page_view
        if shown is not None:
            page.content, self._page_view = shown, None
        if self._pack:
            # MkDocs keeps the page's HTML to the end of the build: held packed from now on, but for the
            # template's reads, which come next (`pack` keeps the text for them).
            from .rendering import pack

            pack(page, shown)
        self.nav_cache.context(context, page)
        context["vault_footer"] = ""
        path = self.note_for(page)
        if path is not None:
            assert self.state.vault is not None
            note = self.state.vault.notes[path]
            if self.site_pages is not None:
                # Made here, as the template writes it, rather than kept from rendering: 10,000
                # footers held until the last page is written were a tenth of the peak memory.
                footer = self.site_pages.note_footer(note, page.url)
                context["vault_footer"] = footer
                _add_to_toc(page, footer)
            context["vault_note"] = {
                "path": note.path,
                "folder": note.folder,
                "breadcrumbs": self._breadcrumbs(page, note.folder),
            }
        return context

    def _breadcrumbs(self, page: Page, folder: str) -> list[dict[str, str | None]]:
        """The note's folder path above its title; a top-level folder links to its section page (or its
        folder note, which takes that page's URL), a folder below to its folder note if it has one."""
        crumbs: list[dict[str, str | None]] = []
        parts = folder.split("/") if folder else []
        for i, part in enumerate(parts):
            href = None
            # The last section of that title, as a dict of them would hold (a few: none made per page).
            target = (
                next((uri for title, uri in reversed(self.sections) if title == part), None)
                if i == 0
                else self._folder_page(parts[: i + 1])
            )
            if target is not None and target != page.file.src_uri:  # (a folder note's own folder: itself)
                url = _uri_to_url(target)
                # For a directory URL `relative` gives what get_relative_url gives, without normalising.
                href = (
                    relative(url, page.url) if url.endswith("/") else get_relative_url(url, page.url or ".")
                )
            crumbs.append({"title": part, "href": href})
        return crumbs

    def _folder_page(self, parts: list[str]) -> str | None:
        """The src_uri of the folder note (`A/B/B.md`, else `A/B/index.md`) of the folder `parts`, if one
        is published."""
        urls = self.state.urls
        assert urls is not None
        folder = "/".join(parts)
        for path in (f"{folder}/{parts[-1]}.md", f"{folder}/index.md"):
            if urls.has_note(path):
                return urls.note_src_uri(path)
        return None

    def post_build(self) -> None:
        if self.options.publish_report:
            from ..pages.report import publish_report

            # Beside mkdocs.yml, never inside site/: the report names notes that are held back.
            out = Path(self.config.config_file_path or ".").parent / self.options.publish_report
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(publish_report(self.state), encoding="utf-8")
        if self.options.index_file:
            self.state.write_index(self.options.index_file)

    def _write_alias_redirects(self, pages: set[str]) -> set[str]:
        """Every alias of a published note gets a small page that redirects to the note, unless a page
        of this build (`pages`: output paths) lives there. Returns the redirects' paths: they are this
        build's outputs too, so a redirect whose alias or note went away is removed under `--dirty`.
        A serve rebuild writes only the redirects that differ from the last build's."""
        from ..pages.redirects import redirect_page

        state = self.state
        assert state.vault is not None and state.urls is not None
        site_dir = os.path.abspath(self.config.site_dir)
        aliases = {
            p: state.vault.notes[p].aliases for p in state.decision.notes if state.vault.notes[p].aliases
        }
        written = state.tracker.redirects
        now: dict[str, str] = {}
        # Aliases, and the old URLs of folder notes (urls.is_folder_note): the folder note's wins.
        redirects = {**state.urls.alias_urls(aliases), **state.urls.folder_note_redirects()}
        for url, path in redirects.items():
            out = os.path.normpath(os.path.join(site_dir, url, "index.html"))
            if out in pages:
                continue  # a page of this build already lives there
            target = get_relative_url(state.urls.note_url(path) or ".", url)
            now[out] = redirect_page(target, state.vault.notes[path].title)
            if written.get(out) != now[out] or not os.path.isfile(out):
                os.makedirs(os.path.dirname(out), exist_ok=True)
                Path(out).write_text(now[out], encoding="utf-8")
        state.tracker.redirects = now
        return set(now)


# Characters beyond the Basic Multilingual Plane (the 📅 and ✅ of task dates) make Python store a whole
# string at four bytes a character; MkDocs keeps every page's HTML until the build ends.
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


# What Material's search plugin strips from every page (`\s?data-search-\w+="[^"]+"`), found fast: a
# literal start lets the regex engine skip ahead.
_SEARCH_ATTRIBUTE = re.compile(r'data-search-\w+="')


class _NoteSource:
    """A note page's Markdown as MkDocs makes it from `source_of` (its body after a blank line): its
    metadata reader finds none, joins the lines back with line feeds and strips the leading ones."""

    __slots__ = ("note",)

    def __init__(self, note: Any) -> None:
        self.note = note

    def __call__(self) -> str:
        body = self.note.body
        if "\r" in body:
            body = body.replace("\r\n", "\n").replace("\r", "\n")
        return body.lstrip("\n")


def _compact(html_text: str) -> str:
    """The page's HTML with characters beyond the BMP as character references, which the browser and
    the search plugin read back as the same characters: a page with one emoji then takes half or a
    quarter of the memory (at 10,000 notes, about 100 MB less). Not where references are not read
    back (inside <script> or <style>)."""
    if html_text.isascii() or _narrow(html_text):  # (`isascii` is a flag of the string: no scan)
        return html_text
    found = _ASTRAL.search(html_text)
    if found is None or "<script" in html_text or "<style" in html_text:
        return html_text
    # One replace per distinct character (a page of tasks has thousands of the same two), not a
    # Python call per occurrence; nothing before the last one found needs looking at again.
    while found is not None:
        char = found.group()
        html_text = html_text.replace(char, f"&#x{ord(char):X};")
        found = _ASTRAL.search(html_text, found.start())
    return html_text


def _blocks(text: str, start: int = 0) -> list[str]:
    """`[b.strip() for b in text[start:].strip().split("\n\n")]`: the blocks of Markdown text from
    `start`, found with less reading and copying, which shows on the big listings (a tasks page of
    4.5 MB on one line: 5 ms, now 0.1): line breaks are looked for one by one, as a one-character
    `find` runs at memory speed and a two-character split far slower, and the text is copied once."""
    end = len(text)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    blocks, at, lines = [], text.find("\n", start, end), 0
    while at >= 0:
        if text.startswith("\n", at + 1, end):
            blocks.append(text[start:at].strip())
            start = at + 2
            at = text.find("\n", start, end)
        elif lines < 64:
            lines += 1
            at = text.find("\n", at + 1, end)
        else:  # many short lines (a section page): splitting the rest is quicker
            return blocks + [b.strip() for b in text[start:end].split("\n\n")]
    blocks.append(text[start:end].strip())
    return blocks


def _narrow(text: str) -> bool:
    """Does the long page `text` surely hold no character beyond the BMP? UTF-16 writes two bytes for
    every other character and four for those: encoding a tasks page of 4.5 MB takes 2 ms, where
    searching it for such a character takes 14 (a serve rebuild writing an unpublished note's listings
    again wrote four such pages). Short pages are searched: there the encoding would cost more than
    it saves."""
    return len(text) > NARROW_CHECK_MIN and len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text)


NARROW_CHECK_MIN = 100_000  # characters


def _newest_mtime(folder: str) -> int:
    """The latest modification time (ns) of a file in `folder` or below; 0 for none."""
    newest = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        try:
            if entry.is_dir():
                newest = max(newest, _newest_mtime(entry.path))
            else:
                newest = max(newest, entry.stat().st_mtime_ns)
        except OSError:
            continue
    return newest


def _always_modified() -> bool:
    return True


class _OutputMissing:
    """`File.is_modified` for a page that need not render again, unless its output is gone. MkDocs
    asks twice per page (before reading it and before writing it): the file is looked for once."""

    __slots__ = ("dest", "missing")

    def __init__(self, dest: str) -> None:
        self.dest = dest
        self.missing: bool | None = None

    def __call__(self) -> bool:
        if self.missing is None:
            self.missing = not os.path.isfile(self.dest)
        return self.missing


def _add_to_toc(page: Page, footer: str) -> None:
    """The footer's sections (timeline, linked mentions, graph) as the last entries of the page's table of
    contents, where Material's template lists them: under the note's `# Title` when it has one."""
    from mkdocs.structure.toc import AnchorLink

    from ..pages.generated import panel_headings

    entries = panel_headings(footer) if footer else []
    if not entries or page.toc is None:
        return
    items = page.toc.items
    target = items[0].children if items and items[0].level == 1 else items
    target.extend(AnchorLink(title, anchor, 2) for anchor, title in entries)


def _is_material_search(plugin: Any) -> bool:
    return type(plugin).__module__ == "material.plugins.search.plugin"


def _entry_page(entry: dict[str, Any]) -> str:
    """The page URL of a search index entry (its location without the `#section`)."""
    return entry.get("location", "").partition("#")[0]


def _uri_to_url(src_uri: str) -> str:
    if src_uri == "index.md":
        return ""
    return posixpath.dirname(src_uri) + "/" if src_uri.endswith("/index.md") else src_uri[:-3] + "/"
