"""What the generated pages and the note pages' panels show, read from the index in a few bulk queries.

The index holds only published notes (the publish filter ran before it was built), so nothing here can
list an unpublished note. Everything is read once per build: one query per table, not one per page,
so a 10,000-note vault costs the same handful of queries as the sample vault. Every list is sorted
with a total order (ties broken by path and line) so that two builds of one vault are identical.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

import duckdb


@dataclass(frozen=True, slots=True)
class NoteRow:
    path: str
    title: str
    type: str | None
    url: str
    day: str | None  # ISO date (or date-time) of a dated note
    folder: str
    aliases: tuple[str, ...]
    tags: tuple[str, ...]  # explicit tags, as written ("#a/b")
    frontmatter: dict[str, Any]  # private keys already removed by the index

    @property
    def date(self) -> str | None:
        return self.day[:10] if self.day else None


@dataclass(frozen=True, slots=True)
class Mention:
    """A link from `source` (at file line `line`) to a published note."""

    source: str
    line: int
    origin: str  # 'body' | 'frontmatter'
    key: str | None  # frontmatter key holding the link


@dataclass(frozen=True, slots=True)
class TaskRow:
    path: str
    line: int
    status: str
    text: str
    due: str | None
    scheduled: str | None
    section: str | None


@dataclass
class SiteData:
    """Published notes, who links to whom, open tasks and tags: the material of every listing."""

    today: dt.date
    notes: dict[str, NoteRow] = field(default_factory=dict)
    mentions: dict[str, list[Mention]] = field(default_factory=dict)  # target -> mentions, by source/line
    outlinks: dict[str, list[str]] = field(default_factory=dict)  # source -> distinct note targets
    tasks: list[TaskRow] = field(default_factory=list)
    open_task_count: dict[str, int] = field(default_factory=dict)
    # `last_contact` by note: its properties panel, its timeline and its directory row each ask. The
    # data is never changed once read (a serve rebuild makes a new SiteData), so it cannot go stale.
    _last_contact: dict[str, str | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # Every row by title (`by_title`) and every open task by due date (`tasks_by_due`), made on first
    # use; a serve rebuild's data updates the last one's.
    _by_title: list[NoteRow] | None = field(default=None, init=False, repr=False, compare=False)
    _by_due: list[TaskRow] | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, today: dt.date) -> SiteData:
        data = cls(today=today)
        data._read_notes(con, None)
        mentions: dict[str, list[Mention]] = defaultdict(list)
        outlinks: dict[str, dict[str, None]] = defaultdict(dict)
        for target, mention in data._read_links(con, None):
            mentions[target].append(mention)
            outlinks[mention.source][target] = None
        data.mentions = dict(mentions)
        data.outlinks = {s: sorted(t) for s, t in sorted(outlinks.items())}
        data._add_tasks(con, None)
        data._count_tasks()
        return data

    @classmethod
    def refreshed(
        cls, previous: SiteData, con: duckdb.DuckDBPyConnection, today: dt.date, paths: set[str]
    ) -> SiteData:
        """`load` after a serve rebuild re-indexed only `paths` (edited, relinked, published or
        removed notes): the other notes' rows are taken from `previous`, those of `paths` read again.
        Equal to a fresh `load`, since every note whose rows in notes, links or list_items were
        rewritten is in `paths` (`VaultState.reindexed`), and every list keeps the load's order."""
        data = cls(today=today)
        data.notes = {p: row for p, row in previous.notes.items() if p not in paths}
        data._read_notes(con, paths)
        data.notes = dict(sorted(data.notes.items()))
        # Mentions by target: drop those from re-indexed sources, add their new ones, sort again.
        mentions = dict(previous.mentions)
        outlinks = {s: t for s, t in previous.outlinks.items() if s not in paths}
        touched = {t for s in paths for t in previous.outlinks.get(s, ())}
        for target in touched:
            mentions[target] = [m for m in mentions.get(target, ()) if m.source not in paths]
        new_targets: dict[str, dict[str, None]] = defaultdict(dict)
        for target, mention in data._read_links(con, paths):
            if target not in touched:
                touched.add(target)
                mentions[target] = list(mentions.get(target, ()))
            mentions[target].append(mention)
            new_targets[mention.source][target] = None
        for target in touched:
            mentions[target].sort(key=_mention_order)
        data.mentions = {t: ms for t, ms in sorted(mentions.items()) if ms and t in data.notes}
        outlinks.update((s, sorted(t)) for s, t in new_targets.items())
        data.outlinks = dict(sorted(outlinks.items()))
        data.tasks = [t for t in previous.tasks if t.path not in paths]
        data._add_tasks(con, paths)
        data.tasks.sort(key=lambda t: (t.path, t.line))
        data._count_tasks()
        if previous._by_title is not None:
            data._by_title = _reordered(previous._by_title, previous.notes, data.notes, paths)
        if previous._by_due is not None:
            data._by_due = _tasks_reordered(previous, data, paths)
        return data

    def _read_notes(self, con: duckdb.DuckDBPyConnection, paths: set[str] | None) -> None:
        """Rows of the notes table (all, or those of `paths`) into `notes`."""
        sql = "SELECT path, title, type, url, day, folder, aliases, etags, frontmatter FROM notes"
        same = _Shared()
        for row in _select(con, sql, "path", paths, "path"):
            path, title, note_type, url, day, folder, aliases, etags, fm = row
            self.notes[path] = NoteRow(
                path,
                title,
                same(note_type),
                url or "",
                same(day),
                same(folder),
                tuple(aliases or ()),
                tuple(map(same, etags or ())),
                same.keys(json.loads(fm)) if fm else {},
            )

    def _read_links(self, con: duckdb.DuckDBPyConnection, paths: set[str] | None) -> list[tuple[str, Mention]]:
        """(target, mention) of every resolved link between two published notes (or of those from
        `paths`), by target, source, line. `notes` must be read first: links to attachments are left out."""
        sql = (
            "SELECT source, line, target, origin, key FROM links "
            "WHERE state = 'resolved' AND target IS NOT NULL AND target <> source"
        )
        order = "target, source, line, origin, key NULLS FIRST"
        notes, same = self.notes, _Shared()
        return [
            (row.path, Mention(notes[source].path if source in notes else source, line, same(origin), same(key)))
            for source, line, target, origin, key in _select(con, sql, "source", paths, order, has_where=True)
            if (row := notes.get(target)) is not None
        ]

    def _add_tasks(self, con: duckdb.DuckDBPyConnection, paths: set[str] | None) -> None:
        """Open tasks (all, or of `paths`): not done and not cancelled (`[x]`, `[X]`, `[-]`); in
        progress `[/]` is still open."""
        sql = (
            "SELECT path, line, status, text, due, scheduled, section FROM list_items "
            "WHERE is_task AND status NOT IN ('x', 'X', '-')"
        )
        notes, same = self.notes, _Shared()
        for path, line, status, text, due, scheduled, section in _select(
            con, sql, "path", paths, "path, line", has_where=True
        ):
            row = notes.get(path)
            path = row.path if row is not None else path
            self.tasks.append(TaskRow(path, line, same(status), text, same(due), same(scheduled), same(section)))

    def _count_tasks(self) -> None:
        self.open_task_count = {}
        for task in self.tasks:
            self.open_task_count[task.path] = self.open_task_count.get(task.path, 0) + 1

    # -- views ------------------------------------------------------------------------------------
    def by_title(self) -> list[NoteRow]:
        """Every note's row by title (case-folded), then path: the order listings show notes in."""
        if self._by_title is None:
            self._by_title = sorted(self.notes.values(), key=title_order)
        return self._by_title

    def tasks_by_due(self) -> list[TaskRow]:
        """The open tasks of the published notes by `task_order`: the order of the open tasks page."""
        if self._by_due is None:
            notes = self.notes
            self._by_due = sorted(
                (t for t in self.tasks if t.path in notes), key=lambda t: task_order(t, notes[t.path].title)
            )
        return self._by_due

    def rows_by_title(self, paths: Collection[str]) -> list[NoteRow]:
        """The rows of `paths` (published notes), by title then path."""
        if len(paths) * 8 < len(self.notes):
            return sorted((self.notes[p] for p in paths), key=title_order)
        # Most of the notes (a tag every note has, a type of thousands): picked from `by_title`, kept
        # across serve rebuilds, rather than sorted again for every such listing (8 ms for 10,000).
        return [row for row in self.by_title() if row.path in paths]

    def linking_notes(self, target: str) -> list[NoteRow]:
        """Distinct published notes linking to `target`, by path."""
        seen = dict.fromkeys(m.source for m in self.mentions.get(target, ()))
        return [self.notes[s] for s in seen if s in self.notes]

    def dated_mentions(self, target: str) -> list[NoteRow]:
        """Dated notes linking to `target`, newest first (ties by path)."""
        rows = [n for n in self.linking_notes(target) if n.day]
        return sorted(sorted(rows, key=lambda n: n.path), key=lambda n: n.day or "", reverse=True)

    def last_contact(self, target: str) -> str | None:
        """The one "last contact" every page shows for a note (its properties panel, its timeline, its
        directory row): the newest date, not after today, of a dated note linking here (future meetings
        are plans) and of the note's own `last_contact` property (a contact no note records)."""
        if target in self._last_contact:
            return self._last_contact[target]
        today = self.today.isoformat()
        # The linking notes as they come, not `dated_mentions`: the newest needs no sorted list.
        days = [n.date for n in self.linking_notes(target) if n.date and n.date <= today]
        row = self.notes.get(target)
        own = None
        if row is not None:
            value = next((v for k, v in row.frontmatter.items() if str(k).lower() == "last_contact"), None)
            own = contact_day(value)
        if own is not None and own <= today:
            days.append(own)
        last = self._last_contact[target] = max(days) if days else None
        return last

    def neighbours(self, path: str) -> list[str]:
        """Notes linked from or linking to `path`, by path."""
        near = set(self.outlinks.get(path, ())) | {m.source for m in self.mentions.get(path, ())}
        near.discard(path)
        return sorted(p for p in near if p in self.notes)

    def types(self) -> list[str]:
        return sorted({n.type for n in self.notes.values() if n.type}, key=lambda t: (t.casefold(), t))


