"""Incremental rebuilds under `mkdocs serve --dirty`: which pages an edit can change.

MkDocs' dirty mode renders a page only when its `File.is_modified()` is true, which by default means
"the source is newer than the output". A vault page also shows what other notes say: backlinks,
timelines, Dataview results, listings. This module keeps, across serve rebuilds (on the `VaultState`,
which the plugin keeps), what the last build read, and answers which pages a change set can affect:

* `LinkGraph`: every note's resolved link targets (published or not, attachments too) and the reverse,
  so an edit re-renders the notes it links to and the notes linking to it, before and after the edit
  (backlinks, timelines, last contact, local graph, link states and embeds).
* `QueryLog`: per page, what each Dataview query read: its FROM clause, the rows its leading WHEREs
  kept, and every page a link was followed to. A page is re-rendered when a changed note was among
  those rows or pages, or when it could now pass the FROM and the leading WHEREs (re-evaluated for
  the changed note only, with the page as `this`). Thousands of pages run one query text (a
  template): it is asked once which of its pages a changed note can enter, by the FROM (`[[]]`: the
  pages the note links to) and by the note's keys in the first WHERE's indexes
  (`dataview.narrowing.Inverse`), and only those pages evaluate the WHEREs. A page-independent query is recorded once, under
  its shared origin (`dataview.engine.shared_origin`), and each page showing it as showing it: a long
  one is shown only as a placeholder (its rows are in a results file of its own), so a change to it
  rewrites that file and re-renders none of the pages (`DependencyTracker.plan`).
* `DependencyTracker`: the above plus the last build's generated pages' Markdown and output files, so an
  unchanged listing is not rewritten and the pages of deleted or unpublished notes are removed.

None of this imports MkDocs: `site.py` applies the answers to MkDocs' files.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .vault.model import Note


def _links_of(note: Note | None) -> tuple[frozenset[str], frozenset[str]]:
    """(every resolved target, the embedded ones) of a note; links to itself do not count."""
    if note is None:
        return frozenset(), frozenset()
    out: set[str] = set()
    embeds: set[str] = set()
    for link in note.links:
        target = link.resolved
        if target is None or target == note.path:
            continue
        out.add(target)
        if link.embed:
            embeds.add(target)
    return frozenset(out), frozenset(embeds)


class LinkGraph:
    """Resolved links between vault files, both ways, updated one note at a time."""

    def __init__(self) -> None:
        self.seq: dict[str, tuple[str | None, ...]] = {}  # each link's resolved target, in order
        self.out: dict[str, frozenset[str]] = {}
        self.embeds: dict[str, frozenset[str]] = {}
        self.inbound: dict[str, set[str]] = {}
        self.embedded_by: dict[str, set[str]] = {}

    def _set(self, path: str, out: frozenset[str], embeds: frozenset[str]) -> None:
        for target in self.out.get(path, ()):
            bucket = self.inbound.get(target)
            if bucket is not None:
                bucket.discard(path)
        for target in self.embeds.get(path, ()):
            bucket = self.embedded_by.get(target)
            if bucket is not None:
                bucket.discard(path)
        if out:
            self.out[path] = out
        else:
            self.out.pop(path, None)
        if embeds:
            self.embeds[path] = embeds
        else:
            self.embeds.pop(path, None)
        for target in out:
            self.inbound.setdefault(target, set()).add(path)
        for target in embeds:
            self.embedded_by.setdefault(target, set()).add(path)

    def update(self, notes: Mapping[str, Note], paths: Iterable[str]) -> dict[str, frozenset[str]]:
        """Re-read the links of `paths` (a path no longer in `notes` loses its links). Returns, for
        every path whose links now resolve differently (link by link: after a rename, `[[A]]` and
        `[[B]]` may swap targets), the targets it had or has (the notes whose inlinks changed)."""
        changed: dict[str, frozenset[str]] = {}
        for path in paths:
            note = notes.get(path)
            seq = tuple(link.resolved for link in note.links) if note is not None else None
            if path in self.seq and self.seq[path] == seq:
                continue
            out, embeds = _links_of(note)
            changed[path] = self.out.get(path, frozenset()) | out
            self._set(path, out, embeds)
            if seq is None:
                self.seq.pop(path, None)
            else:
                self.seq[path] = seq
        return changed

    def linking_to(self, path: str) -> set[str]:
        return set(self.inbound.get(path, ()))

    def embedders(self, paths: Iterable[str]) -> set[str]:
        """Every note that embeds one of `paths`, directly or through other embeds."""
        seen: set[str] = set()
        stack = list(paths)
        while stack:
            for source in self.embedded_by.get(stack.pop(), ()):
                if source not in seen:
                    seen.add(source)
                    stack.append(source)
        return seen


@dataclass
class QueryRecord:
    """One query a page ran: the parsed query and the paths an edit can add to or take from it."""

    query: Any  # dataview.parser.Query
    rows: frozenset[str]  # FROM's paths, narrowed to those the leading WHEREs kept when it got that far
    # For a query keeping its first k rows in an order (`rows` then holds those k): the sort keys and
    # the last row's values (`dataview.engine._cutoff`).
    cutoff: tuple[list[Any], list[Any]] | None = None


class QueryLog:
    """What each page's Dataview queries read in the builds so far (the engine's `recorder`)."""

    def __init__(self) -> None:
        self.records: dict[str, list[QueryRecord]] = {}
        self.derefs: dict[str, set[str]] = {}  # origin -> pages a link was followed to
        # Page -> the page-independent results it shows (their shared origins, which hold the records).
        self.shown: dict[str, set[str]] = {}
        self._fresh: set[str] = set()  # origins that recorded something in the current build
        # (query type, text) -> the inverse of its first WHERE as the last `affected` used it.
        self._inverses: dict[tuple[str, str], _KeptInverse] = {}
        # What `affected` looks records up by, kept across rebuilds (`_RecordIndex`): 30,000 records at
        # 10,000 notes, of which a rebuild records a few dozen anew.
        self._index = _RecordIndex()

    def start_build(self) -> None:
        """A build begins: a page's first record in it replaces what the page recorded before."""
        self._fresh = set()

    def _begin(self, origin: str) -> None:
        if origin not in self._fresh:
            self.forget([origin])
            self._fresh.add(origin)

    # -- the engine's recorder interface ---------------------------------------------------------------
    def query(self, origin: str, query: Any, paths: Iterable[str]) -> None:
        self._begin(origin)
        self.records.setdefault(origin, []).append(QueryRecord(query, frozenset(paths)))
        self._index.stale.add(origin)

    def narrow(self, origin: str, paths: Iterable[str], cutoff: tuple[list[Any], list[Any]] | None = None) -> None:
        records = self.records.get(origin)
        if records:
            records[-1].rows = frozenset(paths)
            records[-1].cutoff = cutoff
            self._index.stale.add(origin)

    def deref(self, origin: str, path: str) -> None:
        self._begin(origin)
        self.derefs.setdefault(origin, set()).add(path)

    def shows(self, origin: str, shared: str) -> None:
        """The page `origin` shows the result of the page-independent query run as `shared`."""
        self._begin(origin)
        self.shown.setdefault(origin, set()).add(shared)

    # -- upkeep -------------------------------------------------------------------------------------------
    def forget(self, origins: Iterable[str]) -> None:
        """Drop what `origins` read: they are about to render again and record it anew."""
        origins = list(origins)
        for origin in origins:
            self.derefs.pop(origin, None)
            self.records.pop(origin, None)
            self.shown.pop(origin, None)
        self._index.stale.update(origins)
        for kept in self._inverses.values():
            kept.stale.update(origins)

    def clear(self) -> None:
        self._fresh.clear()
        self._inverses.clear()
        self._index = _RecordIndex()
        self.records.clear()
        self.derefs.clear()
        self.shown.clear()

    def showing(self, shared: set[str]) -> set[str]:
        """The pages showing one of the page-independent results `shared` (shared origins)."""
        if not shared:
            return set()
        return {page for page, seen in self.shown.items() if not seen.isdisjoint(shared)}

    def reads(self, origin: str) -> tuple[list[QueryRecord], set[str]]:
        """What the queries of `origin` read, its shared results' included: (records, derefs)."""
        records, derefs = list(self.records.get(origin, ())), set(self.derefs.get(origin, ()))
        for shared in sorted(self.shown.get(origin, ())):
            records += self.records.get(shared, [])
            derefs |= self.derefs.get(shared, set())
        return records, derefs

    # -- the question ---------------------------------------------------------------------------------------
    def affected(
        self,
        changed: set[str],
        ctx: Any,
        keep: bool = False,
        before: Mapping[str, Any] | None = None,
        flipped: bool = False,
    ) -> set[str]:
        """Pages whose query results may differ because the page objects of `changed` did.

        `ctx` is the new build's `QueryContext`. A page is affected when a changed path was among the
        rows or followed links it recorded, or when a changed note now passes a query's FROM and its
        leading WHEREs (evaluated for that note only, with the page as `this`). The answer names the
        shared origins of page-independent results that may differ too, not the pages showing them
        (`showing`): whether those render again depends on how they show them. `keep`: no link
        resolves anew since the last call (names did not change), so the inverses of the templates'
        first WHEREs it made then are updated rather than made anew. `before`: the page objects of
        changed paths as the recorded queries read them, where their links render as they did (no
        note moved); a row of a query that reads the same of it before and after (`dataview.reads`)
        leaves that query's result as it was. `flipped`: a note was published or unpublished, which
        changes what a name resolves to (a link to an unpublished note keeps its text): a row then
        reads the same only to a query that resolves no name itself (`reads.resolves_names`) and
        when no value it reads holds a wikilink in a text (`reads_same`'s `no_wikilinks`).
        """
        from .dataview.engine import leading_wheres, row_context
        from .dataview.values import truthy

        pages = ctx.pages.pages
        steady = _Steady(changed, pages, before, flipped)
        index = self._index
        index.update(self.records)
        out = {origin for origin, seen in self.derefs.items() if not seen.isdisjoint(changed)}
        out |= {
            origin
            for origin in index.reading(changed)
            if any(
                not record.rows.isdisjoint(changed) and not steady.holds(record.query, record.rows)
                for record in self.records[origin]
            )
        }
        present = [c for c in changed if c in pages]
        if not present:
            return out
        quiet = dataclasses.replace(ctx, recorder=None)  # this evaluation is not part of any render
        outlinks = {c: {lk.path for lk in pages[c]["file"]["outlinks"]} for c in present}
        tags = {c: {t.lower() for t in pages[c]["file"]["tags"]} for c in present}
        if not keep:
            self._inverses.clear()
        evs: dict[str, Any] = {}

        def context_of(origin: str) -> Any:
            ev = evs.get(origin)
            if ev is None:
                ev = evs[origin] = row_context(quiet, origin)
            return ev

        # Thousands of pages run the same few query texts (templates), differing only in `this`: each
        # template is asked once which of its pages a changed note can enter (`_RecordIndex.templates`).
        for key, template in index.templates.items():
            query = template.query
            lead = query.steps[: leading_wheres(query)]
            kind = "task" if query.type == "task" else "page"
            by_origin = template.by_origin  # (pages already in `out` are taken out of what enters)
            inverse = None
            page_by_page: dict[str, set[str]] | None = None
            for c in present:
                entering = _source_origins(query.source, c, quiet, outlinks, tags)
                if entering is None:  # a FROM that reads its page some other way: page by page
                    if page_by_page is None:
                        page_by_page = _select_page_by_page(query.source, by_origin, present, quiet, outlinks, tags)
                    entering = set(page_by_page.get(c, ()))
                elif entering is True:
                    entering = set(by_origin)
                elif entering is False:
                    continue
                else:
                    entering &= by_origin.keys()
                entering -= out
                if not entering:
                    continue
                if lead:
                    # `WHERE contains(attendees, this.file.link)` on thousands of pages: a changed
                    # note that is not among the engine's candidates for a page cannot be among its
                    # rows (`dataview.narrowing`; the same indexes, updated for this build), and the
                    # pages whose candidates can hold it are looked up by its keys.
                    if inverse is None:
                        inverse = self._inverse(key, lead[0].expr, kind, quiet, set(by_origin), context_of)
                    entering &= inverse.origins_of(c)
                quiet_row = steady.of(query, c)  # among a record's rows, it leaves them as they are
                for origin in entering:
                    for record in by_origin[origin]:
                        if quiet_row and c in record.rows:
                            continue
                        if not lead and record.cutoff is None:
                            out.add(origin)
                            break
                        if _may_enter(lead, record.cutoff, query.type, pages[c], context_of(origin), truthy):
                            out.add(origin)
                            break
        return out

    def _inverse(
        self, key: tuple[str, str], where: Any, kind: str, ctx: Any, origins: set[str], context_of: Callable
    ) -> Any:
        """The inverse of a template's first WHERE over the pages running it (`narrowing.Inverse`): the
        last call's, with the pages filed anew whose page changed since (the page set says which) or
        which recorded anew; made anew when there is none to update."""
        from .dataview.narrowing import Inverse

        pages = ctx.pages
        kept = self._inverses.get(key)
        changed = pages.changed_since(kept.revision) if kept is not None and kept.pages is pages else None
        if kept is None or changed is None or kept.where is not where:
            inverse = Inverse(where, kind, ctx, origins, context_of)
        else:
            inverse = kept.inverse
            inverse.refresh(ctx, origins, kept.stale | changed, context_of)
        self._inverses[key] = _KeptInverse(inverse, where, pages, pages.revision)
        return inverse


