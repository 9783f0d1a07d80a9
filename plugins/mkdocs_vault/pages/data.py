"""What the generated pages and the note pages' panels show, read from the index in a few bulk queries.

The index holds only published notes (the publish filter ran before it was built), so nothing here can
list an unpublished note. Everything is read once per build: one query per table, not one per page,
so a 10,000-note vault costs the same handful of queries as the sample vault. Every list is sorted
with a total order (ties broken by path and line) so that two builds of one vault are identical.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable
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

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, today: dt.date) -> SiteData:
        data = cls(today=today)
        for row in con.execute(
            "SELECT path, title, type, url, day, folder, aliases, etags, frontmatter FROM notes ORDER BY path"
        ).fetchall():
            path, title, note_type, url, day, folder, aliases, etags, fm = row
            data.notes[path] = NoteRow(
                path,
                title,
                note_type,
                url or "",
                day,
                folder,
                tuple(aliases or ()),
                tuple(etags or ()),
                json.loads(fm) if fm else {},
            )
        mentions: dict[str, list[Mention]] = defaultdict(list)
        outlinks: dict[str, dict[str, None]] = defaultdict(dict)
        for source, line, target, origin, key in con.execute(
            "SELECT source, line, target, origin, key FROM links "
            "WHERE state = 'resolved' AND target IS NOT NULL AND target <> source "
            "ORDER BY target, source, line, origin, key NULLS FIRST"
        ).fetchall():
            if target not in data.notes:
                continue  # an attachment
            mentions[target].append(Mention(source, line, origin, key))
            outlinks[source][target] = None
        data.mentions = dict(mentions)
        data.outlinks = {s: sorted(t) for s, t in sorted(outlinks.items())}
        # Open: not done and not cancelled (`[x]`, `[X]`, `[-]`); in progress `[/]` is still open.
        for path, line, status, text, due, scheduled, section in con.execute(
            "SELECT path, line, status, text, due, scheduled, section FROM list_items "
            "WHERE is_task AND status NOT IN ('x', 'X', '-') ORDER BY path, line"
        ).fetchall():
            data.tasks.append(TaskRow(path, line, status, text, due, scheduled, section))
            data.open_task_count[path] = data.open_task_count.get(path, 0) + 1
        return data

    # -- views ------------------------------------------------------------------------------------
    def linking_notes(self, target: str) -> list[NoteRow]:
        """Distinct published notes linking to `target`, by path."""
        seen = dict.fromkeys(m.source for m in self.mentions.get(target, ()))
        return [self.notes[s] for s in seen if s in self.notes]

    def dated_mentions(self, target: str) -> list[NoteRow]:
        """Dated notes linking to `target`, newest first (ties by path)."""
        rows = [n for n in self.linking_notes(target) if n.day]
        return sorted(sorted(rows, key=lambda n: n.path), key=lambda n: n.day or "", reverse=True)

    def last_contact(self, target: str) -> str | None:
        """The newest date, not after today, of a dated note linking here (future meetings are plans)."""
        today = self.today.isoformat()
        days = [n.date for n in self.dated_mentions(target) if n.date and n.date <= today]
        return max(days) if days else None

    def neighbours(self, path: str) -> list[str]:
        """Notes linked from or linking to `path`, by path."""
        near = set(self.outlinks.get(path, ())) | {m.source for m in self.mentions.get(path, ())}
        near.discard(path)
        return sorted(p for p in near if p in self.notes)

    def types(self) -> list[str]:
        return sorted({n.type for n in self.notes.values() if n.type}, key=lambda t: (t.casefold(), t))


class RowCache:
    """Rendered cells of listing rows, by a key whose second item is the note the row shows; kept
    from one serve rebuild to the next for the notes an edit cannot have changed (`carry`). A row's
    cells read the note itself, the notes it links to (their titles, URLs, publishing) and the dated
    notes linking to it (its last contact): an edit to any of those makes it stale."""

    def __init__(self) -> None:
        self.cells: dict[tuple, Any] = {}

    def carry(self, previous: RowCache, stale: set[str]) -> None:
        self.cells = {k: v for k, v in previous.cells.items() if k[1] not in stale}

    def get(self, key: tuple, make: Callable[[], Any]) -> Any:
        found = self.cells.get(key)
        if found is None:
            found = self.cells[key] = make()
        return found