def contact_day(value: object) -> str | None:
    """`YYYY-MM-DD` of a `last_contact` property written as a date or a date-time, else None."""
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    if isinstance(value, str) and len(value) >= 10:
        try:
            return dt.date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            return None
    return None


class _Shared:
    """One string object for each distinct text read from the index. DuckDB gives every row its own
    strings: at 10,000 notes 70,000 mentions each held their source's path and `body` again, and every
    note's frontmatter its own copy of the same few keys (about 18 MB at 10,000 notes, held to the end
    of the build). A row's path is taken from its note's row the same way (`notes[path].path`)."""

    __slots__ = ("seen",)

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def __call__(self, text: str | None) -> str | None:
        return text if text is None else self.seen.setdefault(text, text)

    def keys(self, value: dict[str, Any]) -> dict[str, Any]:
        """A frontmatter dict with its (top-level) keys shared."""
        seen = self.seen
        return {seen.setdefault(k, k): v for k, v in value.items()}


def _select(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    column: str,
    paths: set[str] | None,
    order: str,
    has_where: bool = False,
) -> list[tuple]:
    """The rows of `sql` (with a WHERE clause when `has_where`) whose `column` is in `paths` (all when
    None), in `order`."""
    if paths is None:
        return con.execute(f"{sql} ORDER BY {order}").fetchall()
    joiner = " AND " if has_where else " WHERE "
    return con.execute(f"{sql}{joiner}{column} IN (SELECT unnest(?)) ORDER BY {order}", [sorted(paths)]).fetchall()