class _Steady:
    """Which changed paths each query reads the same of (`dataview.reads`), asked once per query text."""

    def __init__(
        self, changed: set[str], pages: Mapping[str, Any], before: Mapping[str, Any] | None, flipped: bool = False
    ) -> None:
        self._candidates = (
            {c: (before[c], pages[c]) for c in changed if c in before and c in pages} if before else {}
        )
        self._changed = changed
        self._flipped = flipped
        self._known: dict[tuple[str, str], frozenset[str]] = {}

    def _paths(self, query: Any) -> frozenset[str]:
        key = (query.type, query.text)
        found = self._known.get(key)
        if found is None:
            from .dataview.reads import reads_same, resolves_names, row_reads

            reads = row_reads(query) if self._candidates else None
            if self._flipped and reads is not None and resolves_names(query):
                reads = None
            found = frozenset(
                c
                for c, (old, new) in self._candidates.items()
                if reads is not None and reads_same(old, new, reads, query.type, no_wikilinks=self._flipped)
            )
            self._known[key] = found
        return found

    def holds(self, query: Any, rows: frozenset[str]) -> bool:
        """Does every changed path among `rows` read the same to `query`?"""
        if not self._candidates:
            return False
        return all(c in self._paths(query) for c in self._changed if c in rows)

    def of(self, query: Any, path: str) -> bool:
        return bool(self._candidates) and path in self._paths(query)


