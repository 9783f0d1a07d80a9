"""After a serve rebuild the site data is updated, not read whole from the index again
(`SiteData.refreshed`): after every kind of edit it must equal a fresh `SiteData.load`, order included,
since listings and panels are written in the order of its dicts and lists."""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from mkdocs_vault.pages.data import SiteData
from mkdocs_vault.pipeline import Options, VaultState

from tests.conftest import ROOT
from tests.incremental.test_dirty_equals_full import EDITS, MEETING, PERSON

NEW_NOTE = "People/Oskar Lind.md"


def _write(vault: Path, rel: str, text: str | None) -> None:
    path = vault / rel
    if text is None:
        path.unlink()
        return
    path.write_text(text, encoding="utf-8")
    later = time.time() + 5  # newer than the last refresh, whatever the file system's resolution
    os.utime(path, (later, later))


def _edits() -> list[tuple[str, str, Callable[[str], str | None]]]:
    """(label, note, edit: the new text, or None to delete): the dirty-rebuild test's and a few more."""
    out = list(EDITS)
    out.append(("a new note linking out", NEW_NOTE, lambda _t: "---\ntype: people\n---\n\nMet [[Freya Mørk]].\n"))
    out.append(("a link to the new note", MEETING, lambda t: t + "\nWith [[Oskar Lind]] too.\n"))
    out.append(("a task done", NEW_NOTE, lambda t: t + "\n- [ ] Send notes\n- [x] Booked\n"))
    out.append(("the new note deleted", NEW_NOTE, lambda _t: None))
    out.append(("a person published again", PERSON, lambda t: t.replace("publish: false\n", "", 1)))
    return out


def _shape(data: SiteData) -> tuple:
    """Every field, with the order of each dict's keys."""
    fields = dataclasses.asdict(data)
    return fields, [list(v) for v in fields.values() if isinstance(v, dict)]


def test_refreshed_site_data_equals_a_fresh_load(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    shutil.copytree(ROOT / "vault", vault)
    state = VaultState(vault, Options(today="2026-11-24", timezone="UTC")).refresh()
    assert state.con is not None
    data = SiteData.load(state.con, state.clock.today)
    state.reindexed = set()
    partly = 0
    for label, rel, edit in _edits():
        path = vault / rel
        _write(vault, rel, edit(path.read_text(encoding="utf-8") if path.exists() else ""))
        state.refresh()
        since = state.reindexed
        assert since is not None, label
        partly += len(since) < len(data.notes)
        fresh = SiteData.load(state.con, state.clock.today)
        updated = SiteData.refreshed(data, state.con, state.clock.today, since)
        assert _shape(updated) == _shape(fresh), label
        data = updated
        state.reindexed = set()
    assert partly >= len(EDITS)  # most edits re-index a few notes, not all