def title_order(row: NoteRow) -> tuple[str, str]:
    """Notes in listings: by title, case-folded, then path (a total order: paths are unique)."""
    return (row.title.casefold(), row.path)


def task_order(task: TaskRow, title: str) -> tuple:
    """Open tasks by due date (those without one last), then their note's title, path and line."""
    return (task.due is None, task.due or "", title.casefold(), task.path, task.line)


def _tasks_reordered(previous: SiteData, data: SiteData, paths: set[str]) -> list[TaskRow]:
    """`data.tasks_by_due()` from `previous`'s, when only the notes of `paths` differ (sorting 10,000
    open tasks took 10 ms a rebuild)."""
    return _resorted(
        previous.tasks_by_due(),
        [t for t in previous.tasks if t.path in paths and t.path in previous.notes],
        lambda t: task_order(t, previous.notes[t.path].title),
        [t for t in data.tasks if t.path in paths and t.path in data.notes],
        lambda t: task_order(t, data.notes[t.path].title),
    )


def _reordered(
    order: list[NoteRow], before: dict[str, NoteRow], after: dict[str, NoteRow], paths: set[str]
) -> list[NoteRow]:
    """`order` (every row of `before` by `title_order`) for the rows of `after`, which differ only in
    `paths`."""
    gone = [row for p in paths if (row := before.get(p)) is not None]
    come = [row for p in paths if (row := after.get(p)) is not None]
    return _resorted(order, gone, title_order, come, title_order)