@dataclass
class _KeptInverse:
    """A template's `narrowing.Inverse` as of a page set revision, and the pages that recorded anew
    since (`QueryLog.forget`)."""

    inverse: Any
    where: Any
    pages: Any
    revision: int
    stale: set[str] = field(default_factory=set)


@dataclass
class _Template:
    """One query text (a parsed query of it), and the records of each page that ran it."""

    query: Any
    by_origin: dict[str, list[QueryRecord]] = field(default_factory=dict)


class _RecordIndex:
    """`QueryLog.records` looked up the two ways `affected` asks: the pages whose records hold a path
    among their rows, and the records by query text (`_Template`). Kept across rebuilds and brought up
    to date for the pages that recorded anew or were forgotten since (`stale`), where going through
    every record took 70 ms of every rebuild at 10,000 notes. A page whose records hold more than
    `WIDE` rows (a page-independent result over the whole vault) is not filed by row but asked every
    time (`wide`): filing its rows anew each time it runs again would cost more than asking it."""

    WIDE = 500

    def __init__(self) -> None:
        self.by_row: dict[str, set[str]] = {}
        self.wide: set[str] = set()
        self.templates: dict[tuple[str, str], _Template] = {}
        self.stale: set[str] = set()
        self._rows: dict[str, frozenset[str]] = {}  # origin -> the rows it is filed under
        self._keys: dict[str, list[tuple[str, str]]] = {}  # origin -> the templates it is filed under
        self._made = False

    def update(self, records: Mapping[str, list[QueryRecord]]) -> None:
        origins = self.stale if self._made else set(records)
        self._made, self.stale = True, set()
        for origin in origins:
            self.wide.discard(origin)
            for path in self._rows.pop(origin, ()):
                filed = self.by_row[path]
                filed.discard(origin)
                if not filed:
                    del self.by_row[path]
            for key in self._keys.pop(origin, ()):
                template = self.templates[key]
                if template.by_origin.pop(origin, None) is not None and not template.by_origin:
                    del self.templates[key]
            found = records.get(origin)
            if not found:
                continue
            if sum(len(record.rows) for record in found) > self.WIDE:
                self.wide.add(origin)
            else:
                rows = frozenset().union(*(record.rows for record in found))
                for path in rows:
                    self.by_row.setdefault(path, set()).add(origin)
                self._rows[origin] = rows
            keys = []
            for record in found:
                query = record.query
                key = (query.type, query.text)
                template = self.templates.get(key)
                if template is None:
                    template = self.templates[key] = _Template(query)
                template.query = query  # (the same text parsed: the latest, as the pages' records hold it)
                if origin not in template.by_origin:
                    keys.append(key)
                template.by_origin.setdefault(origin, []).append(record)
            self._keys[origin] = keys

    def reading(self, paths: Iterable[str]) -> set[str]:
        """The pages with a record holding one of `paths` among its rows, and the wide ones."""
        out = set(self.wide)
        for path in paths:
            out |= self.by_row.get(path, set())
        return out


