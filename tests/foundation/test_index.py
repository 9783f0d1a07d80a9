"""The DuckDB index holds exactly the published notes, typed, with links resolved, and updates per note."""

from __future__ import annotations

import json
import os
import time

import duckdb
from mkdocs_vault.cli import main as cli_main
from mkdocs_vault.pipeline import Options, VaultState

VAULT = {
    "Projects/Apollo.md": (
        "---\ntype: projects\nstatus: active\nowner: \"[[Ada]]\"\nsalary: 99999\nbudget: 1.10\n"
        "due: 2025-12-15\ntags: [type/projects]\n---\n"
        "# Apollo\nHealth:: green\n- [ ] Ship 📅 2025-10-20 [owner:: [[Ada]]]\n- note [[Secret]] and [[Nowhere]]\n"
    ),
    "People/Ada.md": "---\ntype: people\naliases: [Countess]\n---\nWorks on [[Apollo]].\n",
    "Secret.md": "---\npublish: false\n---\nCANARY\n",
}


def state_for(make_vault, files=VAULT, **options) -> VaultState:
    root = make_vault(files)
    return VaultState(root, Options(private_keys=["salary"], today="2025-11-01", timezone="UTC", **options)).refresh()


def rows(state: VaultState, sql: str) -> list[tuple]:
    assert state.con is not None
    return state.con.execute(sql).fetchall()


def test_only_published_notes_and_no_private_keys(make_vault) -> None:
    state = state_for(make_vault)
    assert rows(state, "SELECT path, title, type, url FROM notes ORDER BY path") == [
        ("People/Ada.md", "Ada", "people", "people/ada/"),
        ("Projects/Apollo.md", "Apollo", "projects", "projects/apollo/"),
    ]
    assert rows(state, "SELECT count(*) FROM fields WHERE lower(key) = 'salary'") == [(0,)]
    fm = json.loads(rows(state, "SELECT frontmatter FROM notes WHERE path = 'Projects/Apollo.md'")[0][0])
    assert "salary" not in fm and fm["budget"] == 1.1
    everything = " ".join(str(r) for t in ("notes", "fields", "links", "tags", "list_items", "headings")
                          for r in rows(state, f"SELECT * FROM {t}"))
    assert "CANARY" not in everything and "Secret.md" not in everything and "99999" not in everything


def test_typed_fields(make_vault) -> None:
    state = state_for(make_vault)
    got = {r[0]: r[1:] for r in rows(state, "SELECT key, source, kind, value FROM fields WHERE path = 'Projects/Apollo.md'")}
    assert got["status"][:2] == ("frontmatter", "string")
    assert got["due"][1] == "date" and json.loads(got["due"][2]) == {"date": "2025-12-15T00:00:00.000Z"}
    assert json.loads(got["owner"][2])["link"] == "People/Ada.md"
    assert got["Health"][:2] == ("inline", "string")
    assert rows(state, "SELECT norm_key FROM fields WHERE key = 'Health'") == [("health",)]
    assert got["owner"][1] == "link"
    assert rows(state, "SELECT source FROM fields WHERE key = 'owner' ORDER BY source") == [("frontmatter",), ("task",)]


def test_links_record_state_without_naming_unpublished_targets(make_vault) -> None:
    state = state_for(make_vault)
    assert rows(state, "SELECT line, target_raw, target, state, origin, key FROM links WHERE source = 'Projects/Apollo.md' ORDER BY line, target_raw") == [
        (3, "Ada", "People/Ada.md", "resolved", "frontmatter", "owner"),
        (11, "Ada", "People/Ada.md", "resolved", "body", None),
        (12, "Nowhere", None, "unresolved", "body", None),
        (12, "Secret", None, "unpublished", "body", None),
    ]


def test_tasks_and_tags(make_vault) -> None:
    state = state_for(make_vault)
    assert rows(state, "SELECT line, status, is_task, completed, due, text FROM list_items WHERE path = 'Projects/Apollo.md' ORDER BY line") == [
        (11, " ", True, False, "2025-10-20", "Ship 📅 2025-10-20 [owner:: [[Ada]]]"),
        (12, None, False, False, None, "note [[Secret]] and [[Nowhere]]"),
    ]
    assert rows(state, "SELECT tag, explicit FROM tags WHERE path = 'Projects/Apollo.md' ORDER BY tag") == [
        ("#type", False), ("#type/projects", True)]


