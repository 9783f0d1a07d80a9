"""Dataview page objects updated per changed note (`dataview.pages.update_pages`) must equal the ones a
full build gives for the same vault: same pages in the same order, same `file.inlinks`, same values."""

from __future__ import annotations

import os
import time
from pathlib import Path

from mkdocs_vault.dataview.batch import pages_for_state
from mkdocs_vault.dataview.engine import QueryContext, SqlSources, run_query, to_expect
from mkdocs_vault.dataview.narrowing import RowIndex
from mkdocs_vault.dataview.pages import PageSet, build_pages
from mkdocs_vault.index.build import TABLES, build_index, connect
from mkdocs_vault.pipeline import Options, VaultState

from tests.conftest import write_vault

VAULT = {
    "Home.md": "# Home\n\nSee [[Ada]], [[Bob]] and [[Carol]].\n",
    "People/Ada.md": '---\ncompany: "[[Acme]]"\n---\nAda knows [[Bob]].\n- [ ] call [[Carol]] [due:: 2026-01-02]\n',
    "People/Bob.md": "---\ncompany: Other\ntags: [team]\n---\nBob.\n",
    "People/Carol.md": "---\nrole: lead\n---\nCarol links [[Ada]] and [[Acme]].\n",
    "Customers/Acme.md": "# Acme\n\nrelated:: [[Carol]]\n",
}

QUERIES = [
    'LIST FROM "People" WHERE company = [[Acme]]',
    'TABLE file.inlinks, file.outlinks FROM ""',
    "LIST FROM [[Ada]]",
    "LIST FROM outgoing([[Carol]])",
    'TASK FROM "" WHERE !completed',
    'TABLE related FROM "Customers"',
    "LIST FROM #team",
    'LIST WHERE role = "lead"',
    "LIST FROM -#team AND -[[Carol]]",
    'LIST FROM "" WHERE contains(file.inlinks, [[Carol]]) OR contains(file.outlinks, [[Ada]])',
    'TASK FROM "" WHERE contains(file.outlinks, [[Carol]]) AND !completed',
    'LIST FROM "" WHERE contains(this.file.outlinks, file.link)',
]


def _edit(vault: Path, rel: str, text: str | None) -> None:
    path = vault / rel
    if text is None:
        path.unlink()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    later = time.time() + 5
    os.utime(path, (later, later))


def _index_rows(con) -> dict[str, list]:
    return {table: sorted(map(repr, con.execute(f"SELECT * FROM {table}").fetchall())) for table in TABLES}


def _assert_caches_fresh(pages: PageSet, con) -> None:
    """What a serve rebuild carries over from the last page set (FROM results read from the index, the
    field indexes) equals what the new page set would compute afresh."""
    carried = pages.__dict__.get("_sql_sources")
    assert carried is not None and carried.base and carried.adjacency  # the queries filled them
    fresh = SqlSources()
    for key, (sql, params, paths) in carried.base.items():
        assert paths == frozenset(r[0] for r in con.execute(sql, params).fetchall()) & pages.pages.keys(), key
    for key, adjacency in carried.adjacency.items():
        assert adjacency == fresh.links(key == "in", con, pages.pages.keys()), key
    indexes = pages.__dict__.get("_row_indexes", {})
    assert indexes
    for key, index in indexes.items():
        again = RowIndex(*key, pages.pages)
        assert index.members == again.members, key


def fresh_pages(state: VaultState) -> PageSet:
    """The page objects a full build gives for the state's vault as it is now."""
    resolver = state.resolver
    return build_pages(
        state.vault.notes,
        state.decision.notes,
        tz=state.clock.tz,
        resolve=lambda target, source: resolver.resolve(target, source).path,
        private_keys=state.options.private_keys,
    )


def _assert_same_as_full_build(state: VaultState) -> None:
    # The index, updated note by note, holds the rows a full build gives.
    fresh = connect()
    build_index(fresh, state.builder(), state.published_notes())
    assert _index_rows(state.con) == _index_rows(fresh)
    updated = pages_for_state(state)
    full = fresh_pages(state)
    assert list(updated.pages) == list(full.pages)
    for path, page in full.pages.items():
        assert updated.pages[path] == page, path
    assert {k: v for k, v in updated.builder.inlinks.items() if v} == {
        k: v for k, v in full.builder.inlinks.items() if v
    }
    for query in QUERIES:
        a = to_expect(
            run_query(query, "Home.md", QueryContext(updated, state.clock.now, state.clock.tz, state.con))
        )
        b = to_expect(
            run_query(query, "Home.md", QueryContext(full, state.clock.now, state.clock.tz, state.con))
        )
        assert a == b, query


def test_updated_pages_equal_a_full_build_after_each_kind_of_change(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", VAULT)
    state = VaultState(vault, Options(today="2026-11-24", timezone="UTC"))
    state.refresh()
    first = pages_for_state(state)
    steps = [
        # A note's links and fields change.
        ("People/Bob.md", '---\ncompany: "[[Acme]]"\n---\nBob now knows [[Ada]] and [[Carol]].\n'),
        # A tag and a field value come.
        ("People/Ada.md", '---\ncompany: "[[Acme]]"\nrole: lead\ntags: [team]\n---\nAda knows [[Bob]].\n'),
        # A note is unpublished: links to it resolve to text now, its inlinks contributions go.
        ("People/Carol.md", "---\nrole: lead\npublish: false\n---\nCarol links [[Ada]] and [[Acme]].\n"),
        # ... and published again.
        ("People/Carol.md", "---\nrole: lead\n---\nCarol links [[Ada]] only.\n"),
        # A task is completed, a link removed.
        ("People/Ada.md", '---\ncompany: "[[Acme]]"\n---\nAda.\n- [x] call [[Carol]] [due:: 2026-01-02]\n'),
    ]
    _assert_same_as_full_build(state)  # the queries fill the caches a rebuild carries over
    for rel, text in steps:
        _edit(vault, rel, text)
        state.refresh()
        assert not state.names_changed
        assert pages_for_state(state) is first  # updated in place, not rebuilt
        _assert_caches_fresh(first, state.con)
        _assert_same_as_full_build(state)


def test_a_new_or_deleted_note_updates_the_pages_and_the_index(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", VAULT)
    state = VaultState(vault, Options(today="2026-11-24", timezone="UTC"))
    state.refresh()
    pages_for_state(state)
    first = pages_for_state(state)
    # New names: [[Dan]] in Home resolves now; a second "Ada" makes [[Ada]] ambiguous-free still.
    _edit(vault, "Home.md", "# Home\n\nSee [[Ada]], [[Bob]], [[Carol]] and [[Dan]].\n")
    _edit(vault, "People/Dan.md", "Dan links [[Ada]].\n")
    state.refresh()
    assert state.names_changed
    assert pages_for_state(state) is first  # updated, not rebuilt
    _assert_same_as_full_build(state)
    _edit(vault, "People/Bob.md", None)  # Ada's and Home's links to Bob are unresolved now
    state.refresh()
    _assert_same_as_full_build(state)
    _edit(vault, "Archive/Ada.md", "An older Ada, linking [[Bob]].\n")
    state.refresh()
    _assert_same_as_full_build(state)
