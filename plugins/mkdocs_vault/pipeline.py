"""The stages in order: vault files -> notes (private values taken out) -> names resolved over all notes ->
publish filter -> index.

`VaultState` runs them and keeps their results between runs, so `mkdocs serve` re-reads only changed
files and updates the index one note at a time. It knows nothing of MkDocs: the plugin and the CLI
both drive it.
"""

from __future__ import annotations

import atexit
import ctypes
import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from .clock import Clock
from .diagnostics import INFO, WARNING, Diagnostics
from .incremental import DependencyTracker
from .index.build import DEFERRED_TABLES, TABLES, IndexBuilder, build_index, connect, replace_notes
from .links.resolve import LinkResolver, Resolution
from .privacy import redact_notes
from .publish import PublishDecision, decide, is_base_file
from .urls import UrlMap, long_segment
from .vault.loader import Vault, VaultLoader

# URLs the generated pages use; notes never take them.
RESERVED_URLS = ("tags", "timeline", "tasks", "graph", "directory", "assets", "search")
# A refresh of at least this many notes freezes what is alive for the rest of the build (see
# `_freeze_heap`); below it the collector has little to walk.
FREEZE_MIN_NOTES = 2000


@dataclass
class Options:
    """The plugin options the stages need, independent of MkDocs' config classes."""

    exclude: list[str] = field(default_factory=list)
    publish_by_default: bool = True
    private_keys: list[str] = field(default_factory=list)
    unresolved_links: str = WARNING
    today: str | None = None
    timezone: str | None = None
    file_times: str = "auto"
    skip_templates: bool = True
    home: str | None = None
    dataview: str = "auto"  # on | off | auto (see dataview.settings)
    dataview_settings: dict[str, Any] = field(default_factory=dict)  # Dataview's own keys

    @classmethod
    def from_config(cls, config: object) -> Options:
        get = config.get if hasattr(config, "get") else lambda k, d=None: getattr(config, k, d)
        return cls(
            exclude=list(get("exclude") or []),
            publish_by_default=bool(get("publish_by_default", True)),
            private_keys=list(get("private_keys") or []),
            unresolved_links=get("unresolved_links") or WARNING,
            today=get("today"),
            timezone=get("timezone"),
            file_times=get("file_times") or "auto",
            home=get("home"),
            dataview=get("dataview") or "auto",
            dataview_settings=dict(get("dataview_settings") or {}),
        )


