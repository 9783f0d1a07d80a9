"""The whole-vault results on project pages under `mkdocs serve --dirty`: kept across rebuilds and
updated for the changed notes (`dataview/kept.py`), their rows' HTML and links kept too
(`render.RowHtml`, `links.extension.fix_links`'s `known`). After every edit the site, results files
included, is what a full build of the edited vault writes; a prose edit renders one or two rows again."""

from __future__ import annotations

from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

from tests.conftest import write_vault
from tests.incremental.test_serve_rebuild import SERVE_URL, _build, _config, _edit
from tests.incremental.test_shared_placeholder import _results, _same_as_full_build

MODIFIED = (
    '```dataview\nTABLE file.mtime AS "Modified" FROM "" WHERE type != "readme" AND type != "projects" '
    "SORT file.mtime DESC\n```\n"
)
OPEN_TASKS = '```dataview\nTASK FROM "" WHERE !completed SORT due ASC\n```\n'


def _note(n: int, extra: str = "") -> str:
    return (
        f"---\ntype: people\n---\n# Person {n:02d}\n\nWorks with [[Person {(n + 1) % 60:02d}]].{extra}\n"
        f"- [ ] call number {n:02d} 📅 2026-01-{1 + n % 28:02d}\n"
    )


VAULT = {
    **{f"People/Person {n:02d}.md": _note(n) for n in range(60)},
    "Projects/P1.md": f"---\ntype: projects\n---\n# P1\n\n{MODIFIED}\n{OPEN_TASKS}",
    "Projects/P2.md": f"---\ntype: projects\n---\n# P2\n\n{OPEN_TASKS}",
}


def _rendered(config_file: Path, site: Path) -> dict[str, int]:
    """Rebuild; the rows each kept shared result rendered (not reused) in this build (0: not run)."""
    config = load_config(config_file=str(config_file), site_dir=str(site))
    for rows in config.plugins["vault"].state.tracker.row_html.values():
        rows.rendered = 0
    build(config, serve_url=SERVE_URL, dirty=True)
    tracker = config.plugins["vault"].state.tracker
    return {shared: rows.rendered for shared, rows in tracker.row_html.items()}


def test_whole_vault_results_follow_each_edit_and_render_only_changed_rows(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", VAULT)
    config, site = _config(tmp_path, vault), tmp_path / "site"
    _build(config, site, first=True)
    assert len(_results(site)) == 4  # two long results, each a whole result and its first rows

    # Prose: the note moves to the top of the modified table. Its row renders again, and the table row
    # of the note it links to (whose inlinks the page set refreshed): not the other 58. The open tasks
    # read nothing the edit changed (`dataview.reads`): not run again at all.
    _edit(vault, "People/Person 07.md", _note(7, " Edited."))
    rendered = _rendered(config, site)
    assert sorted(rendered.values()) == [0, 2], rendered
    assert "Person 07" in next(t for t in _results(site).values() if "Modified" in t).split("</tr>")[1]
    _same_as_full_build(tmp_path, config, site, "prose")

    # A task ticked, a note that leaves the table (now a project), a note added, one unpublished.
    _edit(vault, "People/Person 08.md", _note(8).replace("- [ ]", "- [x]"))
    _rendered(config, site)
    _same_as_full_build(tmp_path, config, site, "task ticked")
    _edit(vault, "People/Person 09.md", _note(9).replace("type: people", "type: projects"))
    _rendered(config, site)
    _same_as_full_build(tmp_path, config, site, "type changed")
    _edit(vault, "People/Person 60.md", _note(60))
    _rendered(config, site)
    _same_as_full_build(tmp_path, config, site, "note added")
    _edit(vault, "People/Person 11.md", _note(11).replace("---\n#", "publish: false\n---\n#"))
    _rendered(config, site)
    _same_as_full_build(tmp_path, config, site, "note unpublished")
    # Prose again after those: the kept rows' HTML was dropped for the unpublished note, and is kept anew.
    _edit(vault, "People/Person 12.md", _note(12, " Edited."))
    _rendered(config, site)
    _edit(vault, "People/Person 13.md", _note(13, " Edited."))
    assert sorted(_rendered(config, site).values()) == [0, 2]
    _same_as_full_build(tmp_path, config, site, "prose again")


# A long whole-folder table: a computed wikilink to the person five on (a text, not a link of the note:
# nothing but the row's HTML says it shows a link to that person), and a property linking to the next.
FRIENDS = '```dataview\nTABLE "[[" + friend + "]]" AS "Friend", mate FROM "People" SORT file.name ASC\n```\n'


def _friend(n: int) -> str:
    return (
        f'---\ntype: people\nfriend: "Person {(n + 5) % 60:02d}"\nmate: "[[Person {(n + 1) % 60:02d}]]"\n---\n'
        f"# Person {n:02d}\n"
    )


def test_a_publish_flip_renders_only_the_rows_showing_a_link_to_the_note(tmp_path: Path) -> None:
    vault = write_vault(
        tmp_path / "vault",
        {**{f"People/Person {n:02d}.md": _friend(n) for n in range(60)}, "Projects/P1.md": f"# P1\n\n{FRIENDS}"},
    )
    config, site = _config(tmp_path, vault), tmp_path / "site"
    _build(config, site, first=True)
    assert len(_results(site)) == 2

    # Person 11 unpublished: its row goes; Person 06's computed link to it and Person 10's property
    # link to it become text (06's row object is the same, only its HTML says so), Person 12's
    # inlinks change. The other 56 rows are shown as they were, and not rendered again.
    _edit(vault, "People/Person 11.md", _friend(11).replace("---\n#", "publish: false\n---\n#"))
    assert list(_rendered(config, site).values()) == [3]
    whole = next(t for name, t in _results(site).items() if ".first." not in name)
    row = next(r for r in whole.split("</tr>") if ">Person 06<" in r.split("</td>")[0])
    assert "Person 11" in row and "person-11" not in row
    _same_as_full_build(tmp_path, config, site, "unpublished")
    # Published again: its row comes back, and the same three rows show links to it again.
    _edit(vault, "People/Person 11.md", _friend(11))
    assert list(_rendered(config, site).values()) == [4]
    _same_as_full_build(tmp_path, config, site, "published again")