def _select_page_by_page(
    source: Any, origins: Iterable[str], present: list[str], ctx: Any, outlinks: dict, tags: dict
) -> dict[str, set[str]]:
    """Changed note -> the pages among `origins` whose FROM `source` selects it, trying the FROM page
    by page; a source that selects the same notes on many pages (a `[[link]]` by the note it resolves
    to) is tried once."""
    selected: dict[tuple, list[str]] = {}
    out: dict[str, set[str]] = {}
    for origin in origins:
        key = _source_key(source, origin, ctx)
        matching = selected.get(key) if key is not None else None
        if matching is None:
            matching = [c for c in present if _in_source(source, c, origin, ctx, outlinks, tags)]
            if key is not None:
                selected[key] = matching
        for c in matching:
            out.setdefault(c, set()).add(origin)
    return out


def _source_origins(source: Any, path: str, ctx: Any, outlinks: dict, tags: dict) -> set[str] | bool | None:
    """The pages whose FROM clause `source` selects `path` now, for a FROM that selects the same notes
    on every page (True: every page, False: none) or is `[[]]` (the page's backlinks: the pages `path`
    links to). None: a FROM that can only be tried page by page."""
    from .dataview import parser as p

    if isinstance(source, (p.EmptySource, p.FolderSource, p.TagSource)):
        return _in_source(source, path, "", ctx, outlinks, tags)
    if isinstance(source, p.LinkSource):
        return set(outlinks[path]) if source.incoming and source.target == "" else None
    if isinstance(source, p.BinarySource):
        left = _source_origins(source.left, path, ctx, outlinks, tags)
        right = _source_origins(source.right, path, ctx, outlinks, tags)
        if left is None or right is None:
            return None
        if source.op == "&":
            if left is True or right is False:
                return right
            return left if right is True or left is False else left & right
        if left is True or right is False:
            return left
        return right if right is True or left is False else left | right
    return None


def _source_key(source: Any, origin: str, ctx: Any) -> tuple | None:
    """What a plain FROM clause selects by, the same for every page where it selects the same notes
    (a `[[link]]` by the note it resolves to from `origin`); None for a combination of sources."""
    from .dataview import parser as p

    if isinstance(source, p.EmptySource):
        return ("all",)
    if isinstance(source, p.FolderSource):
        return ("folder", source.folder)
    if isinstance(source, p.TagSource):
        return ("tag", source.tag.lower())
    if isinstance(source, p.LinkSource):
        return ("link", source.incoming, ctx.pages.builder.resolve_path(source.target, origin))
    return None


def _in_source(source: Any, path: str, origin: str, ctx: Any, outlinks: dict, tags: dict) -> bool:
    """Would a FROM clause select `path` now? (`engine.sources_python` for one path.)"""
    from .dataview import parser as p
    from .dataview.engine import _folder_match

    if isinstance(source, p.EmptySource):
        return True
    if isinstance(source, p.FolderSource):
        return _folder_match(path, source.folder)
    if isinstance(source, p.TagSource):
        return source.tag.lower() in tags[path]
    if isinstance(source, p.LinkSource):
        target = ctx.pages.builder.resolve_path(source.target, origin)
        if source.incoming:
            return target in outlinks[path]
        page = ctx.pages.get(target)
        return page is not None and any(lk.path == path for lk in page["file"]["outlinks"])
    if isinstance(source, p.NegatedSource):
        return not _in_source(source.child, path, origin, ctx, outlinks, tags)
    if isinstance(source, p.BinarySource):
        left = _in_source(source.left, path, origin, ctx, outlinks, tags)
        right = _in_source(source.right, path, origin, ctx, outlinks, tags)
        return (left and right) if source.op == "&" else (left or right)
    return True  # an unknown source: assume it may