class VaultState:
    """Everything known about one vault for one build, reusable across rebuilds."""

    def __init__(self, root: Path | str, options: Options | None = None) -> None:
        self.root = Path(root).resolve()
        self.options = options or Options()
        self.diagnostics = Diagnostics()
        self.clock = Clock(self.options.today, self.options.timezone, self.options.file_times, self.root)
        self.loader = VaultLoader(
            self.root, self.clock, self.diagnostics, self.options.exclude, self.options.skip_templates
        )
        self.vault: Vault | None = None
        self.resolver: LinkResolver | None = None
        self.decision = PublishDecision()
        self.urls: UrlMap | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        # True while the index's `DEFERRED_TABLES` are still empty: they are filled on first use (`con`).
        self._deferred_pending = False
        self.timings: dict[str, float] = {}
        self.changed: set[str] = set()  # notes and attachments changed by the last refresh
        self.names_changed = True  # did the last refresh re-resolve every link?
        self.generation = 0  # refreshes so far: page objects built for the previous one can be updated
        # Notes whose index rows were rewritten or removed since the site data last read the index
        # (`pages.data.SiteData.refreshed`); None: the index was built anew.
        self.reindexed: set[str] | None = None
        # Notes whose index rows the last refresh rewrote or removed; None: it built the index anew.
        self.index_changes: set[str] | None = None
        # What the last build read and wrote, kept for `mkdocs serve --dirty` (incremental.py).
        self.tracker = DependencyTracker()
        self._state_cache: dict[tuple[str, str], tuple[str | None, str]] = {}
        self._resolution_cache: dict[tuple[str, str], Resolution] = {}
        # The site's files that are not from the vault (the theme's, generated data): the adapter sets
        # them before a refresh, and no attachment takes one of their paths (`UrlMap`).
        self.site_files: frozenset[str] = frozenset()
        # True once `release_list_items` ran: the notes no longer hold their list items.
        self.list_items_released = False

    # -- the stages -------------------------------------------------------------------------------
    def refresh(self) -> VaultState:
        """Run every stage; after the first run only changed files are re-read and re-indexed."""
        if self.list_items_released:
            raise RuntimeError("the notes' list items were released for a one-shot build: nothing can refresh it")
        _thaw_heap()  # a rebuild under `mkdocs serve` replaces much of what the first build froze
        with self.lasting():
            self._refresh()
        return self

    @contextmanager
    def lasting(self) -> Iterator[None]:
        """Run a stage that makes objects lasting the whole build (the stages of `refresh`, the site's
        pages and listings) with the collector paused, and what was made frozen after. What a serve
        rebuild makes for its listings (their data, rows and pages) is otherwise walked again by every
        collection while MkDocs makes a `Page` for each of 10,000 notes (40 ms a rebuild)."""
        with _collector_paused():
            yield
            # Frozen before the collector is back on: the first allocation after `gc.enable()` would
            # otherwise start a collection that walks every object the stage made (0.2 s for the
            # stages at 10,000 notes), only for `gc.freeze` to set them all aside a moment later.
            if self.vault is not None and len(self.vault.notes) >= FREEZE_MIN_NOTES:
                _freeze_heap()

    def _refresh(self) -> None:
        """The stages themselves; `refresh` runs them with the garbage collector paused."""
        t0 = time.perf_counter()
        previous = self.vault
        tracker = self.tracker
        # A link graph left to be filled later reads the last refresh's links now, before some of
        # them (those of unchanged notes, which are the same objects) resolve anew below.
        links = tracker.links
        vault = self.loader.load()
        # Private values out before anything reads the notes (names, links, the publish decision).
        redact_notes(vault.notes, vault.changed, self.options.private_keys)
        t1 = time.perf_counter()
        names_changed = previous is None or _names_changed(previous, vault)
        if names_changed or self.resolver is None:
            self.resolver = LinkResolver(
                list(vault.notes) + list(vault.attachments) + sorted(vault.templates),
                {p: n.aliases for p, n in vault.notes.items()},
                vault.settings.attachment_folder,
            )
        self._state_cache.clear()
        if names_changed:
            self._resolution_cache.clear()
        self.vault = vault
        self._resolve_links(vault if names_changed else None)
        if previous is None:
            # Every note is new: the link graph is only to be filled, and a one-off build never reads
            # it (`fill_links_later`). No change to report either: every note is in `changed`, which
            # whoever reads `link_changes` also reads (and the index is built anew).
            tracker.fill_links_later(vault.notes)
            link_changes: dict[str, frozenset[str]] = {}
        else:
            # Whose links now lead elsewhere (every note when names changed: any link may resolve anew).
            relinked = set(vault.notes) | set(links.seq) if names_changed else vault.changed
            link_changes = links.update(vault.notes, relinked)
        t2 = time.perf_counter()
        was_published = set(self.decision.notes)
        left_out = dict(vault.excluded)
        left_out.update(dict.fromkeys(vault.templates, "in the templates folder"))
        self.decision = decide(vault.notes, vault.attachments, self.options.publish_by_default, left_out)
        flipped = was_published ^ set(self.decision.notes) if previous is not None else set()
        pages, files = url_inputs(vault, self.decision)
        bases = pages.keys() - self.decision.notes.keys()
        if self.urls is None:
            self.urls = UrlMap(
                pages,
                files,
                RESERVED_URLS,
                self.options.home,
                self.site_files,
            )
            moved: set[str] = set()
        else:
            # URLs depend only on which notes are published, their permalinks and the home option: the
            # map is updated for the notes read again or (un)published since it was made, rather than
            # made again (slugifying every path and settling every clash: 20 ms at 10,000 notes). It
            # names the notes whose URL changed: a note coming or going can take or free a URL another
            # had a suffix for.
            maybe = vault.changed | ((self.decision.notes.keys() | bases) ^ self.urls.note_paths())
            changes = {
                p: vault.notes[p].frontmatter if p in self.decision.notes else {} if p in bases else None
                for p in maybe
            }
            self.urls, moved = self.urls.updated(changes, files)
        self._report_long_urls(vault.changed)
        for path, url in self.urls.clashes.items():
            self.diagnostics.report(
                path, None, "url",
                f"would replace the site's own {url}; published under a -2 name instead",
            )
        t3 = time.perf_counter()
        self._index(previous, was_published, flipped, set(link_changes) | moved)
        t4 = time.perf_counter()
        self.changed = set(vault.changed)
        self.names_changed = names_changed
        self.generation += 1
        tracker.changed = set(vault.changed)
        tracker.link_changes = link_changes
        tracker.flipped = flipped
        tracker.moved = moved
        tracker.names_changed = names_changed
        self.timings.update(load=t1 - t0, resolve=t2 - t1, publish=t3 - t2, index=t4 - t3, queries=0.0, bases=0.0)

    def _report_long_urls(self, paths: set[str]) -> None:
        """Warn about each published note or attachment among `paths` that a name, permalink, alias or
        type longer than file systems allow gave a shortened URL segment (`urls.shorten`)."""
        assert self.vault is not None
        notes, attachments = self.vault.notes, self.decision.attachments
        self.diagnostics.forget(paths, ("url",))
        for path in paths:
            if path in self.decision.notes:
                note = notes[path]
                text = long_segment(path, note.frontmatter, note.aliases)
            elif path in attachments:
                text = long_segment(path)
            else:
                continue
            if text is not None:
                shown = text if len(text) <= 60 else text[:60] + "…"
                self.diagnostics.report(
                    path, None, "url",
                    f"'{shown}' ({len(text.encode('utf-8'))} bytes) makes a URL segment longer than file "
                    f"systems allow; shortened to its beginning and a hash",
                )

    def _resolve_links(self, full: Vault | None) -> None:
        """Resolve every link of every note (or only of changed notes when no name changed)."""
        assert self.vault is not None and self.resolver is not None
        notes = self.vault.notes
        paths = notes.keys() if full is not None else [p for p in self.vault.changed if p in notes]
        level = INFO if self.options.unresolved_links == "info" else WARNING
        cache = self._resolution_cache
        for path in paths:
            note = notes[path]
            self.diagnostics.forget([path], ("unresolved-link", "ambiguous-link"))
            # `_cache_key` of a link with a target, made once per note rather than for each of its
            # links (some 80,000 at 10,000 notes): the cache is read here, and `resolve` fills it.
            folder = path.rpartition("/")[0]
            for link in note.links:
                target = link.target
                if not target:
                    link.resolved = path  # [[#Heading]] on the same page
                    continue
                res = cache.get((target, folder)) if target.strip() else None
                if res is None:
                    res = self.resolve(target, path)
                link.resolved = res.path
                where = link.line + 1
                if res.path is None:
                    self.diagnostics.report(
                        path, where, "unresolved-link", f"unresolved link [[{link.target}]]", level
                    )
                elif res.ambiguous:
                    self.diagnostics.report(
                        path, where, "ambiguous-link",
                        f"[[{link.target}]] matches {len(res.candidates)} files; using {res.path} "
                        f"(candidates: {', '.join(res.candidates)})",
                        INFO,
                    )

    def resolve(self, target: str, source: str) -> Resolution:
        """The resolver's answer, cached: it depends only on the target and the source's folder."""
        assert self.resolver is not None
        key = _cache_key(target, source)
        found = self._resolution_cache.get(key)
        if found is None:
            found = self._resolution_cache[key] = self.resolver.resolve(target, source)
        return found

    def link_state(self, target: str, source: str) -> tuple[str | None, str]:
        """(published target path or None, 'resolved' | 'unresolved' | 'unpublished')."""
        key = _cache_key(target, source)
        cached = self._state_cache.get(key)
        if cached is not None:
            return cached
        assert self.resolver is not None and self.vault is not None
        path = self.resolve(target, source).path
        if path is None:
            result: tuple[str | None, str] = (None, "unresolved")
        elif path in self.vault.notes:
            result = (path, "resolved") if self.vault.notes[path].published else (None, "unpublished")
        else:
            attachment = self.vault.attachments.get(path)
            if attachment is not None:
                result = (path, "resolved")
            else:  # a file of the templates folder: known to Obsidian, never published
                result = (None, "unpublished" if path in self.vault.templates else "unresolved")
        self._state_cache[key] = result
        return result

    def is_published(self, path: str) -> bool:
        """Does this note or attachment go out? (False for anything unknown.)"""
        vault = self.vault
        if vault is None:
            return False
        note = vault.notes.get(path)
        if note is not None:
            return note.published
        attachment = vault.attachments.get(path)
        return attachment is not None and attachment.published

    def url_of(self, path: str) -> str | None:
        if self.urls is None:
            return None
        if self.urls.has_note(path):
            return self.urls.note_url(path)
        if self.urls.has_attachment(path):
            return self.urls.attachment_url(path)
        return None

    def builder(self) -> IndexBuilder:
        return IndexBuilder(self.link_state, self.url_of, self.options.private_keys, self.clock.tz)

    def _index(self, previous: Vault | None, was_published: set[str], flipped: set[str], relinked: set[str]) -> None:
        """Build the index, or update it for the notes whose rows can differ: the changed ones, those
        whose links resolve differently (`relinked`, which also holds notes whose URL changed), and
        those linking to a note that was published or unpublished (their links' state changed)."""
        assert self.vault is not None
        if self._con is None or previous is None:
            published = [self.vault.notes[p] for p in sorted(self.decision.notes)]
            self._con = connect()
            build_index(self._con, self.builder(), published, _EAGER_TABLES)
            self._deferred_pending = True
            self.reindexed = self.index_changes = None
            return
        now_published = set(self.decision.notes)
        linking = set().union(*(self.tracker.links.linking_to(p) for p in flipped)) if flipped else set()
        again = (self.vault.changed | linking | relinked | (now_published - was_published)) & now_published
        removed = sorted(was_published - now_published)
        # While the deferred tables are empty they stay so: their first use fills them from the notes as
        # they are then, which gives the rows keeping them up to date note by note would have.
        tables = _EAGER_TABLES if self._deferred_pending else TABLES
        replace_notes(self._con, self.builder(), [self.vault.notes[p] for p in sorted(again)], removed, tables)
        self.index_changes = again | set(removed)
        if self.reindexed is not None:
            self.reindexed |= again | set(removed)

    def release_list_items(self) -> None:
        """Drop every note's list items, for a build that is not followed by another (`mkdocs build`),
        once the Dataview page objects are built: only those read them from then on (they hold the items'
        text and fields themselves), and the notes' `ListItem`s were the largest part of the notes (at
        10,000 notes 57,000 items, about 20 MB with their lists and dicts). The page objects cannot be
        built again from these notes afterwards (`dataview.batch.pages_for_state` refuses)."""
        assert self.vault is not None
        for note in self.vault.notes.values():
            note.list_items = _NO_ITEMS
        self.list_items_released = True

    def release(self) -> None:
        """Drop everything loaded, for good (the plugin's `on_shutdown`): the notes and the loader's
        cache of them, the index, the page objects and the caches. Other objects may still hold this
        state (the Markdown extensions do), so its contents go rather than only the reference."""
        from .dataview.batch import forget_state

        forget_state(self)
        if self._con is not None:
            self._con.close()
        self._con = None
        self._deferred_pending = False
        self.vault = self.resolver = self.urls = None
        self.decision = PublishDecision()
        self.tracker = DependencyTracker()
        self.loader.forget()
        self._state_cache.clear()
        self._resolution_cache.clear()

    # -- views for the later stages ------------------------------------------------------------------
    @property
    def con(self) -> duckdb.DuckDBPyConnection | None:
        """The whole DuckDB index (None before the first refresh), every table filled.

        A build's pages read only some tables (`pages_con`); the others (`DEFERRED_TABLES`, whose
        typing of every field value took about 0.4 of the 1.1 s indexing took at 10,000 notes) are
        filled here, on first use, for whoever reads them: `write_index` (the `index_file` option and
        `mkdocs-vault index`), the CLI, users' SQL, tests.
        """
        if self._con is not None and self._deferred_pending:
            assert self.vault is not None
            # A cursor of its own: a caller may still hold an unfinished result on the connection.
            cursor = self._con.cursor()
            try:
                with _collector_paused():  # (as in `refresh`: many rows, no cycles among them)
                    build_index(cursor, self.builder(), self.published_notes(), DEFERRED_TABLES)
            finally:
                cursor.close()
            self._deferred_pending = False
        return self._con

    @property
    def pages_con(self) -> duckdb.DuckDBPyConnection | None:
        """The DuckDB index as the build's pages read it: `notes`, `tags`, `links` and `list_items` are
        current, the `DEFERRED_TABLES` may still be empty (read them through `con`)."""
        return self._con

    def published_notes(self) -> list:
        assert self.vault is not None
        return [self.vault.notes[p] for p in sorted(self.decision.notes)]

    def write_index(self, out: Path | str) -> None:
        """Write the index to a DuckDB file for users' own SQL."""
        out = Path(out)
        if out.exists():
            out.unlink()
        target = connect(str(out))
        target.close()
        con = self.con
        assert con is not None
        con.execute(f"ATTACH '{_sql_string(str(out))}' AS target_db")
        try:
            for table in TABLES:
                con.execute(f"INSERT INTO target_db.{table} SELECT * FROM {table}")
        finally:
            con.execute("DETACH target_db")


