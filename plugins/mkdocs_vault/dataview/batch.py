"""Batch runner in the conformance format: a list of {id, origin, query, today[, now]} -> {id: expect}.

This is what `mkdocs-vault query VAULT --batch FILE.json --json` prints. Each entry has its own clock:
`today` is the date and `now` defaults to midnight of that date in UTC (the corpus' convention).
"""

from __future__ import annotations

import datetime as dt
import json
import time
import weakref
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..vault.model import Note
from .engine import QueryContext, run_query, to_expect
from .pages import PageSet, build_pages, update_pages
from .values import UTC


def entry_now(entry: Mapping[str, Any]) -> dt.datetime:
    """The entry's "now": its `now` field, else midnight UTC of its `today`, else the current time."""
    now = entry.get("now")
    if isinstance(now, str) and now.strip():
        value = dt.datetime.fromisoformat(now.strip())
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    today = entry.get("today")
    if isinstance(today, str) and today.strip():
        d = dt.date.fromisoformat(today.strip())
        return dt.datetime(d.year, d.month, d.day, tzinfo=UTC)
    return dt.datetime.now(UTC)


def run_entries(
    pages: PageSet,
    entries: Iterable[Mapping[str, Any]],
    tz: dt.tzinfo = UTC,
    con: Any = None,
    timings: dict[str, float] | None = None,
) -> dict[str, Any]:
    """Run every entry over already-built pages; returns id -> expect-shaped result. With `timings`,
    each entry's seconds (running the query, not shaping its result) go there by id."""
    out: dict[str, Any] = {}
    for entry in entries:
        ctx = QueryContext(pages, entry_now(entry), tz, con)
        start = time.perf_counter()
        result = run_query(str(entry.get("query", "")), str(entry.get("origin", "")), ctx)
        if timings is not None:
            timings[str(entry.get("id"))] = time.perf_counter() - start
        out[str(entry.get("id"))] = to_expect(result)
    return out


def load_pages(vault_dir: Path | str, tz: dt.tzinfo = UTC, skip_templates: bool = False) -> PageSet:
    """Read a vault with the project's loader and build the page objects of every note.

    Templates are kept by default because Dataview indexes them (the conformance corpus expects it).
    """
    from ..clock import Clock
    from ..vault.loader import load_vault

    zone = getattr(tz, "key", None) or "UTC"
    vault = load_vault(
        vault_dir, clock=Clock(timezone=zone, vault_root=Path(vault_dir)), skip_templates=skip_templates
    )
    notes: dict[str, Note] = dict(vault.notes)
    return build_pages(notes, tz=tz)


def run_batch(
    vault_dir: Path | str, entries: Iterable[Mapping[str, Any]], tz: dt.tzinfo = UTC
) -> dict[str, Any]:
    """Read `vault_dir` and run every entry; the one call behind `mkdocs-vault query --batch`."""
    return run_entries(load_pages(vault_dir, tz), entries, tz)


# ------------------------------------------------------------------------------ on a VaultState

_STATE_PAGES: weakref.WeakKeyDictionary[Any, tuple[int, PageSet]] = weakref.WeakKeyDictionary()


def pages_for_state(state: Any) -> PageSet:
    """The page objects of a `pipeline.VaultState`'s published notes, built once per refresh.

    Names resolve with the state's own resolver (the one the site's links use) over every note, then
    only published notes become pages and `private_keys` are left out. After each later refresh the
    previous refresh's pages are updated for the changed notes and the notes whose links now resolve
    differently (`update_pages`), which is what keeps `mkdocs serve` rebuilds fast.
    """
    cached = _STATE_PAGES.get(state)
    generation = getattr(state, "generation", 0)
    if cached is not None and cached[0] == generation:
        return cached[1]
    if getattr(state, "list_items_released", False):
        raise RuntimeError("the notes' list items were released once the page objects were built")
    resolver = state.resolver
    # The page objects follow the links the state resolved already: ask the state, which keeps its
    # resolver's answers. Through a weak reference: these pages are kept in a table keyed weakly by
    # the state, and a value holding its key would keep both alive.
    owner = weakref.ref(state)

    def resolve(target: str, source: str) -> str | None:
        live = owner()
        return (live.resolve(target, source) if live is not None else resolver.resolve(target, source)).path

    if cached is not None and cached[0] == generation - 1:
        tracker = state.tracker
        sources = cached[1].__dict__.get("_sql_sources")
        pages = update_pages(
            cached[1],
            state.vault.notes,
            state.decision.notes,
            changed=set(state.changed) | set(tracker.link_changes),
            flipped=tracker.flipped,
            linking=tracker.links.linking_to,
            resolve=resolve if state.names_changed else None,
        )
        changes = getattr(state, "index_changes", None)
        if sources is not None and changes is not None and state.pages_con is not None:
            # FROM results read from the index: only the re-indexed notes' rows are read again.
            pages.__dict__["_sql_sources"] = sources.carried(state.pages_con, pages.pages.keys(), changes)
        _STATE_PAGES[state] = (generation, pages)
        return pages
    pages = build_pages(
        state.vault.notes,
        state.decision.notes,
        tz=state.clock.tz,
        resolve=resolve,
        private_keys=state.options.private_keys,
    )
    _STATE_PAGES[state] = (generation, pages)
    return pages


def forget_state(state: Any) -> None:
    """Drop the page objects kept for `state` (it is being released)."""
    _STATE_PAGES.pop(state, None)


def context_for_state(state: Any, now: dt.datetime | None = None) -> QueryContext:
    """A query context over the state's pages, its clock and its DuckDB index (FROM runs as SQL).

    During a site build the state's dependency tracker records what each query reads."""
    tracker = getattr(state, "tracker", None)
    recorder = tracker.queries if tracker is not None and tracker.recording else None
    return QueryContext(pages_for_state(state), now or state.clock.now, state.clock.tz, state.pages_con, recorder)


def run_batch_on_state(
    state: Any, entries: Iterable[Mapping[str, Any]], timings: dict[str, float] | None = None
) -> dict[str, Any]:
    """`mkdocs-vault query --batch`: every entry over the state's pages, each with its own clock."""
    return run_entries(pages_for_state(state), entries, state.clock.tz, state.pages_con, timings)


def run_one_on_state(
    state: Any, query: str, origin: str, today: str | None = None, as_json: bool = False
) -> str:
    """`mkdocs-vault query [--json] QUERY`: the result as typed JSON or as plain text."""
    from .render import render_text

    now = entry_now({"today": today}) if today else None
    result = run_query(query, origin, context_for_state(state, now))
    if as_json:
        return json.dumps(to_expect(result), ensure_ascii=False)
    return render_text(result)