def _resorted(
    order: list[Any], gone: list[Any], gone_key: Callable[[Any], Any], come: list[Any], key: Callable[[Any], Any]
) -> list[Any]:
    """A copy of `order` (sorted by `gone_key`, which its items `gone` hold to) with `gone` taken out
    and `come` put in place by `key`: a few items moved rather than every one sorted again."""
    out = list(order)
    for item in gone:
        at = bisect.bisect_left(out, gone_key(item), key=gone_key)
        assert out[at] is item
        del out[at]
    for item in come:
        bisect.insort(out, item, key=key)
    return out


def _mention_order(m: Mention) -> tuple:
    """The load's ORDER BY source, line, origin, key NULLS FIRST (DuckDB compares strings by code point,
    as Python does)."""
    return (m.source, m.line, m.origin, m.key is not None, m.key or "")


class RowCache:
    """Rendered cells of listing rows, by a key whose second item is the note the row shows; kept
    from one serve rebuild to the next for the notes an edit cannot have changed (`carry`). A row's
    cells read the note itself, the notes it links to (their titles, URLs, publishing) and the dated
    notes linking to it (its last contact): an edit to any of those makes it stale."""

    def __init__(self, keep: bool = True) -> None:
        self.cells: dict[tuple, Any] = {}
        self.keys_of: dict[str, list[tuple]] = {}  # note path -> the keys of its rows
        self.keep = keep  # False under `mkdocs build`: no rebuild follows to reuse the rows

    def carry(self, previous: RowCache, stale: set[str]) -> None:
        """Take over `previous`'s rows but those of the `stale` notes; `previous` is left empty. (Moved,
        not copied: a copy of every row cost more than the rows an edit makes again.)"""
        self.cells, self.keys_of = previous.cells, previous.keys_of
        previous.cells, previous.keys_of = {}, {}
        for path in stale:
            for key in self.keys_of.pop(path, ()):
                self.cells.pop(key, None)

    def get(self, key: tuple, make: Callable[[], Any]) -> Any:
        if not self.keep:
            return make()
        found = self.cells.get(key)
        if found is None:
            found = self.cells[key] = make()
            self.keys_of.setdefault(key[1], []).append(key)
        return found