def _may_enter(steps: list[Any], cutoff: Any, kind: str, page: dict[str, Any], ev: Any, truthy: Any) -> bool:
    """Could this page (or, for TASK, one of its tasks) be among a query's rows? It passes every
    leading WHERE in `steps` and, with a `cutoff` (`QueryRecord`), does not sort strictly after the
    last row the query kept. Any error counts as yes."""
    from collections import ChainMap

    rows = [ChainMap(task, page) for task in page["file"]["tasks"]] if kind == "task" else [page]
    for row in rows:
        try:
            if all(truthy(ev.evaluate(step.expr, row)) for step in steps) and (
                cutoff is None or not _sorts_after(cutoff, row, ev)
            ):
                return True
        except Exception:  # noqa: BLE001 - an EvalError, or any surprise: re-render rather than miss it
            return True
    return False


def _sorts_after(cutoff: tuple[list[Any], list[Any]], row: Any, ev: Any) -> bool:
    """Does `row` sort strictly after the last kept row? Equal keys are not enough: ties keep the
    vault's order, which may put this row first."""
    keys, last = cutoff
    for key, bound in zip(keys, last, strict=True):
        c = ev.compare(ev.evaluate(key.expr, row), bound)
        if c:
            return (-c if key.descending else c) > 0
    return False


def listing_inputs(note: Note) -> tuple:
    """Everything of a note that the listings and the note panels read from the index (pages/data.py):
    its title, type, date, tags, aliases, properties, links with their lines, tasks and headings; not
    its prose. Equal before and after an edit: the last build's listings are still right."""
    return (
        note.published,
        note.day,
        tuple(note.aliases),
        tuple(note.etags),
        tuple(note.tags),
        repr(note.frontmatter),
        tuple(
            (k.line, k.target, k.resolved, k.subpath, k.display, k.embed, k.origin, k.key) for k in note.links
        ),
        tuple(
            (
                i.line,
                i.parent,
                i.status,
                i.text,
                i.line_count,
                i.symbol,
                i.section,
                tuple(i.tags),
                tuple(sorted(i.dates.items())),
                i.block_id,
                tuple(i.children),
            )
            for i in note.list_items
        ),
        tuple((h.level, h.text, h.line) for h in note.headings),
        (note.title, note.type),
    )


def _shown_to_linkers(inputs: tuple) -> tuple:
    """What a page linking to a note shows of it, from its `listing_inputs`: its published state, title
    and type, and where its links go (a link to it; its node and edges in the page's local graph)."""
    return inputs[0], inputs[9], frozenset((k[2], k[5]) for k in inputs[6])


@dataclass
class BuildPlan:
    """What one build renders: `full`, or the note paths in `notes` (generated pages are compared
    by content)."""

    full: bool
    notes: set[str] = field(default_factory=set)
    reason: str = ""
    # Page-independent results shown as placeholders whose rows may differ (their shared origins): run
    # again and their results files rewritten; their pages render again only if the result is now
    # short enough to be shown inline (`DependencyTracker.placeholders`).
    results: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class BaseUse:
    """One base shown on a page: the notes its views could list when the page was rendered (`seen`,
    None for any note), and `probe()`, the same for the vault as it is now (None: any note)."""

    seen: frozenset[str] | None
    probe: Callable[[], frozenset[str] | None]
    makes_links: bool = False  # can make links other than its rows' (`bases.extension.makes_links`)


class BaseLog:
    """What the bases shown on each page could list, for the next rebuild's plan. A page is rendered
    again when an edited note was among the rows its bases could list, or could be now (a note moved
    into the folder a view reads, or now holding `customer: [[this note]]`), and always when a view
    can list any note or reads other notes' files (`bases.extension.reads_other_files`)."""

    def __init__(self) -> None:
        self.uses: dict[str, list[BaseUse]] = {}
        self._fresh: set[str] = set()

    def start_build(self) -> None:
        """A build begins: a page's first record in it replaces what the page recorded before."""
        self._fresh = set()

    def record(self, page: str, use: BaseUse) -> None:
        if page not in self._fresh:
            self.uses.pop(page, None)
            self._fresh.add(page)
        self.uses.setdefault(page, []).append(use)

    def clear(self) -> None:
        self.uses.clear()
        self._fresh.clear()

    def making_links(self) -> set[str]:
        """The pages showing a base that can make links other than those its rows hold."""
        return {page for page, uses in self.uses.items() if any(use.makes_links for use in uses)}

    def affected(self, changed: set[str]) -> set[str]:
        out: set[str] = set()
        probed: dict[int, frozenset[str] | None] = {}  # a base embedded a thousand times probes once
        for page, uses in self.uses.items():
            for use in uses:
                if use.seen is None or not use.seen.isdisjoint(changed):
                    out.add(page)
                    break
                key = id(use.probe)
                if key not in probed:
                    probed[key] = use.probe()
                now = probed[key]
                if now is None or not now.isdisjoint(changed):
                    out.add(page)
                    break
        return out


