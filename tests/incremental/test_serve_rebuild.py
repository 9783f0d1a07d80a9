"""`mkdocs serve --dirty` rebuilds, driven in-process the way `mkdocs serve` drives them: one kept plugin
instance, `build(config, serve_url=..., dirty=True)` after every change. An edit must re-render the
pages whose query results, backlinks and listings it changes, leave unrelated pages alone, and remove
the page of a note that became unpublished."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from tests.conftest import site_config, write_vault

SERVE_URL = "http://127.0.0.1:8000/"

VAULT = {
    "index.md": "# Home\n\nStart at [[Acme]].\n",
    "Customers/Acme.md": (
        "---\ntype: customers\n---\n# Acme\n\n## People\n\n"
        '```dataview\nLIST FROM "People" WHERE company = this.file.link\n```\n'
    ),
    "People/Ada.md": '---\ntype: people\ncompany: "[[Acme]]"\ntags: [team]\n---\n# Ada\n\nAda works with [[Carol]].\n',
    "People/Bob.md": "---\ntype: people\ncompany: Elsewhere Ltd\n---\n# Bob\n\nBob has no links yet.\n",
    "People/Carol.md": "---\ntype: people\n---\n# Carol\n\nCarol's page. CAROL-CANARY-71\n",
    "Lists/VIP list.md": "# VIP list\n\n```dataview\nLIST FROM #vip\n```\n",
    "Projects/Quiet project.md": "---\ntype: projects\nstatus: active\n---\n# Quiet project\n\nNothing links here.\n",
}


def _config(tmp_path: Path, docs: Path) -> Path:
    return site_config(tmp_path, docs, '      today: "2026-11-24"\n      timezone: UTC')


def _build(config_file: Path, site: Path, first: bool = False) -> None:
    config = load_config(config_file=str(config_file), site_dir=str(site))
    if first:
        config.plugins.on_startup(command="serve", dirty=True)
        # MkDocs keeps a plugin with on_startup for the whole process: Material's search would merge
        # the index of another test's last build into this one's.
        for plugin in config.plugins.values():
            if hasattr(plugin, "search_index_prev"):
                plugin.search_index_prev = None
    build(config, serve_url=SERVE_URL, dirty=True)


def _edit(vault: Path, rel: str, text: str) -> None:
    path = vault / rel
    path.write_text(text, encoding="utf-8")
    later = time.time() + 5  # a newer mtime than any output, whatever the file system's resolution
    os.utime(path, (later, later))


def _page(site: Path, url: str) -> Path:
    return site / url / "index.html"


def _read(site: Path, url: str) -> str:
    return _page(site, url).read_text(encoding="utf-8")


def _locations(site: Path) -> set[str]:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return {doc["location"].split("#")[0] for doc in index["docs"]}


@pytest.fixture
def served(tmp_path: Path):
    vault = write_vault(tmp_path / "vault", VAULT)
    config = _config(tmp_path, vault)
    site = tmp_path / "site"
    _build(config, site, first=True)
    return vault, config, site


def test_an_edit_rerenders_dependent_pages_and_nothing_unrelated(served) -> None:
    vault, config, site = served
    acme = _read(site, "customers/acme")
    assert "Ada" in acme and "Bob" not in acme.split("People", 1)[1]
    assert "Bob" not in _read(site, "people/ada")
    assert not _page(site, "tags/vip").exists()
    quiet = _page(site, "projects/quiet-project")
    quiet_mtime = quiet.stat().st_mtime_ns
    before_locations = _locations(site)
    assert "projects/quiet-project/" in before_locations

    # Bob joins Acme, mentions Ada and gets a new tag (the tags listing exists already: a new
    # listing changes the navigation, which every page shows).
    _edit(
        vault,
        "People/Bob.md",
        '---\ntype: people\ncompany: "[[Acme]]"\ntags: [vip]\n---\n# Bob\n\nBob now pairs with [[Ada]].\n',
    )
    _build(config, site)

    # Another page's query result changed.
    assert "people/bob/" in _read(site, "customers/acme").replace("../../", "")
    # ... and one that depends on Bob only through its query (no link between them).
    assert "people/bob/" in _read(site, "lists/vip-list").replace("../../", "")
    # Backlinks of the note Bob now links to.
    ada = _read(site, "people/ada")
    assert "Linked mentions" in ada and "Bob" in ada
    # A listing: the new tag has its page, and the directory's people table is up to date.
    assert "Bob" in _read(site, "tags/vip")
    assert "Acme" in _read(site, "directory/people").split("Bob", 1)[1]
    # An unrelated page was not written again.
    assert quiet.stat().st_mtime_ns == quiet_mtime
    # Material's search index still holds every page, once.
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages = [d["location"] for d in index["docs"] if "#" not in d["location"]]
    assert len(pages) == len(set(pages))
    assert before_locations <= _locations(site)


def test_a_note_that_becomes_unpublished_loses_its_page(served) -> None:
    vault, config, site = served
    assert "CAROL-CANARY-71" in _read(site, "people/carol")
    assert 'href="../carol/"' in _read(site, "people/ada")
    _edit(vault, "People/Carol.md", "---\ntype: people\npublish: false\n---\n# Carol\n\nCAROL-CANARY-71\n")
    _build(config, site)
    assert not _page(site, "people/carol").exists()
    assert not (site / "people" / "carol").exists()
    # The link to Carol on Ada's page is plain text now, and the directory no longer lists her.
    assert 'href="../carol/"' not in _read(site, "people/ada")
    assert "Carol" not in _read(site, "directory/people")
    assert "people/carol/" not in _locations(site)
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml"):
            assert "CAROL-CANARY-71" not in path.read_text(encoding="utf-8", errors="replace"), path


def test_a_deleted_note_loses_its_page_and_a_new_note_gets_one(served) -> None:
    vault, config, site = served
    (vault / "People" / "Carol.md").unlink()
    write_vault(
        vault, {"People/Dan.md": '---\ntype: people\ncompany: "[[Acme]]"\n---\n# Dan\n\nHello [[Ada]].\n'}
    )
    _build(config, site)
    assert not _page(site, "people/carol").exists()
    assert _page(site, "people/dan").exists()
    assert "Dan" in _read(site, "people/ada")
    assert "people/dan/" in _read(site, "customers/acme").replace("../../", "")


def test_a_prose_edit_keeps_the_listings_and_updates_the_mentions(served) -> None:
    vault, config, site = served
    listings = [_page(site, url) for url in ("directory/people", "tags/team", "tags", "timeline")]
    listings = [p for p in listings if p.exists()]
    assert listings
    times = [p.stat().st_mtime_ns for p in listings]
    # Same line, same link: only the prose around the link changes.
    _edit(
        vault,
        "People/Ada.md",
        '---\ntype: people\ncompany: "[[Acme]]"\ntags: [team]\n---\n# Ada\n\nAda works closely with [[Carol]].\n',
    )
    _build(config, site)
    assert "closely" in _read(site, "people/ada")
    # Carol's linked mentions quote the new line.
    assert "closely" in _read(site, "people/carol")
    assert [p.stat().st_mtime_ns for p in listings] == times


RECENT_VAULT = {
    "Recent.md": '# Recent\n\n```dataview\nLIST FROM "Meetings" SORT date DESC LIMIT 2\n```\n',
    "Meetings/A.md": "---\ndate: 2026-01-01\n---\n# A\n",
    "Meetings/B.md": "---\ndate: 2026-02-01\n---\n# B\n",
    "Meetings/C.md": "---\ndate: 2026-03-01\n---\n# C\n",
    "Meetings/D.md": "---\ndate: 2026-04-01\n---\n# D\n",
}


def _listed(site: Path) -> list[str]:
    """The meetings the Recent page's query lists, in order."""
    return re.findall(r"meetings/(\w)/", _read(site, "recent").split("vault-dataview", 1)[1])


