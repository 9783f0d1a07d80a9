"""A long page-independent result under `mkdocs serve --dirty`: its pages show only a placeholder, the
same whatever its rows, so an edit that changes its rows rewrites its results files and renders none of
those pages again; a result that becomes short enough to show inline, or long again, renders them again.
After every rebuild the site is what a full build of the edited vault writes (results files included)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import build_site, write_vault
from tests.incremental.test_dirty_equals_full import _html, _search_entries
from tests.incremental.test_serve_rebuild import _build, _config, _edit, _page

OPEN_TASKS = '```dataview\nTASK FROM "" WHERE !completed SORT due ASC\n```\n'
# Short and page-independent: shown inline. (Not of People/: the tasks link to Ada, and an edit of them
# counts as a change of the notes they link to, whose inlinks may differ.)
TEAM = '```dataview\nLIST FROM "Team"\n```\n'
OWN = '```dataview\nLIST FROM [[]]\n```\n'  # reads its page


def _tasks(open_count: int, done: int = 2) -> str:
    lines = [f"- [ ] call number {n:02d} with [[Ada]] 📅 2026-01-{1 + n % 28:02d}" for n in range(open_count)]
    lines += [f"- [x] old call {n} ✅ 2025-12-01" for n in range(done)]
    return "# Calls\n\n" + "\n".join(lines) + "\n"


VAULT = {
    "Calls.md": _tasks(53),
    "People/Ada.md": "# Ada\n",
    "Team/Cy.md": "# Cy\n\nOn [[P1]].\n",
    "Projects/P1.md": f"# P1\n\n{OPEN_TASKS}\n{TEAM}\n{OWN}",
    "Projects/P2.md": f"# P2\n\n{OPEN_TASKS}\n{TEAM}",
    "Projects/Deep/P3.md": f"# P3\n\n{OPEN_TASKS}",
}
PROJECTS = ("projects/p1", "projects/p2", "projects/deep/p3")


def _results(site: Path) -> dict[str, str]:
    folder = site / "vault-results"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.html"))} if folder.is_dir() else {}


def _same_as_full_build(tmp_path: Path, config: Path, site: Path, label: str) -> None:
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    proc = build_site(config, fresh)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got, want = _html(site), _html(fresh)
    assert sorted(set(got) ^ set(want)) == [], label
    assert [rel for rel in want if got[rel] != want[rel]] == [], label
    assert _search_entries(site) == _search_entries(fresh), label


def test_a_long_shared_result_changes_its_files_not_its_pages_until_it_crosses_the_threshold(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", VAULT)
    config, site = _config(tmp_path, vault), tmp_path / "site"
    _build(config, site, first=True)

    def written() -> dict[str, int]:
        return {url: _page(site, url).stat().st_mtime_ns for url in (*PROJECTS, "people/ada")}

    def shown(url: str) -> str:
        return _page(site, url).read_text(encoding="utf-8")

    before, files = written(), _results(site)
    assert len(files) == 4  # the whole result and its first rows, for Projects/ and Projects/Deep/
    assert all("call number" not in shown(url) and "vault-shared-result" in shown(url) for url in PROJECTS)
    assert sum("The first 50 of 53" in text for text in files.values()) == 2

    # A task ticked: the results files change, and no project page renders again.
    _edit(vault, "Calls.md", _tasks(53).replace("- [ ] call number 07", "- [x] call number 07", 1))
    _build(config, site)
    after = written()
    assert {url for url in PROJECTS if after[url] != before[url]} == set()
    now = _results(site)
    assert set(now) == set(files) and all(now[name] != files[name] for name in files)
    assert sum("The first 50 of 52" in text for text in now.values()) == 2
    assert "call number 07" not in "".join(now.values())
    _same_as_full_build(tmp_path, config, site, "a task ticked")

    # A prose edit of a note holding no task: nothing of the result, nor its files, changes.
    before = written()
    _edit(vault, "People/Ada.md", "# Ada\n\nBusy this week.\n")
    _build(config, site)
    after = written()
    assert {url for url in written() if after[url] != before[url]} == {"people/ada"}
    assert _results(site) == now

    # Two more ticked: 50 open tasks, shown inline on every page again; the results files go.
    before = written()
    _edit(vault, "Calls.md", _tasks(50))
    _build(config, site)
    after = written()
    assert all(after[url] != before[url] for url in PROJECTS)
    for url in PROJECTS:
        assert shown(url).count("call number") == 50 and "vault-shared-result" not in shown(url)
    assert _results(site) == {}
    _same_as_full_build(tmp_path, config, site, "inline again")

    # Inline, a change to the rows renders the pages again (the query log's records of the result).
    before = written()
    _edit(vault, "Calls.md", _tasks(50).replace("call number 03", "call number 3b", 1))
    _build(config, site)
    after = written()
    assert all(after[url] != before[url] for url in PROJECTS)
    assert all("call number 3b" in shown(url) for url in PROJECTS)

    # One task added: 51, a placeholder once more.
    _edit(vault, "Calls.md", _tasks(51))
    _build(config, site)
    assert all("call number" not in shown(url) and "vault-shared-result" in shown(url) for url in PROJECTS)
    assert sum("The first 50 of 51" in text for text in _results(site).values()) == 2
    _same_as_full_build(tmp_path, config, site, "a placeholder again")

    # The short shared result (the team list) is shown inline: a new member renders its pages again.
    before = written()
    _edit(vault, "Team/Bea.md", "# Bea\n")
    _build(config, site)
    after = written()
    assert {url for url in PROJECTS if after[url] != before[url]} == {"projects/p1", "projects/p2"}
    assert all("Bea" in shown(url) for url in ("projects/p1", "projects/p2"))
    _same_as_full_build(tmp_path, config, site, "a new member")

    # Every page showing the long result deleted or without it: its files go.
    (vault / "Projects/Deep/P3.md").unlink()
    _edit(vault, "Projects/P1.md", f"# P1\n\n{TEAM}")
    _edit(vault, "Projects/P2.md", f"# P2\n\n{TEAM}")
    _build(config, site)
    assert _results(site) == {}
    _same_as_full_build(tmp_path, config, site, "no page shows it")
