"""MkDocs glue: each event hands its work to a stage. No parsing and no SQL here.

Event plan (MkDocs 1.6 order):
- on_startup: marks the plugin as kept across `mkdocs serve` rebuilds, so the loaded vault, the index
  and the per-file cache survive between them.
- on_config: builds the stages, adds our Markdown extensions and template folder, and points MkDocs'
  `docs_dir` at an empty folder of ours: MkDocs' own walk of docs_dir follows symbolic links (two links
  to the vault folder itself take exponential time, one to `/` walks the whole disk), and the loader
  lists the vault's files itself, following none. `on_serve` watches the vault instead.
- on_files: runs the pipeline (load -> resolve -> publish -> index), then replaces every file MkDocs
  found in docs_dir by the published notes at their URLs, the published attachments and our
  generated pages. Nothing unpublished is in `files` after this, so nothing else can copy it.
- on_nav: a small navigation (home, sections, generated pages), never every note; then the build's
  one Markdown converter is made (`rendering.py`), and until on_post_build what each full garbage
  collection leaves alive is frozen (`pipeline.freeze_survivors`).
- on_pre_page: the page is about to render: through the build's shared converter (`rendering.py`).
- on_page_read_source: supplies each note's body (decoded by our loader; MkDocs' reader never runs).
- on_page_markdown: tells the Markdown extensions which note is rendering.
- on_env: the second rendering phase: every page is rendered, so link placeholders become links.
- on_post_build: logs the diagnostics and the timings, writes the optional report and index file,
  minifies our script and stylesheet in the site (theme.py) unless done already; in a one-shot build
  it writes Material's search index itself, in pieces (`SiteBuilder.write_search_index`).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ..pipeline import FREEZE_MIN_NOTES, Options, VaultState, freeze_survivors
from .blockcache import BlockCache
from .config import VaultConfig
from .navcache import OVERRIDES, add_theme_loader
from .searchindex import SearchIndexJson
from .site import NoteFiles, OneBuildDate, SiteBuilder
from .templatecache import TemplateCodeCache
from .theme import OwnAssets, ThemeListing, supply_theme

log = get_plugin_logger(__name__)

class VaultPlugin(BasePlugin[VaultConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.state: VaultState | None = None
        self.site: SiteBuilder | None = None
        self._state_key: tuple | None = None
        self._started = 0.0
        self._templates = TemplateCodeCache()  # kept across serve rebuilds, like the plugin
        self._note_files = NoteFiles()
        self._build_date = OneBuildDate()
        self._search_json = SearchIndexJson()  # the search index entries' JSON, kept across rebuilds
        self._assets = OwnAssets()  # our script and stylesheet, minified in the site once
        self._theme_listing = ThemeListing()  # the installed themes' files, listed once per process
        self.command: str | None = None  # set by on_startup; None when MkDocs did not call it
        self.vault_dir = ""  # the vault: the docs_dir of mkdocs.yml
        self._empty_dir: str | None = None  # the docs_dir MkDocs is given (see on_config)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup makes MkDocs keep this instance across serve rebuilds.
        self.command = command
        self.dirty = dirty

    @property
    def _rebuilds(self) -> bool:
        # `mkdocs build` and `gh-deploy` build once: nothing would read what a rebuild reuses.
        return self.command not in ("build", "gh-deploy")

    @event_priority(100)  # before Material's search plugin reads the theme (its on_config)
    def _on_config_theme(self, config: MkDocsConfig) -> MkDocsConfig:
        if self._rebuilds:
            self._theme_listing.install(config, self._templates)
        return config

    def _on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._started = time.perf_counter()
        options = Options.from_config(self.config)
        vault_dir = config.docs_dir
        if self._empty_dir is not None and os.path.abspath(vault_dir) == self._empty_dir:
            vault_dir = self.vault_dir  # (a config this plugin has seen already)
        self.vault_dir = vault_dir
        key = (str(Path(vault_dir).resolve()), repr(options))
        if self.state is None or self._state_key != key:
            self.state = VaultState(vault_dir, options)
            self._state_key = key
        rebuilds = self._rebuilds
        self.site = SiteBuilder(self.state, self.config, config, self._note_files, rebuilds=rebuilds)
        self.site.plugin = self
        self.site.search_json = self._search_json
        self.site.configure_markdown(config)
        if config.nav is None:
            # Our on_nav builds the navigation; without a configured nav MkDocs would first nest every
            # note into one (over a second per build at 10,000 notes) only for us to replace it.
            config.nav = ["index.md"]
            config.validation.nav.omitted_files = logging.DEBUG
        # Our templates and stylesheet, and a light/dark palette if none is set. Mermaid, KaTeX and the
        # graph library are served by the site itself, and loaded by vault.js only where a page needs them.
        supply_theme(config)
        # MkDocs walks docs_dir for its files after this event: an empty folder of ours, since every
        # file of the site comes from the loader's own listing of the vault (`SiteBuilder.files`).
        if self._empty_dir is None:
            self._empty_dir = os.path.abspath(tempfile.mkdtemp(prefix="mkdocs-vault-docs-"))
        config.docs_dir = self._empty_dir
        return config

    on_config = CombinedEvent(_on_config_theme, _on_config)

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        """MkDocs watches docs_dir, which is our empty folder: watch the vault."""
        if self.vault_dir:
            server.watch(self.vault_dir)
        return server

    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.state is not None and self.site is not None
        self.state.site_files = self.site.own_files(files)
        self.state.refresh()
        with self.state.lasting():
            files = self.site.files(files)
        self._build_date.hold()  # until on_nav: MkDocs makes a Page per note in between
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        assert self.site is not None
        self._build_date.release()
        nav = self.site.nav(nav, files)
        self.site.start_rendering(config)  # every page renders through one shared Markdown converter
        vault = self.state.vault if self.state is not None else None
        freeze_survivors(vault is not None and len(vault.notes) >= FREEZE_MIN_NOTES)
        return nav

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        assert self.site is not None
        self.site.page_starts(page)
        return page

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        assert self.site is not None
        return self.site.source_of(page.file)

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.site is not None
        return self.site.before_render(page, markdown)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.site is not None
        return self.site.after_render(page, html)

    @event_priority(-50)
    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        assert self.site is not None
        self.site.finish_pages()
        add_theme_loader(env, config.theme.dirs, OVERRIDES)
        env.bytecode_cache = self._templates
        BlockCache(config.theme.custom_dir, config.theme.get("features")).install(env)
        return env

    @event_priority(100)  # before the search plugin reads the page (searchview.py)
    def _on_page_context_before_search(self, context, *, page: Page, config: MkDocsConfig, nav: Navigation):
        assert self.site is not None
        self.site.hand_search_its_view(page)
        return context

    @event_priority(-100)  # after the search plugin has read the page
    def _on_page_context_after_search(self, context, *, page: Page, config: MkDocsConfig, nav: Navigation):
        assert self.site is not None
        return self.site.page_context(context, page)

    on_page_context = CombinedEvent(_on_page_context_before_search, _on_page_context_after_search)

    def on_build_error(self, *, error: Exception) -> None:
        self._build_date.release()  # (a build that failed before on_nav)

    def on_shutdown(self) -> None:
        """The command is done (`mkdocs build` has written the site; `mkdocs serve` is stopping).
        Release the vault here, by reference counting: left to the interpreter's exit, the last
        garbage collection walked every object of a 10,000-note vault (4.6 s after the build)."""
        freeze_survivors(False)  # (a build that failed did not reach on_post_build)
        self._build_date.release()
        if self.site is not None:
            self.site.release()
        if self.state is not None:
            self.state.release()
        self.state = self.site = None
        self._state_key = None
        self._note_files = NoteFiles()
        self._search_json.clear()
        if self._empty_dir is not None:
            shutil.rmtree(self._empty_dir, ignore_errors=True)
            self._empty_dir = None

    @event_priority(50)  # before the search plugin writes its index (site.finish_build merges it)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.state is not None and self.site is not None
        freeze_survivors(False)  # every page is written
        self.site.finish_build()
        self.site.write_search_index()
        self.site.post_build()
        self._assets.minify(config)
        state = self.state
        state.diagnostics.log_to(log)
        warnings = state.diagnostics.count("warning") + state.diagnostics.count("error")
        infos = state.diagnostics.count("info")
        t = state.timings
        log.info(
            "%d published notes, %d held back; %d warnings, %d infos; load %.2fs, resolve %.2fs, "
            "index %.2fs, queries %.2fs, bases %.2fs, build %.2fs",
            len(state.decision.notes), len(state.decision.held_notes), warnings, infos,
            t.get("load", 0), t.get("resolve", 0), t.get("index", 0), t.get("queries", 0), t.get("bases", 0),
            time.perf_counter() - self._started,
        )