@dataclass
class DependencyTracker:
    """Kept on the `VaultState` across serve rebuilds: what the last completed build read and wrote."""

    _graph: LinkGraph = field(default_factory=LinkGraph)
    # Notes whose links `_graph` has yet to read (`fill_links_later`); None when it is up to date.
    _unread: Mapping[str, Note] | None = None
    queries: QueryLog = field(default_factory=QueryLog)
    # What the bases shown on each page (```base blocks, embeds) could list (base files' own pages are
    # generated, and rewritten when their HTML changes).
    bases: BaseLog = field(default_factory=lambda: BaseLog())
    recording: bool = False  # queries are recorded only for site builds (not the CLI)
    built: bool = False  # a build completed in this process, so its outputs are on disk
    # Generated src_uri -> its Markdown, or for a generated file that is not a page its content.
    sources: dict[str, str] = field(default_factory=dict)
    # Generated page src_uri -> (its listing's Markdown, `pages.long_listing.split_listing` of it).
    splits: dict[str, tuple[str, Any]] = field(default_factory=dict)
    outputs: set[str] = field(default_factory=set)  # every output file of the last build
    redirects: dict[str, str] = field(default_factory=dict)  # alias redirect path -> its HTML
    graph_json: str | None = None  # the global graph's JSON as the last build wrote it
    # The search index entries the last build merged (site.py), and the page URL of each.
    search_pages: tuple[list[Any], list[str]] | None = None
    site_key: tuple = ()  # what every page shows (navigation, configuration): a change renders all
    # Page src_uri -> (its output file, the shared query results it links to): a rebuild keeps the
    # results files that pages not rendered again still link to, and no other.
    shared_links: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    # Shared origin -> query text of each page-independent result the pages show only as a placeholder
    # (its rows in a results file): a change to its rows rewrites that file, not the pages.
    placeholders: dict[str, str] = field(default_factory=dict)
    # What the long shared results' files are made of, kept while no link can render differently
    # (`keep_rendered`): their rows' HTML (shared origin -> `dataview.render.RowHtml`), and their
    # links as fixed for the results folder (placeholder -> link).
    row_html: dict[str, Any] = field(default_factory=dict)
    fixed_links: dict[str, str] = field(default_factory=dict)
    # Base file -> (its page's HTML, what its views could list, the clock's now) as the last serve
    # build made it.
    base_pages: dict[str, tuple[str | None, BaseUse, Any]] = field(default_factory=dict)
    # Set by `VaultState.refresh` for the pages' planning:
    changed: set[str] = field(default_factory=set)  # notes and files read again, added or removed
    link_changes: dict[str, frozenset[str]] = field(default_factory=dict)  # source -> old | new targets
    flipped: set[str] = field(default_factory=set)  # notes whose published state changed
    moved: set[str] = field(default_factory=set)  # notes whose URL changed
    # The last build's generated pages and what they were made from, for `listings_unchanged`.
    inputs: dict[str, tuple] = field(default_factory=dict)  # note path -> listing_inputs
    listings: Any = None  # whatever the site keeps of them (site.py)

    def keep_rendered(self, full: bool, is_published: Callable[[str], bool] = lambda path: False) -> None:
        """A build begins: drop the kept rows' HTML and fixed links that may render differently now.
        All of them after a full build, names resolving anew or a file other than a note read again;
        after a note published or unpublished only the rows showing a link to it (or to anything not
        published: `RowHtml.forget_links`, asking `is_published` of this build), and the fixed links
        to it or to a note that moved (a link's HTML shows its target's URL and state, nothing else)."""
        if full or self.names_changed or any(not path.endswith(".md") for path in self.changed):
            self.row_html.clear()
            self.fixed_links.clear()
            return
        if self.flipped:
            for rows in self.row_html.values():
                rows.forget_links(self.flipped, is_published)
        if self.flipped or self.moved:
            from .links.extension import forget_fixed_links

            forget_fixed_links(self.fixed_links, self.flipped | self.moved)

    def base_page_unchanged(self, path: str, now: Any) -> bool:
        """Would the page of the base file `path` be what the last build made? Yes when that build
        completed at the same `now`, the file and the names are as they were, no note was published,
        unpublished or moved, and no changed note was, or is now, among the notes its views could
        list (as `BaseLog.affected` asks for a note showing a base)."""
        kept = self.base_pages.get(path)
        if kept is None or kept[0] is None or kept[2] != now or not self.built:
            return False
        if self.names_changed or self.flipped or self.moved:
            return False
        changed = self.changed | set(self.link_changes)
        if path in changed:
            return False
        use = kept[1]
        if use.seen is None or not use.seen.isdisjoint(changed):
            return False
        if not changed:
            return True  # (no note to look for among what its views could list: 60 ms at 10,000 notes)
        now = use.probe()
        return now is not None and now.isdisjoint(changed)

    @property
    def links(self) -> LinkGraph:
        """The resolved links between vault files, filled first if `fill_links_later` left it empty."""
        if self._unread is not None:
            notes, self._unread = self._unread, None
            self._graph.update(notes, set(notes))
        return self._graph

    def fill_links_later(self, notes: Mapping[str, Note]) -> None:
        """Have the (empty) link graph read every note's links on first use rather than now.

        For a first refresh: every note is new then, so filling the graph would only record links, and
        only what comes after reads them (which pages a `mkdocs serve` rebuild must render again). A
        one-off `mkdocs build` never does, and saves the graph's filling (some 50 ms at 10,000 notes).
        The caller must use `links` before anything resolves these notes' links anew (`VaultState`
        does at the start of every refresh), so the graph reads them as they were resolved now.
        """
        assert not self._graph.seq and self._unread is None, "only an empty graph is filled later"
        self._unread = notes

    def find_shown_alike(self, notes: Mapping[str, Note]) -> None:
        """Before this build's listings are made (`remember_inputs` then keeps the new inputs): which
        changed notes the pages linking to them show as they did (`shown_alike`)."""
        self.shown_alike = set()
        for path in self.changed:
            note, old = notes.get(path), self.inputs.get(path)
            if note is not None and old is not None and _shown_to_linkers(old) == _shown_to_linkers(listing_inputs(note)):
                self.shown_alike.add(path)

    def listings_unchanged(self, notes: Mapping[str, Note]) -> bool:
        """Would this build's listings equal the last build's? True when the only change is in notes'
        prose: no note added, removed, published, unpublished or moved, no link resolving anew, and
        every changed note's `listing_inputs` as they were."""
        if not self.built or self.listings is None or self.names_changed or self.flipped or self.moved:
            return False
        for path in self.changed:
            note = notes.get(path)
            if note is None or self.inputs.get(path) != listing_inputs(note):
                return False
        return True

    def listing_parts(
        self, notes: Mapping[str, Note], before: Mapping[str, Any], after: Mapping[str, Any]
    ) -> set[str] | None:
        """Which listings this build must make again, when `listings_unchanged` is False; None: all.

        `before` and `after` are the listed rows (`pages.data.NoteRow`) of the last build and this one.
        The parts are "timeline", "tasks", "graph" and "page:<src_uri>" for one type's directory page
        or one tag's page (each made again with its section's index, which shows every count). A link or date that changed
        reaches the pages of the linked notes' types (their last contact). Whatever a note's edit can change
        on a listing is covered, or the answer is None: a title or URL that changed (every listing
        may show it), a note added, removed or moved, names resolving anew. A note published or
        unpublished reaches every kind of listing but only its own and its linked notes' directory
        pages.
        """
        if not self.built or self.listings is None or self.names_changed or self.moved:
            return None
        from .pages.addresses import directory_url, src_uri_of
        from .pages.tags import tag_page_uris

        parts: set[str] = set()

        def type_page(path: str | None) -> None:
            """The directory pages of the note's type, before and after (an attachment or an
            unpublished note has no row, and no page)."""
            for rows in (before, after):
                row = rows.get(path) if path is not None else None
                if row is not None and row.type:
                    parts.add("page:" + src_uri_of(directory_url(row.type)))

        for path in self.flipped:
            # Published or unpublished: it comes onto or goes off every listing that lists it, and
            # the notes linked to and from it show it as a link or as text (and lose or gain it for
            # their last contact).
            row, note = after.get(path) or before.get(path), notes.get(path)
            if row is None or note is None:
                return None
            parts.update(("tasks", "graph"))
            if row.day:
                parts.add("timeline")  # it comes onto or goes off the timeline
            parts.update(f"page:{uri}" for uri in tag_page_uris(row.tags))
            type_page(path)
            for linked in self.links.linking_to(path) | {k.resolved for k in note.links}:
                type_page(linked)
        for path in self.changed - self.flipped:
            note, old = notes.get(path), self.inputs.get(path)
            if note is None or old is None:
                return None
            new = listing_inputs(note)
            if new == old:
                continue
            was, now = before.get(path), after.get(path)
            if was is None or now is None or (was.title, was.url) != (now.title, now.url):
                return None
            day = old[1] != new[1]
            links = old[6] != new[6]
            if old[:6] != new[:6] or old[7] != new[7] or was.type != now.type:
                # Its own row: properties (a link in them too), date, open tasks. Its links elsewhere
                # in the text show on other notes' rows only.
                type_page(path)
            if day or links:
                # The last contact of the notes it links to (or linked to) is the newest dated note
                # linking to them: their types' pages.
                for target in {k[2] for k in old[6]} | {k[2] for k in new[6]}:
                    type_page(target)
            if (was.day or now.day) and (was.day, was.type) != (now.day, now.type):
                parts.add("timeline")  # an entry shows its note's date, type, title and URL
            if old[7] != new[7]:
                parts.add("tasks")  # open tasks, each with its note's title
            if old[3:5] != new[3:5] or (
                (was.tags or now.tags) and (was.type, was.day) != (now.type, now.day)
            ):
                # The pages of its tags, old and new, with their parents' (a tag page shows each
                # note's type and date, and its subtags' counts); the index shows every count.
                parts.update(f"page:{uri}" for uri in tag_page_uris((*was.tags, *now.tags)))
            if links or was.type != now.type:
                parts.add("graph")
        return parts

    def remember_inputs(self, notes: Mapping[str, Note], listings: Any) -> None:
        """Keep what this build's listings were made from (all notes the first time, then the changed)."""
        paths = self.changed if self.inputs and not self.names_changed else notes.keys()
        if self.names_changed:
            self.inputs = {}
        for path in paths:
            note = notes.get(path)
            if note is None:
                self.inputs.pop(path, None)
            else:
                self.inputs[path] = listing_inputs(note)
        self.listings = listings

    names_changed: bool = True
    # Changed notes that the pages linking to them show as the last build did: their prose, a
    # property, a task changed, not their title, type or links (`find_shown_alike`).
    shown_alike: set[str] = field(default_factory=set)
    # The page set's revision the last planned build's queries ran on (`_before`).
    query_revision: int = -1

    def _neighbourhood(self, notes: Mapping[str, Note] | None = None) -> tuple[set[str], set[str], set[str]]:
        """(changed notes, the notes they link to before and after the edit, both of these with the
        notes linking to a changed one): every note whose page, or whose listing row, shows something
        of a changed note (backlinks with their context lines, timelines, local graphs, link states,
        last contact). The targets are "changed" for Dataview too: their file.inlinks may differ.

        `notes` (the vault now): for note pages only. A page linking to a note shows of it its title,
        type, URL, link state and links (a link, a local graph's node and edges): for a note whose
        edit changed none of them (`shown_alike`: prose, a property, a task), while names resolve, and
        notes are published and placed, as they were, those pages are left out (its listing rows are
        not), but for pages linking to a heading or block of it (the anchor is the target's)."""
        changed = self.changed | set(self.link_changes) | self.flipped | self.moved
        linked: set[str] = set()
        for targets in self.link_changes.values():
            linked |= targets
        for path in changed:
            linked |= self.links.out.get(path, frozenset())
        near = changed | linked
        alike = self.shown_alike if notes is not None and not (self.names_changed or self.flipped or self.moved) else set()
        for path in changed:
            if path not in alike or not path.endswith(".md") or path in self.link_changes:
                near |= self.links.linking_to(path)
                continue
            assert notes is not None
            for source in self.links.linking_to(path):
                note = notes.get(source)
                if note is None or any(k.resolved == path and k.subpath for k in note.links):
                    near.add(source)
        return changed, linked, near

    def stale_rows(self) -> set[str]:
        """The notes whose listing rows an edit can have changed (`pages.data.RowCache.carry`)."""
        return self._neighbourhood()[2]

    def _before(self, pages: Any, revision: int) -> Mapping[str, Any] | None:
        """The changed pages' objects as the last build's queries read them (`PageSet.before`), when
        a link to a changed row renders as it did: no note moved, no names resolving anew, no file
        other than a note changed (an embed's target), and the last build planned ran on the page
        set as it was before its last update (`revision`); else None. (A note published or
        unpublished: `QueryLog.affected` compares what links a query shows with `flipped`.)"""
        if (
            self.moved
            or self.names_changed
            or any(not path.endswith(".md") for path in self.changed)
            or pages.before_revision != pages.revision
            or revision != pages.revision - 1
        ):
            return None
        return pages.before

    def plan(
        self,
        notes: Mapping[str, Note],
        published: set[str],
        ctx_factory: Any,
        site_key: tuple,
        quotes: Callable[[str, str, str], bool] | None = None,
    ) -> BuildPlan:
        """The note pages this build must render. `ctx_factory()` gives the build's `QueryContext`;
        `quotes(source, target, path)`: do `target`'s linked mentions quote a line of `source` showing
        a link to `path`? (None: assume so.)"""
        ctx = ctx_factory()
        revision, self.query_revision = self.query_revision, ctx.pages.revision  # (for `_before`)
        if not self.built:
            return BuildPlan(True, reason="first build")
        if site_key != self.site_key:
            return BuildPlan(True, reason="navigation or configuration changed")
        changed, linked, dirty = self._neighbourhood(notes)
        # A note published, unpublished or moved changes how the lines linking to it render (a link,
        # plain text, another URL), and those lines are quoted in the linked mentions of the notes
        # the linking note links to on them. Only those render again: asking which ones (`quotes`)
        # spared 10 of the 19 note pages an unpublished person's note made render at 10,000 notes.
        # (A linking note edited in this change has every note it links to in `dirty` already.)
        for path in self.flipped | self.moved:
            for source in self.links.linking_to(path):
                for target in self.links.out.get(source, frozenset()):
                    if target not in dirty and (quotes is None or quotes(source, target, path)):
                        dirty.add(target)
        # Query results that can differ (needs this build's page objects). A note linking to one
        # published, unpublished or moved shows that link differently wherever a result shows it (a
        # task's `[owner:: [[Ada]]]` on a project page): its page object was made again too.
        dv_changed = changed | linked
        for path in self.flipped | self.moved:
            dv_changed |= self.links.linking_to(path)
        results: set[str] = set()
        if dv_changed and self.queries.records:
            from .dataview.engine import is_shared_origin

            # The inverses' keys are the vault paths K resolves to: only names resolving anew change
            # them for pages the page set did not rebuild (a publish flip rebuilds the pages linking
            # to the note, and a move changes URLs only).
            before = self._before(ctx.pages, revision)
            hit = self.queries.affected(
                dv_changed, ctx, keep=not self.names_changed, before=before, flipped=bool(self.flipped)
            )
            shared = {origin for origin in hit if is_shared_origin(origin)}
            # A long result shown as a placeholder: its file is rewritten; a short one shown inline:
            # every page showing it renders again.
            results = {origin for origin in shared if origin in self.placeholders}
            dirty |= (hit - shared) | self.queries.showing(shared - results)
        if self.bases.uses and (changed or linked):
            if self.moved or self.flipped:
                # A note that moved or was (un)published changes the links a base shows to it: in the
                # rows of the notes linking to it (a property holding the link), in its own row, or
                # wherever a base makes links of its own (`link("Name")`).
                moved = self.flipped | self.moved
                reach = changed | {src for path in moved for src in self.links.linking_to(path)}
                dirty |= self.bases.affected(reach) | self.bases.making_links()
            else:
                dirty |= self.bases.affected(changed)
        # A note embedding one that renders again shows what it shows. Not so for a file that is only
        # linked from a changed note (a base every project embeds, an image): what an embed of it
        # shows changes only when the file does (a base's rows: `self.bases`, above).
        dirty |= self.links.embedders({p for p in dirty if p.endswith(".md")} | changed)
        return BuildPlan(False, {p for p in dirty if p in published}, results=results)


def remove_outputs(paths: Iterable[str], site_dir: str) -> list[str]:
    """Delete output files that the last build wrote and this one does not, and the folders they
    leave empty (directory URLs: `people/ada/index.html`). Never touches anything outside site_dir."""
    root = os.path.abspath(site_dir)
    removed = []
    for path in sorted(paths):
        full = os.path.abspath(path)
        if not full.startswith(root + os.sep) or not os.path.isfile(full):
            continue
        os.remove(full)
        removed.append(full)
        folder = os.path.dirname(full)
        while folder != root and folder.startswith(root + os.sep):
            try:
                os.rmdir(folder)  # only succeeds when empty
            except OSError:
                break
            folder = os.path.dirname(folder)
    return removed
