"""Dataview page objects built from `Note`s: the `file.*` implicit fields and the typed page fields.

A page object is a plain dict, as Dataview's own page objects are plain JavaScript objects: the
`file` key holds the implicit fields and every other key is a field, under its key as written and its
normalised key (`Related Page` -> `related-page`) unless that key is a field of its own. Links in
field values are resolved to vault paths here, over every note (so names resolve as Obsidian
resolves them); a `PageSet` then only ever holds published notes, without private keys.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import gc
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..vault.model import ListItem, Note
from .listplaces import ItemPlaces
from .values import (
    UTC,
    Link,
    canonical_key,
    file_title,
    from_frontmatter,
    from_inline,
    map_leaves,
    normalize_header,
)

# target as written, source path -> resolved vault path or None
Resolve = Callable[[str, str], str | None]

TASK_DATE_KEYS = ("due", "scheduled", "start", "completion", "created")

_UNKNOWN = object()

# Every list item under a heading links to that heading: a big vault normalises the same few headings
# tens of thousands of times.
_section_subpath = functools.lru_cache(maxsize=4096)(normalize_header)


def _link_group(lk: Any) -> int:
    """0 for frontmatter links, 1 for the body's links, 2 for its embeds (a stable sort key)."""
    return 0 if lk.origin == "frontmatter" else 2 if lk.embed else 1


class _BodyLinks:
    """A note's body links by line, for the outlinks of each of its list items: a bisection per item
    rather than a pass over every link of the note (a meeting has dozens of items and of links)."""

    __slots__ = ("entries", "lines")

    def __init__(self, note: Note) -> None:
        # Line by line, a line's links before its embeds, as Dataview gathers an item's links.
        entries = sorted(
            ((lk.line, lk.embed, i, lk) for i, lk in enumerate(note.links) if lk.origin == "body"),
            key=lambda e: e[:3],
        )
        self.entries = entries
        self.lines = [e[0] for e in entries]

    def within(self, first: int, end: int) -> list[Any]:
        """The links on lines `first` to `end - 1`, in the note's order."""
        lo = bisect.bisect_left(self.lines, first)
        hi = bisect.bisect_left(self.lines, end, lo)
        return [e[3] for e in self.entries[lo:hi]]


def default_resolver(paths: Iterable[str]) -> Resolve:
    """Obsidian's rules, from `links.resolve` (aliases are not link targets in Obsidian)."""
    from ..links.resolve import LinkResolver

    resolver = LinkResolver(paths)

    def resolve(target: str, source: str) -> str | None:
        return resolver.resolve(target, source).path

    return resolve


def _as_datetime(value: Any, tz: dt.tzinfo) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=tz)
    if isinstance(value, str):
        v = from_frontmatter(value, tz)
        return v if isinstance(v, dt.datetime) else None
    return None


def _strip_day(d: dt.datetime | None, tz: dt.tzinfo) -> dt.datetime | None:
    if d is None:
        return None
    local = d.astimezone(tz)
    return dt.datetime(local.year, local.month, local.day, tzinfo=tz)


def _add_field(fields: dict[str, Any], key: str, value: Any) -> None:
    """Repeated keys become a list, as Dataview merges them."""
    if key in fields:
        existing = fields[key]
        fields[key] = existing + [value] if isinstance(existing, list) else [existing, value]
    else:
        fields[key] = value