# The tables a build fills at once: those its pages read (see `VaultState.con`).
_EAGER_TABLES = tuple(t for t in TABLES if t not in DEFERRED_TABLES)


_NO_ITEMS: list = []  # (a released note's list items: never appended to)


def _cache_key(target: str, source: str) -> tuple[str, str]:
    """What a resolution depends on: the target and the linking note's folder, or the note itself for
    a link to its own page (`[[#Heading]]`, `[[]]`), which resolves to that note."""
    return (target, source if not target.strip() else source.rpartition("/")[0])


def url_inputs(vault: Vault, decision: PublishDecision) -> tuple[dict[str, dict], list[str]]:
    """What the URL map is made of: the pages (each published note with its frontmatter, for
    `permalink`, and each published base, whose URL follows the notes' rule, `-2`s included) and the
    files copied as they are (the other published attachments)."""
    pages: dict[str, dict] = {p: vault.notes[p].frontmatter for p in decision.notes}
    files = []
    for path in decision.attachments:
        if is_base_file(path):
            pages[path] = {}
        else:
            files.append(path)
    return pages, files


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Run the stages with Python's cyclic garbage collector off.

    They allocate about a hundred objects per note (notes, links, list items, index rows), nearly all
    of which live for the whole build. With the collector on, every few thousand allocations trigger a
    collection that walks objects allocated so far: a third of the stages' time at 10,000 notes, for
    nothing, as the stages leave no reference cycles behind (`_frontmatter_links` walks values without
    closures for that reason). Memory is unchanged: what has no cycles is freed by reference counting
    whether the collector runs or not.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


