"""After a serve rebuild the site data is updated, not read whole from the index again
(`SiteData.refreshed`): after every kind of edit it must equal a fresh `SiteData.load`, order included,
since listings and panels are written in the order of its dicts and lists. So must what is kept with it
from one rebuild to the next and updated for the notes read again: the notes by title, the open tasks by
due date, the tag tree, the global graph's links, and the URL map."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable
from pathlib import Path

from mkdocs_vault.pages.data import SiteData, title_order
from mkdocs_vault.pages.graph import GraphLinks, _pair_keys
from mkdocs_vault.pages.tags import TagNode, TagTree
from mkdocs_vault.pipeline import RESERVED_URLS, Options, VaultState, url_inputs
from mkdocs_vault.urls import UrlMap

from tests.incremental.test_dirty_equals_full import EDITS, MEETING, PERSON, copy_sample_vault

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
    """Every field, with the order of each dict's keys (not the views made on first use)."""
    fields = {k: v for k, v in dataclasses.asdict(data).items() if not k.startswith("_")}
    return fields, [list(v) for v in fields.values() if isinstance(v, dict)]


def _tree(node: TagNode) -> tuple:
    """A tag tree as plain values, children by key."""
    children = {k: _tree(c) for k, c in sorted(node.children.items())}
    return node.key, sorted(node.names.items()), sorted(node.direct), sorted(node.notes), children


def _urls(state: VaultState) -> tuple[dict[str, str], dict[str, str]]:
    """The note and attachment URLs of a URL map made anew for the state's published files."""
    assert state.vault is not None
    pages, files = url_inputs(state.vault, state.decision)  # notes and bases; attachments
    fresh = UrlMap(pages, files, RESERVED_URLS, state.options.home)
    return fresh.notes(), {p: fresh.attachment_url(p) for p in files}


def test_refreshed_site_data_equals_a_fresh_load(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    copy_sample_vault(vault)
    state = VaultState(vault, Options(today="2026-11-24", timezone="UTC")).refresh()
    assert state.con is not None and state.urls is not None
    data = SiteData.load(state.con, state.clock.today)
    data.by_title(), data.tasks_by_due()  # made, so that the updates carry them
    tree, links = TagTree(data), GraphLinks()
    links.keys(data, sorted(data.notes))
    state.reindexed = set()
    partly = moves = 0
    for label, rel, edit in _edits():
        path = vault / rel
        urls_before = state.urls.notes()
        _write(vault, rel, edit(path.read_text(encoding="utf-8") if path.exists() else ""))
        state.refresh()
        since = state.reindexed
        assert since is not None, label
        partly += len(since) < len(data.notes)
        fresh = SiteData.load(state.con, state.clock.today)
        updated = SiteData.refreshed(data, state.con, state.clock.today, since)
        assert _shape(updated) == _shape(fresh), label
        assert updated.by_title() == sorted(fresh.notes.values(), key=title_order), label
        assert updated.tasks_by_due() == fresh.tasks_by_due(), label
        tree.update(updated, since)
        assert _tree(tree.root) == _tree(TagTree(fresh).root), label
        assert links.stale is not None
        links.stale |= since
        assert links.keys(updated, sorted(updated.notes)) == _pair_keys(fresh, sorted(fresh.notes)), label
        # The URL map, updated in the refresh, is the one made anew; the notes it says moved are those
        # whose URL changed.
        attachments = {p: state.urls.attachment_url(p) for p in url_inputs(state.vault, state.decision)[1]}
        assert (state.urls.notes(), attachments) == _urls(state), label
        urls_after = state.urls.notes()
        moved = {p for p, url in urls_after.items() if p in urls_before and urls_before[p] != url}
        assert state.tracker.moved == moved, label
        moves += bool(moved)
        data = updated
        state.reindexed = set()
    assert partly >= len(EDITS)  # most edits re-index a few notes, not all
    assert moves >= 3  # the wave plans' URLs moved when the first went, came back, and took a permalink


def test_site_data_shares_its_repeated_strings(tmp_path: Path) -> None:
    """The site data lasts the whole build, and DuckDB gives each row its own strings: a mention's
    source and target are their notes' path objects, every mention's `origin` one string per value, and
    the notes' frontmatter keys one string per key (pages/data.py, `_Shared`); the rows a refresh reads
    again too."""
    vault = tmp_path / "vault"
    copy_sample_vault(vault)
    state = VaultState(vault, Options(today="2026-11-24", timezone="UTC")).refresh()
    assert state.con is not None
    data = SiteData.load(state.con, state.clock.today)
    mentions = [(t, m) for t, ms in data.mentions.items() for m in ms]
    assert len(mentions) > 20
    for target, m in mentions:
        assert target is data.notes[target].path and m.source is data.notes[m.source].path
    assert len({id(m.origin) for _t, m in mentions}) == len({m.origin for _t, m in mentions}) == 2
    assert all(t.path is data.notes[t.path].path for t in data.tasks)
    keys = [k for row in data.notes.values() for k in row.frontmatter]
    assert len({id(k) for k in keys}) == len(set(keys)) < len(keys)
    again = SiteData.refreshed(data, state.con, state.clock.today, {MEETING})
    read = [m for ms in again.mentions.values() for m in ms if m.source == MEETING]
    assert read and all(m.source is again.notes[MEETING].path for m in read)