def test_a_sorted_and_limited_query_renders_again_only_when_its_rows_can_change(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", RECENT_VAULT)
    config, site = _config(tmp_path, vault), tmp_path / "site"
    _build(config, site, first=True)
    recent = _page(site, "recent")
    assert _listed(site) == ["d", "c"]

    # A meeting sorting after the last row kept, before and after the edit: the result cannot change.
    written = recent.stat().st_mtime_ns
    _edit(vault, "Meetings/A.md", "---\ndate: 2026-01-02\n---\n# A\n\nMoved by a day.\n")
    _build(config, site)
    assert recent.stat().st_mtime_ns == written

    # Sorting level with the last row kept: the vault's order breaks the tie, so A now comes first.
    _edit(vault, "Meetings/A.md", "---\ndate: 2026-03-01\n---\n# A\n")
    _build(config, site)
    assert _listed(site) == ["d", "a"]

    # A meeting among those kept is deleted: the next one moves up.
    (vault / "Meetings" / "D.md").unlink()
    _build(config, site)
    assert _listed(site) == ["a", "c"]

    # An earlier meeting moves to the top.
    _edit(vault, "Meetings/B.md", "---\ndate: 2026-05-01\n---\n# B\n")
    _build(config, site)
    assert _listed(site) == ["b", "a"]


def test_a_template_edit_renders_every_page_again(tmp_path: Path) -> None:
    """`mkdocs serve --dirty --watch-theme`: a saved template of the site's `custom_dir` reaches every
    page, not only those the last edit of a note would have."""
    vault = write_vault(tmp_path / "vault", VAULT)
    theme = tmp_path / "theme"
    theme.mkdir()
    template = theme / "main.html"
    template.write_text('{% extends "base.html" %}\n{% block footer %}FOOTER-ONE{% endblock %}\n', encoding="utf-8")
    config = _config(tmp_path, vault)
    config.write_text(
        config.read_text(encoding="utf-8").replace("  font: false\n", f"  font: false\n  custom_dir: {theme}\n"),
        encoding="utf-8",
    )
    site = tmp_path / "site"
    _build(config, site, first=True)
    assert "FOOTER-ONE" in _read(site, "projects/quiet-project")

    template.write_text('{% extends "base.html" %}\n{% block footer %}FOOTER-TWO{% endblock %}\n', encoding="utf-8")
    later = time.time() + 5
    os.utime(template, (later, later))
    _build(config, site)
    for url in ("projects/quiet-project", "people/ada", "directory/people"):
        page = _read(site, url)
        assert "FOOTER-TWO" in page and "FOOTER-ONE" not in page, url


def test_a_rebuild_leaves_the_tables_no_page_reads_for_their_first_use(served) -> None:
    # `fields` and `headings` are filled on first use only (`VaultState.con`); a serve rebuild reads
    # the index through `pages_con`, so it must not pay for them (about a second at 10,000 notes).
    vault, config_file, site = served
    _edit(vault, "People/Bob.md", VAULT["People/Bob.md"].replace("Elsewhere Ltd", '"[[Acme]]"'))
    config = load_config(config_file=str(config_file), site_dir=str(site))
    build(config, serve_url=SERVE_URL, dirty=True)
    assert "Bob" in _read(site, "customers/acme")
    state = config.plugins["vault"].state
    for table in ("fields", "headings"):
        assert state.pages_con.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
    # ...and the first read still sees the edit.
    rows = state.con.execute("SELECT value FROM fields WHERE path = 'People/Bob.md' AND key = 'company'")
    assert "Acme" in rows.fetchone()[0]


def _served_vault(tmp_path: Path, files: dict[str, str | bytes]) -> tuple[Path, Path, Path]:
    """(vault, mkdocs.yml, site) of `files`, after the first build of a serve session."""
    vault = write_vault(tmp_path / "vault", files)
    config, site = _config(tmp_path, vault), tmp_path / "site"
    _build(config, site, first=True)
    return vault, config, site


def test_a_file_linked_from_an_edited_note_renders_its_embedders_again_only_when_it_changes(tmp_path: Path) -> None:
    """P1 and P2 embed the same base and image. Editing P1 renders P1 again, not P2: what P2's embeds
    show changes only when the base, the image or the notes the base lists do."""
    from tests.incremental.test_shared_placeholder import _same_as_full_build

    base = "filters: file.inFolder(\"People\")\nviews:\n  - type: table\n    name: Everyone\n    order: [file.name, role]\n"
    files = {
        "Bases/Team.base": base,
        "pic.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 16,
        "People/Ada.md": "---\nrole: lead\n---\n# Ada\n",
        "Projects/P1.md": "---\nstatus: active\n---\n# P1\n\n![[Team.base]]\n\n![[pic.png]]\n",
        "Projects/P2.md": "---\nstatus: active\n---\n# P2\n\n![[Team.base]]\n\n![[pic.png]]\n",
    }
    vault, config, site = _served_vault(tmp_path, files)
    p1, p2 = _page(site, "projects/p1"), _page(site, "projects/p2")
    assert "lead" in p2.read_text(encoding="utf-8")

    written = p1.stat().st_mtime_ns, p2.stat().st_mtime_ns
    _edit(vault, "Projects/P1.md", files["Projects/P1.md"].replace("status: active", "status: done"))
    _build(config, site)
    assert p1.stat().st_mtime_ns != written[0] and p2.stat().st_mtime_ns == written[1]
    _same_as_full_build(tmp_path, config, site, "the embedding note edited")

    _edit(vault, "Bases/Team.base", base.replace("role]", "role, file.folder]"))
    _build(config, site)
    assert "People" in p2.read_text(encoding="utf-8") and p2.stat().st_mtime_ns != written[1]
    _same_as_full_build(tmp_path, config, site, "the base edited")

    written = p2.stat().st_mtime_ns
    _edit(vault, "People/Ada.md", "---\nrole: director\n---\n# Ada\n")
    _build(config, site)
    assert "director" in p2.read_text(encoding="utf-8") and p2.stat().st_mtime_ns != written
    _same_as_full_build(tmp_path, config, site, "a listed note edited")


def test_a_note_unpublished_renders_again_the_bases_showing_a_link_to_it_only(tmp_path: Path) -> None:
    """Acme is unpublished: the page whose base lists Ada, whose `company` links to Acme, shows that
    link as text now; the page whose base lists only projects, none linking to Acme, stays; a base
    making links of its own (`link()`) could show one to Acme, and renders again."""
    from tests.incremental.test_shared_placeholder import _same_as_full_build

    people = 'filters: file.inFolder("People")\nviews:\n  - type: table\n    name: P\n    order: [file.name, company]\n'
    projects = 'filters: file.inFolder("Projects")\nviews:\n  - type: table\n    name: J\n    order: [file.name]\n'
    made = (
        'filters: file.inFolder("Projects")\nformulas:\n  who: link(owner)\nviews:\n  - type: table\n'
        "    name: M\n    order: [file.name, formula.who]\n"
    )
    files = {
        "Bases/People.base": people,
        "Bases/Projects.base": projects,
        "Bases/Made.base": made,
        "Customers/Acme.md": "# Acme\n",
        "Customers/Beta.md": "# Beta\n",  # (the folder stays: the navigation is the same)
        "People/Ada.md": '---\ncompany: "[[Acme]]"\n---\n# Ada\n',
        "Projects/Alpha.md": "---\nowner: Acme\n---\n# Alpha\n",
        "Notes/Team.md": "# Team\n\n![[People.base]]\n",
        "Notes/Work.md": "# Work\n\n![[Projects.base]]\n",
        "Notes/Made.md": "# Made\n\n![[Made.base]]\n",
    }
    vault, config, site = _served_vault(tmp_path, files)
    pages = {url: _page(site, url) for url in ("notes/team", "notes/work", "notes/made")}
    assert 'href="../../customers/acme/"' in pages["notes/team"].read_text(encoding="utf-8")
    written = {url: page.stat().st_mtime_ns for url, page in pages.items()}
    _edit(vault, "Customers/Acme.md", "---\npublish: false\n---\n# Acme\n")
    _build(config, site)
    again = {url for url, page in pages.items() if page.stat().st_mtime_ns != written[url]}
    assert again == {"notes/team", "notes/made"}
    assert "customers/acme/" not in pages["notes/team"].read_text(encoding="utf-8")
    _same_as_full_build(tmp_path, config, site, "a linked note unpublished")


def test_a_base_files_page_is_made_again_only_when_what_it_lists_can_have_changed(tmp_path: Path, monkeypatch) -> None:
    """A base file's own page is made while the files are listed, on every build. Under serve the last
    build's is kept when no edit can have changed what its views list (as for a note showing a base):
    an unrelated edit makes it not again, an edit of a listed note or of a note now listed does, and
    after each rebuild the site is what a full build writes."""
    from mkdocs_vault.bases import extension
    from mkdocs_vault.bases.extension import BasesRunner

    from tests.incremental.test_shared_placeholder import _same_as_full_build

    base = 'filters: file.inFolder("People")\nviews:\n  - type: table\n    name: Everyone\n    order: [file.name, role]\n'
    files = {
        "Bases/Team.base": base,
        "People/Ada.md": "---\nrole: lead\n---\n# Ada\n",
        "Projects/P1.md": "---\nstatus: active\n---\n# P1\n",
    }
    vault, config, site = _served_vault(tmp_path, files)
    made: list[str] = []
    real = BasesRunner.page_html

    def counting(self, base_path: str, tell: bool = False) -> str:
        made.append(base_path)
        return real(self, base_path, tell)

    monkeypatch.setattr(BasesRunner, "page_html", counting)
    probed: list[str] = []
    real_listable = extension.listable
    monkeypatch.setattr(extension, "listable", lambda *a: probed.append("probe") or real_listable(*a))
    _build(config, site)  # nothing changed
    assert made == []
    assert probed == []  # no changed note to look for among what its views could list
    steps = [
        ("Projects/P1.md", "---\nstatus: done\n---\n# P1\n", False),  # not listed
        ("People/Ada.md", "---\nrole: director\n---\n# Ada\n", True),  # listed
        ("Projects/P1.md", "---\nstatus: active\n---\n# P1\n\nMore.\n", False),
        ("People/Ada.md", "---\nrole: director\n---\n# Ada\n\nProse.\n", True),
    ]
    for rel, text, again in steps:
        made.clear()
        _edit(vault, rel, text)
        _build(config, site)
        assert made == (["Bases/Team.base"] if again else []), rel
        _same_as_full_build(tmp_path, config, site, rel)
    assert "director" in _read(site, "bases/team")


def test_a_query_showing_a_row_that_links_to_an_unpublished_note_renders_again(tmp_path: Path) -> None:
    """Ada is unpublished: the project page's TASK result shows a meeting's action item owned by
    `[[Ada]]`, which must now read as text. The meeting itself did not change, but its page object
    did (its links resolve to text now), so the pages whose queries list it render again; found by
    comparing the 10,000-note serve benchmark's site with a full build."""
    from tests.incremental.test_shared_placeholder import _same_as_full_build

    files = {
        "People/Ada.md": "# Ada\n",
        "People/Bob.md": "# Bob\n",
        "Meetings/M1.md": '---\nproject: "[[P1]]"\n---\n- [ ] send the plan [owner:: [[Ada]]]\n',
        "Projects/P1.md": '# P1\n\n```dataview\nTASK FROM "Meetings" WHERE project = this.file.link\n```\n',
    }
    vault, config, site = _served_vault(tmp_path, files)
    assert 'href="../../people/ada/"' in _read(site, "projects/p1")
    _edit(vault, "People/Ada.md", "---\npublish: false\n---\n# Ada\n")
    _build(config, site)
    assert "people/ada/" not in _read(site, "projects/p1")
    _same_as_full_build(tmp_path, config, site, "the owner unpublished")
    _edit(vault, "People/Ada.md", "# Ada\n")
    _build(config, site)
    assert 'href="../../people/ada/"' in _read(site, "projects/p1")
    _same_as_full_build(tmp_path, config, site, "the owner published again")