def test_refresh_updates_one_note_and_follows_publish_changes(make_vault) -> None:
    state = state_for(make_vault)
    root = state.root
    time.sleep(0.01)
    (root / "People/Ada.md").write_text("---\ntype: people\naliases: [Countess]\nrole: Lead\n---\nBody\n")
    state.refresh()
    assert state.changed == {"People/Ada.md"}
    assert rows(state, "SELECT value FROM fields WHERE path = 'People/Ada.md' AND key = 'role'") == [('"Lead"',)]
    assert rows(state, "SELECT count(*) FROM links WHERE source = 'People/Ada.md'") == [(0,)]
    (root / "Projects/Apollo.md").write_text("---\npublish: false\n---\nnow private\n")
    state.refresh()
    assert rows(state, "SELECT path FROM notes") == [("People/Ada.md",)]
    assert rows(state, "SELECT count(*) FROM fields WHERE path = 'Projects/Apollo.md'") == [(0,)]


def test_index_command_writes_a_duckdb_file(make_vault, tmp_path, capsys) -> None:
    root = make_vault(VAULT)
    out = tmp_path / "vault.duckdb"
    assert cli_main(["index", str(root), "--out", str(out)]) == 0
    con = duckdb.connect(str(out), read_only=True)
    assert con.execute("SELECT count(*) FROM notes").fetchone() == (2,)
    assert "wrote" in capsys.readouterr().out


def test_a_link_to_its_own_page_resolves_to_each_note_of_a_folder(make_vault) -> None:
    # Resolutions are cached per (target, folder); a same-page link depends on the note, not its folder.
    files = {f"Notes/{name}.md": '---\nsee: "[[#Plan]]"\n---\n# Plan\n[[#Plan]] here.\n' for name in "ABC"}
    state = state_for(make_vault, files)
    for name in "ABC":
        path = f"Notes/{name}.md"
        assert state.resolve("", path).path == path
        assert state.link_state("", path) == (path, "resolved")
    assert rows(state, "SELECT DISTINCT source = target FROM links") == [(True,)]


def test_a_list_field_is_typed_as_a_whole_list_would_be() -> None:
    """`_list_columns` puts a list's columns together from its items'; they must be the whole list's."""
    import datetime as dt

    from mkdocs_vault.index.build import IndexBuilder, _derive, _json

    def link_state(target: str, source: str) -> tuple[str | None, str]:
        return ("People/Ada.md", "resolved") if target == "Ada" else (None, "unresolved")

    builder = IndexBuilder(link_state, tz=dt.timezone(dt.timedelta(hours=2)))
    for raw in (
        [], ["[[Ada]]", "[[Nobody|N]]", "![[Ada#Intro]]"], ["2025-10-06", "3 days", "plain", "Zoë \"q\" \\ é"],
        [1, True, None, "x"], ["[[Ada]]"], [""],
    ):
        whole = _derive(_json(raw), builder.typed(builder._type_raw(raw, False), "Projects/X.md"))
        assert builder._field_columns(raw, False, "Projects/X.md") == whole


def _table_rows(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return sorted(map(repr, con.execute(f"SELECT * FROM {table}").fetchall()))


def _fresh_index(state: VaultState) -> duckdb.DuckDBPyConnection:
    from mkdocs_vault.index.build import build_index, connect

    fresh = connect()
    build_index(fresh, state.builder(), state.published_notes())
    return fresh


def _touch(path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    later = time.time() + 5
    os.utime(path, (later, later))


def test_fields_and_headings_are_filled_on_first_read_with_the_rows_of_a_full_index(make_vault) -> None:
    from mkdocs_vault.index.build import DEFERRED_TABLES, TABLES

    state = state_for(make_vault)
    # The build's pages never read them: a build does not pay for typing every field.
    for table in DEFERRED_TABLES:
        assert state.pages_con.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
    fresh = _fresh_index(state)
    for table in TABLES:
        assert _table_rows(state.con, table) == _table_rows(fresh, table), table
    assert state.pages_con.execute("SELECT count(*) FROM fields").fetchone()[0] > 0


def test_deferred_tables_follow_serve_edits_before_and_after_their_first_read(make_vault) -> None:
    from mkdocs_vault.index.build import TABLES

    state = state_for(make_vault)
    root = state.root
    edits = [
        # A field changes, a heading appears, and a link now leads to an unpublished note.
        ("People/Ada.md", "---\ntype: people\naliases: [Countess]\nrole: Lead\n---\n# Ada\nSee [[Secret]].\n"),
        # A note linked from a field is published (the typed link of `owner` now names it), with tags.
        ("Secret.md", "---\nowner: \"[[Ada]]\"\ntags: [team/core]\n---\n# Now public #team/core/x\n"),
        # A note is unpublished: its rows go.
        ("Projects/Apollo.md", "---\npublish: false\n---\nnow private\n"),
    ]
    for i, (rel, text) in enumerate(edits):
        _touch(root / rel, text)
        state.refresh()
        if i == 0:
            continue  # the first edit is indexed while the deferred tables are still empty
        fresh = _fresh_index(state)
        for table in TABLES:
            assert _table_rows(state.con, table) == _table_rows(fresh, table), (rel, table)