def _with_canonical(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    for key, value in fields.items():
        canon = canonical_key(key)
        if canon and canon != key and canon not in fields and canon not in out:
            out[canon] = value
    return out


def _plain_frontmatter(value: Any, tz: dt.tzinfo) -> Any:
    """`file.frontmatter`: YAML values as they are (dates from YAML 1.1 loaders become date values)."""
    if isinstance(value, dict):
        return {str(k): _plain_frontmatter(v, tz) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_frontmatter(v, tz) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return _as_datetime(value, tz)
    return value


class _ItemDict:
    """Lends each list item its dict: the attribute dict of an instance of this class.

    A vault has tens of thousands of list items (57,000 at 10,000 notes), each a dict of 17 to 24 keys,
    all alive for the whole build. CPython keeps one table of keys for the attribute dicts of a class's
    instances (PEP 412, key-sharing dictionaries), so such a dict holds only its values: 270 bytes
    against 500 for a dict made as a literal. It is a `dict` like any other (its order is the order its
    keys were set in); only its memory differs. (`listplaces` makes the items' positions alike.)"""


# Names an instance's attribute cannot take without a meaning of its own: an item with a field of one
# of these names gets a dict made as a literal.
_ATTRIBUTE_DESCRIPTORS = frozenset(("__class__", "__dict__", "__weakref__"))

# A class's table of keys holds at most 30 (CPython's SHARED_KEYS_MAX_SIZE), and an item takes up to 28
# of Dataview's own: the items of a vault with a few field names between them filled one class's table,
# and every item with a key beyond it got a whole dict of its own (at 10,000 notes 10,700 of 57,000, 775
# bytes each against 270). So the items with the same field names share a class of their own.
_ITEM_CLASSES: dict[tuple[str, ...], type] = {}
_ITEM_CLASSES_MAX = 512  # (more field name sets than that: the rest share `_ItemDict`)


def _item_holder(own: dict[str, Any]) -> _ItemDict | None:
    """An instance whose attribute dict is to be a list item's with the field names of `own`."""
    if not own:
        return _ItemDict()
    if not _ATTRIBUTE_DESCRIPTORS.isdisjoint(own):
        return None
    shape = tuple(own)
    cls = _ITEM_CLASSES.get(shape)
    if cls is None:
        cls = _ItemDict
        if len(_ITEM_CLASSES) < _ITEM_CLASSES_MAX:
            cls = _ITEM_CLASSES[shape] = type("_ItemDict", (_ItemDict,), {})
    return cls()


@dataclass
class PageBuilder:
    """Builds page objects for a set of notes, resolving links over `all_paths`."""

    notes: Mapping[str, Note]  # every note whose links may be followed (normally all notes)
    tz: dt.tzinfo = UTC
    resolve: Resolve | None = None
    private_keys: frozenset[str] = frozenset()
    inlinks: dict[str, list[str]] = field(default_factory=dict)
    visible: set[str] | None = None  # published paths; a link to any other note stays unresolved text

    def __post_init__(self) -> None:
        # Resolution depends only on the target and the linking note's folder: memoise it, since a
        # big vault resolves the same few thousand names hundreds of thousands of times.
        self._resolved: dict[tuple[str, str], str] = {}
        self._outlinks: dict[str, list[Link]] = {}
        self._shown_keys: dict[str, bool] = {}  # `_visible`, by key: the same few keys on every note
        # Typed field values with their links resolved, by raw text and folder (`typed`).
        self._typed: dict[tuple[str, bool, str], Any] = {}
        self._dates: dict[str, dt.datetime | None] = {}  # `_task_date`
        self._folders: dict[str, str] = {}  # `_folder`
        if self.resolve is None:
            self.resolve = default_resolver(self.notes)
        self.private_keys = frozenset(k.lower() for k in self.private_keys)

    # ------------------------------------------------------------------------------------- links
    def resolve_path(self, target: str, source: str) -> str:
        """Resolved vault path, or the target text when it does not resolve (Dataview keeps it)."""
        if target == "":
            return source
        key = (target, source.rpartition("/")[0])
        cached = self._resolved.get(key)
        if cached is not None:
            return cached
        assert self.resolve is not None
        found = self.resolve(target, source)
        if found is None or (
            self.visible is not None and found.endswith(".md") and found not in self.visible
        ):
            found = target
        self._resolved[(target, self._folder(key[1]))] = found
        return found

    def _folder(self, folder: str) -> str:
        """One string for each folder in the keys of the answers kept (`resolve_path`, `typed`): made by
        `rpartition` for every key, a new one each time (at 10,000 notes 100,000 keys, 5 MB)."""
        return self._folders.setdefault(folder, folder)

    def forget_resolutions(self) -> None:
        """Links may resolve differently from now on (names changed, or notes were published or
        unpublished): drop every answer kept."""
        self._resolved.clear()
        self._typed.clear()

    def _unpublished(self, target: str, source: str) -> bool:
        """Does `target` name a note that exists but is not published?"""
        if self.visible is None:
            return False
        assert self.resolve is not None
        found = self.resolve(target, source)
        return found is not None and found.endswith(".md") and found not in self.visible

    def resolve_value(self, value: Any, source: str) -> Any:
        def fix(leaf: Any) -> Any:
            if isinstance(leaf, Link):
                return leaf.with_path(self.resolve_path(leaf.path, source))
            return leaf

        return map_leaves(value, fix)

    def typed(self, raw: Any, source: str, inline: bool = False) -> Any:
        """A frontmatter value (or with `inline`, an inline field's text) as a Dataview value, its links
        resolved from `source`. A big vault repeats the same texts on thousands of notes (`[[Ada]]`,
        `active`, a date): a text's value is kept per folder, where links resolve alike, when it is
        immutable (never a list, and never a link to the note itself, `[[]]` or `[[#Heading]]`)."""
        if not isinstance(raw, str):
            if isinstance(raw, (list, tuple)):
                return [self.typed(item, source) for item in raw]  # as from_frontmatter types a list
            return self.resolve_value(from_frontmatter(raw, self.tz), source)
        key = (raw, inline, source.rpartition("/")[0])
        found = self._typed.get(key, _UNKNOWN)
        if found is not _UNKNOWN:
            return found
        value = from_inline(raw, self.tz) if inline else from_frontmatter(raw, self.tz)
        if isinstance(value, Link):
            if not value.path:
                return value.with_path(source)  # resolve_path's answer for an empty target
            value = value.with_path(self.resolve_path(value.path, source))
        elif isinstance(value, (list, dict)):
            return self.resolve_value(value, source)
        self._typed[(raw, inline, self._folder(key[2]))] = value
        return value

    def note_links(self, note: Note) -> list[Link]:
        """`file.outlinks`: every link occurrence, with Obsidian's display text: frontmatter links, then
        the body's links, then its embeds, each in document order (Dataview reads Obsidian's
        `frontmatterLinks`, `links` and `embeds` lists in turn)."""
        cached = self._outlinks.get(note.path)
        if cached is not None:
            return list(cached)
        out = []
        for lk in sorted(note.links, key=_link_group):
            if lk.embed and lk.target and self._unpublished(lk.target, note.path):
                # The embedding page shows only a neutral notice for it: so do its outlinks.
                continue
            path = self.resolve_path(lk.target, note.path)
            if lk.subpath:
                sub = lk.subpath
                if sub.startswith("^"):
                    kind, sub = "block", sub[1:]
                else:
                    kind, sub = "header", normalize_header(sub.split("#")[-1])
            else:
                kind, sub = "file", None
            display = lk.display
            if display is None:
                display = lk.target or file_title(note.path)
                if lk.subpath:
                    display = (lk.target + " > " if lk.target else "") + lk.subpath.lstrip("^")
            out.append(Link(path, sub, display, lk.embed, kind))
        self._outlinks[note.path] = out
        return list(out)

    def compute_inlinks(self, paths: Iterable[str]) -> None:
        """Which notes (among `paths`) link to each note: Dataview's `file.inlinks`, deduplicated."""
        self.inlinks = {}
        for path in paths:
            note = self.notes[path]
            for lk in self.note_links(note):
                bucket = self.inlinks.setdefault(lk.path, [])
                # A note's links are all read before the next note's: if it is in the bucket, it is
                # last (a look through the whole list cost a note linked from thousands that many).
                if not bucket or bucket[-1] != path:
                    bucket.append(path)

    # ------------------------------------------------------------------------------------ fields
    def _visible(self, key: str) -> bool:
        shown = self._shown_keys.get(key)
        if shown is None:
            private = self.private_keys
            shown = self._shown_keys[key] = (
                key.lower() not in private and canonical_key(key).lower() not in private
            )
        return shown

    def page_fields(self, note: Note) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        for key, raw in note.frontmatter.items():
            if self._visible(str(key)):
                _add_field(fields, str(key), self.typed(raw, note.path))
        for f in note.fields:
            if f.on_task or not self._visible(f.key):
                continue
            _add_field(fields, f.key, self.typed(f.value, note.path, inline=True))
        return _with_canonical(fields)

    def list_item(
        self,
        note: Note,
        item: ListItem,
        by_line: dict[int, ListItem],
        cache: dict[int, dict],
        body_links: _BodyLinks,
        places: ItemPlaces,
    ) -> dict:
        """Dataview's serialised list item / task (`file.lists`, `file.tasks`, TASK rows)."""
        if item.line in cache:
            return cache[item.line]
        fields: dict[str, Any] = {}
        for key, raws in item.fields.items():
            if not self._visible(key):
                continue
            for raw in raws:
                _add_field(fields, key, self.typed(raw, note.path, inline=True))
        own = _with_canonical(fields)
        is_task = item.status is not None
        children = [
            self.list_item(note, by_line[c], by_line, cache, body_links, places)
            for c in item.children
            if c in by_line
        ]
        # The item's dict is an attribute dict of its own (see `_ItemDict`), filled key by key in the
        # order a dict literal would have: its fields, then Dataview's keys.
        holder = _item_holder(own)
        obj: dict[str, Any] = holder.__dict__ if holder is not None else {}
        put = holder.__setattr__ if holder is not None else obj.__setitem__
        for key, value in own.items():
            put(key, value)
        # Dataview's section is the file itself when no heading is above the item.
        section = (
            Link(note.path, _section_subpath(item.section), None, False, "header")
            if item.section
            else Link(note.path)
        )
        link = Link(note.path, item.block_id, None, False, "block") if item.block_id else section
        outlinks = [
            Link(self.resolve_path(lk.target, note.path), None, lk.display)
            for lk in body_links.within(item.line, item.line + item.line_count)
        ]
        put("symbol", item.symbol)
        put("link", link)
        put("section", section)
        put("text", item.text)
        put("tags", list(item.tags))
        put("line", item.line)
        put("lineCount", item.line_count)
        put("outlinks", outlinks)
        put("path", note.path)
        put("children", children)
        put("subtasks", children)
        put("task", is_task)
        put("annotated", bool(item.fields))
        put("real", is_task)
        put("header", section)
        # As Dataview's serialised items: `parent` and `blockId` only where there is one.
        if item.parent is not None:
            put("parent", item.parent)
        if item.block_id:
            put("blockId", item.block_id)
        if is_task:
            completed = item.status in ("x", "X")
            put("status", item.status)
            put("checked", item.status != " ")
            put("completed", completed)
            put("fullyCompleted", completed and all(c.get("fullyCompleted", True) for c in children if c.get("task")))
            for key in TASK_DATE_KEYS:
                raw = item.dates.get(key)
                if raw is None and key in fields:
                    value = fields[key]
                else:
                    value = self._task_date(raw) if raw is not None else None
                if value is not None:
                    put(key, value)
        put("position", places.position(item))
        put("list", places.list_of(item))
        cache[item.line] = obj
        return obj

    def _task_date(self, raw: Any) -> dt.datetime | None:
        """`_as_datetime` of a task's date as written (`2026-11-20`), kept by its text: a vault's tasks
        share a few hundred dates."""
        if not isinstance(raw, str):
            return _as_datetime(raw, self.tz)
        found = self._dates.get(raw, _UNKNOWN)
        if found is _UNKNOWN:
            found = self._dates[raw] = _as_datetime(raw, self.tz)
        return found

    def page(self, note: Note) -> dict[str, Any]:
        """The page object of one note."""
        lists: list[dict[str, Any]] = []
        if note.list_items:
            by_line = {i.line: i for i in note.list_items}
            cache: dict[int, dict] = {}
            body_links, places = _BodyLinks(note), ItemPlaces(note)
            lists = [self.list_item(note, i, by_line, cache, body_links, places) for i in note.list_items]
        tasks = [x for x in lists if x["task"]]
        mtime = _as_datetime(note.mtime, self.tz)
        ctime = _as_datetime(note.ctime, self.tz) or mtime
        tags: list[str] = []
        for tag in note.etags:
            parts = tag.split("/")
            for n in range(len(parts), 0, -1):
                t = "/".join(parts[:n])
                if t not in tags:
                    tags.append(t)
        frontmatter = {k: v for k, v in note.frontmatter.items() if self._visible(str(k))}
        file = {
            "name": note.name,
            "path": note.path,
            "folder": note.folder,
            "ext": note.path.rpartition(".")[2] if "." in note.path else "",
            "link": Link(note.path),
            "outlinks": self.note_links(note),
            "inlinks": [Link(p) for p in self.inlinks.get(note.path, [])],
            "etags": list(note.etags),
            "tags": tags,
            "aliases": list(note.aliases),
            "lists": lists,
            "tasks": tasks,
            "frontmatter": _plain_frontmatter(frontmatter, self.tz),
            "ctime": ctime,
            "cday": _strip_day(ctime, self.tz),
            "mtime": mtime,
            "mday": _strip_day(mtime, self.tz),
            "size": note.size,
            "starred": False,
        }
        if note.day is not None:  # Dataview sets `file.day` only when the note has one
            file["day"] = _as_datetime(note.day, self.tz)
        page = self.page_fields(note)
        page["file"] = file
        return page


@dataclass
class PageSet:
    """The pages a query can see (published notes only), by path, in vault order."""

    pages: dict[str, dict[str, Any]]
    notes: Mapping[str, Note]
    builder: PageBuilder
    # May these pages be updated in place later (`update_pages`, under `mkdocs serve`)? A one-shot build
    # says no, and its row indexes then keep less (`narrowing.RowIndex`).
    updatable: bool = True
    # How many times `update_pages` has changed this page set, and the last changes (`record_change`).
    revision: int = field(default=0, compare=False, repr=False)
    _changes: list[tuple[int, frozenset[str]]] = field(default_factory=list, compare=False, repr=False)
    # Page-independent results kept across serve rebuilds, by (query text, origin) (`engine._run_kept`).
    kept_results: dict[tuple[str, str], Any] = field(default_factory=dict, compare=False, repr=False)
    # The page objects the last `update_pages` replaced or changed, as they were before it (path ->
    # page; a page that was not there has none), and the revision that update made: a serve rebuild
    # asks which changed pages still read the same to a query (`dataview.reads`).
    before: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False, repr=False)
    before_revision: int = field(default=-1, compare=False, repr=False)

    def get(self, path: str) -> dict[str, Any] | None:
        return self.pages.get(path)

    # -- what changed since: for results kept across serve rebuilds (`dataview.kept`) --------------
    _CHANGES_KEPT = 32  # updates remembered; a result older than that is computed anew

    def record_change(self, paths: Iterable[str]) -> None:
        """`update_pages` changed (rebuilt, removed, or refreshed the inlinks of) the pages `paths`."""
        self.revision += 1
        log = self._changes
        log.append((self.revision, frozenset(paths)))
        del log[: -self._CHANGES_KEPT]

    def changed_since(self, revision: int) -> set[str] | None:
        """Every page changed after `revision` (a value of `revision`); None when that is no longer
        known (too long ago)."""
        if revision == self.revision:
            return set()
        log = self._changes
        if revision > self.revision or not log or log[0][0] > revision + 1:
            return None
        out: set[str] = set()
        for at, paths in log:
            if at > revision:
                out |= paths
        return out


def eq_key(value: Any) -> tuple | None:
    """A hashable key such that equal keys mean Dataview-equal scalars (None: not a keyable scalar)."""
    import math
    import unicodedata

    if value is None:
        return ("null",)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and math.isnan(value) else ("num", float(value))
    if isinstance(value, str):
        return ("str", unicodedata.normalize("NFC", value))
    if isinstance(value, Link):
        return ("link", value.path, value.type, value.subpath or None)
    if isinstance(value, dt.datetime):
        return ("date", value.timestamp())
    return None


def build_pages(
    notes: Mapping[str, Note],
    published: Iterable[str] | None = None,
    tz: dt.tzinfo = UTC,
    resolve: Resolve | None = None,
    private_keys: Iterable[str] = (),
) -> PageSet:
    """Page objects for the `published` notes (default: every note), with links resolved over `notes`."""
    # Page objects are millions of small long-lived objects: every later allocation burst would make
    # the cyclic GC walk them all again (a 10,000-note vault spent most query time there). Freeze them
    # out of the collector once built; unfreeze first so the previous build's pages can be freed.
    gc.unfreeze()
    was_enabled = gc.isenabled()
    gc.disable()  # building allocates only live objects: collecting meanwhile is wasted work
    try:
        allowed = None if published is None else set(published)
        visible = [p for p in notes if allowed is None or p in allowed]
        builder = PageBuilder(notes, tz, resolve, frozenset(private_keys), visible=set(visible))
        builder.compute_inlinks(visible)
        pages = {p: builder.page(notes[p]) for p in visible}
        result = PageSet(pages, {p: notes[p] for p in visible}, builder)
    finally:
        if was_enabled:
            gc.enable()
    # No full collection first: page objects hold no reference cycles, so the previous build's pages
    # were freed by reference counting already; unfreezing above lets any other garbage go later.
    gc.freeze()
    return result


def update_pages(
    pageset: PageSet,
    notes: Mapping[str, Note],
    published: Iterable[str],
    changed: Iterable[str],
    flipped: Iterable[str] = (),
    linking: Callable[[str], Iterable[str]] = lambda path: (),
    resolve: Resolve | None = None,
) -> PageSet:
    """The same pages `build_pages` would give for the new `notes`, updated in place for a change set.

    `changed` are the notes read again or removed and, when names changed (`resolve` is then the new
    resolver), every note whose links resolve differently; `flipped` those whose published state
    changed, and `linking(path)` the notes whose links resolve to `path` (published or not). Rebuilt are the changed notes and, when a note was published
    or unpublished, the notes linking to it (their links and link-valued fields now resolve
    differently); every other page only gets its `file.inlinks` refreshed where they changed.
    """
    builder = pageset.builder
    flipped = set(flipped)
    allowed = set(published)
    visible_now = [p for p in notes if p in allowed]
    visible = set(visible_now)
    rebuild = set(changed) | flipped
    for path in flipped:
        rebuild |= set(linking(path))
    builder.notes = notes
    if resolve is not None:
        builder.resolve = resolve
        builder.forget_resolutions()
    if flipped:
        builder.visible = visible
        builder.forget_resolutions()  # a link to a note that flipped resolves to it, or to its text
    touched: set[str] = set()  # pages whose inlinks may have changed
    before: dict[str, dict[str, Any]] = {}
    for path in rebuild:
        old = pageset.pages.get(path)
        if old is not None:
            before[path] = old  # (replaced below by a new page object, never changed in place)
            for lk in old["file"]["outlinks"]:
                bucket = builder.inlinks.get(lk.path)
                if bucket is not None and path in bucket:
                    bucket.remove(path)
                    touched.add(lk.path)
        builder._outlinks.pop(path, None)
    rebuilt = [p for p in visible_now if p in rebuild]
    for path in rebuilt:
        for lk in builder.note_links(notes[path]):
            bucket = builder.inlinks.setdefault(lk.path, [])
            if path not in bucket:
                bucket.append(path)
                touched.add(lk.path)
    order = {p: i for i, p in enumerate(visible_now)}
    for target in touched:
        bucket = builder.inlinks.get(target)
        if bucket is None:
            continue
        if not bucket:
            del builder.inlinks[target]
        else:
            bucket.sort(key=lambda p: order.get(p, len(order)))  # vault order, as a full build gives
    fresh = {p: builder.page(notes[p]) for p in rebuilt}
    for target in touched - fresh.keys():
        page = pageset.pages.get(target)
        if page is not None:
            before[target] = {**page, "file": {**page["file"]}}  # (its `file` changes in place)
            page["file"]["inlinks"] = [Link(p) for p in builder.inlinks.get(target, [])]
    departed = pageset.pages.keys() - visible
    same_order = not departed and len(visible) == len(pageset.pages)
    if same_order:
        pageset.pages.update(fresh)
    else:  # notes came or went: keep vault order
        pageset.pages = {p: fresh[p] if p in fresh else pageset.pages[p] for p in visible_now}
    pageset.notes = {p: notes[p] for p in visible_now}
    # Every other page is as it was but for its `file.inlinks`: the row indexes (`narrowing.RowIndex`)
    # refile these pages, and the touched ones (an index may read `file.inlinks`).
    refiled = departed | fresh.keys() | touched
    pageset.record_change(refiled)
    pageset.before, pageset.before_revision = before, pageset.revision
    for index in pageset.__dict__.get("_row_indexes", {}).values():
        index.update(pageset.pages, refiled)
    # The FROM results, the page-independent results (`engine.page_independent`) and the kept set
    # operations on the indexes' old sets (`narrowing._combine`): computed again on first use
    # (`pages_for_state` carries the index's FROM results forward).
    dropped = ("_source_cache", "_sql_sources", "_shared_results", "_set_memo")
    if not same_order:
        dropped += ("_order",)
    for cache in dropped:
        pageset.__dict__.pop(cache, None)
    return pageset