_heap_frozen = False


def _freeze_heap() -> None:
    """Leave every object alive now out of the collector's walks (`gc.freeze`) for the rest of the build.

    With the collector paused, the vault's objects all pile up in the youngest generation, and the next
    collections would walk all of them two or three times over, then again on every full collection
    while the pages render (rendering 3,000 pages of a 10,000-note vault took a third less CPU time).
    Frozen objects are still freed by reference counting. They are thawed before the next refresh (and
    the whole heap is frozen at exit, `_freeze_at_exit`). Under `mkdocs serve` every refresh freezes again (a rebuild walking a
    10,000-note heap spent a second in one collection): garbage cycles of one rebuild then wait for the
    next thaw, so at most one rebuild's worth is held back.
    """
    global _heap_frozen
    gc.freeze()
    _heap_frozen = True


def _thaw_heap() -> None:
    global _heap_frozen
    if _heap_frozen:
        gc.unfreeze()
        _heap_frozen = False


def _freeze_survivors(phase: str, info: dict[str, int]) -> None:
    """`gc.callbacks` entry while pages render: what a full collection found alive is frozen at once."""
    global _heap_frozen
    if phase == "stop" and info["generation"] == 2:
        gc.freeze()
        _heap_frozen = True


def freeze_survivors(on: bool) -> None:
    """While MkDocs renders the pages (`on_nav` to `on_post_build`), freeze what each full collection
    leaves alive. Rendering keeps most of what it makes (each page's `Page`, its HTML and table of
    contents, the Dataview row indexes) and drops almost nothing in cycles (at 10,000 notes the twelve
    full collections of a build freed 0-6,865 objects each): each of them walked every object kept
    since the heap was last frozen, again and again as their number grew (1.9 s of CPU at 10,000
    notes, 10.5 s at 50,000). Frozen at once, each object is walked by one full collection at most.
    At that moment the younger generations are empty and what is left is alive, so nothing frozen is
    garbage yet; a cycle that becomes garbage later waits for the next thaw (`_thaw_heap`, at the next
    refresh), as with `_freeze_heap`."""
    if _freeze_survivors in gc.callbacks:
        gc.callbacks.remove(_freeze_survivors)
    if on:
        gc.callbacks.append(_freeze_survivors)


