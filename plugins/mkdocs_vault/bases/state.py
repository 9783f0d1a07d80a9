"""The bases of a `pipeline.VaultState`: its rows, which `.base` files go out, and running a base.

A `.base` file has no frontmatter, so it is published unless the `exclude` option, Obsidian's
excluded files or the templates folder keep it out of the vault (the loader never lists it then), or
`publish_by_default: false` holds everything back that does not say `publish: true` (which a base
cannot say). Its YAML is never copied into the site: the adapter drops it from MkDocs' files.
"""

from __future__ import annotations

import datetime as dt
import os
import weakref
from typing import Any

from ..publish import is_base_file
from .query import ViewResult, run_view
from .rows import FileRow, RowSet, build_rows, read_types
from .spec import BaseError, BaseSpec, parse_base
from .values import FileRef

_STATE_ROWS: weakref.WeakKeyDictionary[Any, tuple[int, RowSet]] = weakref.WeakKeyDictionary()


is_base = is_base_file


def published_bases(state: Any) -> list[str]:
    """The vault's `.base` files that become pages, in path order (`publish.decide` says which)."""
    return sorted(p for p in state.decision.attachments if is_base(p))


def rows_for_state(state: Any) -> RowSet:
    """The rows of the state's published notes (and its base files, for `this`), once per refresh."""
    found = _STATE_ROWS.get(state)
    if found is not None and found[0] == state.generation:
        return found[1]
    published = state.decision.notes
    # The rows are filed under the state weakly, so they must not hold it: a resolver closing over the
    # state kept every state (and its whole vault) alive for the life of the process.
    state_ref = weakref.ref(state)

    def resolve(target: str, source: str) -> str | None:
        owner = state_ref()
        if owner is None:
            return None
        path, link_state = owner.link_state(target, source)
        return path if link_state == "resolved" else None

    rows = build_rows(
        state.vault.notes,
        published,
        state.options.private_keys,
        read_types(state.root),
        resolve,
        state.clock.tz,
    )
    for path in published_bases(state):
        try:
            stat = os.stat(state.root / path)
        except OSError:
            continue
        ctime, mtime = state.clock.file_times_of(path, stat)
        rows.others[path] = FileRow(path, size=stat.st_size, ctime=ctime, mtime=mtime)
    _STATE_ROWS[state] = (state.generation, rows)
    return rows


def read_base_file(state: Any, path: str) -> str:
    return (state.root / path).read_text(encoding="utf-8", errors="replace")


def run_base(
    state: Any, spec: BaseSpec, view_name: str | None, this: str | None, now: dt.datetime | None = None
) -> list[ViewResult]:
    """Every view of `spec` (or only `view_name`'s) for `this` (a vault path), over the state."""
    rows = rows_for_state(state)
    views = spec.views if not view_name else [v for v in spec.views if v.name == view_name]
    ref = FileRef(this) if this else None
    clock_now = now or state.clock.now
    return [run_view(spec, v, rows, ref, clock_now, state.clock.tz, state.pages_con) for v in views]


__all__ = ["BaseError", "is_base", "parse_base", "published_bases", "read_base_file", "rows_for_state", "run_base"]


def listable(state: Any, spec: BaseSpec, view_name: str | None, this: str | None) -> frozenset[str] | None:
    """The notes the views of `spec` (or `view_name`'s) shown for `this` could list in the state as it
    is now, as far as the indexes tell (`query.narrowed`); None when any note could be listed."""
    from .evaluate import Evaluator
    from .query import combined, narrowed

    rows = rows_for_state(state)
    ref = FileRef(this) if this else None
    out: set[str] = set()
    for view in spec.views if not view_name else [v for v in spec.views if v.name == view_name]:
        ev = Evaluator(rows, spec.formulas, ref, state.clock.now, state.clock.tz)
        allowed = narrowed(rows, combined(spec, view), state.pages_con, ev)
        if allowed is None:
            return None
        out |= allowed
    return frozenset(out)


def check_bases(state: Any) -> int:
    """Read every published base file and every ```base block of the published notes; report what
    cannot be read, and each formula or filter that does not parse, as the build would (warnings with
    file and line). Returns how many bases had a problem. Used by `mkdocs-vault check`."""
    from ..dataview.blocks import find_blocks
    from ..diagnostics import WARNING

    sources: list[tuple[str, int, str]] = []  # (file, 1-based line of the base's first line, text)
    for path in published_bases(state):
        sources.append((path, 1, read_base_file(state, path)))
    for path in sorted(state.decision.notes):
        note = state.vault.notes[path]
        if "```base" not in note.body and "~~~base" not in note.body:
            continue
        for block in find_blocks(note.body.split("\n"), ("base",)):
            sources.append((path, note.body_line + block.line + 2, block.query))
    failed = 0
    for path, first, text in sources:
        try:
            spec = parse_base(text)
        except BaseError as exc:
            failed += 1
            line = first + max(exc.line, 1) - 1
            state.diagnostics.report(path, line, "base", f"base cannot be read: {exc.message}", WARNING)
            continue
        failed += bool(spec.problems)
        for problem in spec.problems:
            state.diagnostics.report(path, first + problem.line - 1, "base", f"base: {problem.message}", WARNING)
    return failed