def give_back_free_memory() -> None:
    """Hand the C allocator's free pages back to the system (glibc's `malloc_trim`; elsewhere nothing).
    Freed memory stays in the process, and counts in its resident size, until the allocator gives it
    back, which glibc does only from the top of its heap: after a one-shot build drops the Dataview page
    objects and the pages' first HTML (`SiteBuilder.finish_pages`), 140 MiB of a 50,000-note build's
    free pages sat below live ones. One call walks the heap once (milliseconds)."""
    global _malloc_trim
    if _malloc_trim is None:
        try:
            _malloc_trim = ctypes.CDLL(None).malloc_trim
        except (OSError, AttributeError):
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)


_malloc_trim: Any = None  # glibc's `malloc_trim` once looked up; False where there is none


def _freeze_at_exit() -> None:
    """Leave every object still alive out of the interpreter's last collection at exit. That collection
    walks the whole heap of the build (the vault, MkDocs' pages with their tables of contents, the
    reference cycles between them) to free memory the process gives back anyway as it ends: 4 s of a
    10,000-note build, a tenth of what the plugin adds to plain MkDocs. What is freed by reference
    counting still is, and the DuckDB index is closed at `on_shutdown`, before this runs."""
    gc.freeze()


atexit.register(_freeze_at_exit)


def _sql_string(text: str) -> str:
    return text.replace("'", "''")


def _names_changed(before: Vault, after: Vault) -> bool:
    """Did the set of files, or any note's aliases, change? Then links must be re-resolved everywhere."""
    if (
        before.notes.keys() != after.notes.keys()
        or before.attachments.keys() != after.attachments.keys()
        or before.templates != after.templates
    ):
        return True
    return any(before.notes[p].aliases != after.notes[p].aliases for p in after.changed if p in after.notes)

