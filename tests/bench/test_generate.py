"""The benchmark generator: deterministic, the requested size, well-formed, and buildable with the plugin."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import counts_for, generate
from run import dir_size, parse_phases

LINK = re.compile(r"\[\[([^\]|#\\]+)")


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_same_bytes(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", 300, seed=7)
    b = generate(tmp_path / "b", 300, seed=7)
    assert _files(a.root) == _files(b.root)
    c = generate(tmp_path / "c", 300, seed=8)
    assert _files(c.vault) != _files(a.vault)


@pytest.mark.parametrize("n", [10, 200, 1234])
def test_requested_number_of_notes(tmp_path: Path, n: int) -> None:
    result = generate(tmp_path, n)
    notes = list(result.vault.rglob("*.md"))
    assert len(notes) == n == result.notes
    counts = counts_for(n)
    assert len(list((result.vault / "People").glob("*.md"))) == counts["people"]
    assert len(list((result.vault / "Meetings").rglob("*.md"))) == counts["meetings"]
    assert len(list((result.vault / "Daily").rglob("*.md"))) == counts["daily"]


def test_shape_and_every_link_resolves(tmp_path: Path) -> None:
    result = generate(tmp_path, 1000)
    counts = result.counts
    # The mix the issue asks for: people ~15 %, projects and customers ~5 %, meetings ~50 %, daily ~25 %.
    assert (counts["people"], counts["projects"], counts["customers"], counts["daily"]) == (150, 50, 50, 250)
    assert counts["meetings"] == 499
    names = {p.stem for p in result.vault.rglob("*.md")} | {p.name for p in result.vault.rglob("*.base")}
    texts = {p: p.read_text(encoding="utf-8") for p in result.vault.rglob("*.md")}
    targets = {t.strip() for text in texts.values() for t in LINK.findall(text)}
    assert targets - names == set(), "every generated link must point at a generated note"
    meetings = [p for p in texts if p.parent.parent.name == "Meetings"]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2} - .+", p.stem) for p in meetings)
    sample = next(t for p, t in texts.items() if p in meetings and "project:" in t)
    assert 'attendees:\n- "[[' in sample and "📅 " in sample and "[owner:: [[" in sample
    person = (result.vault / "People").glob("*.md").__next__().read_text(encoding="utf-8")
    assert 'LIST FROM [[]] WHERE type = "meeting" SORT file.day DESC' in person
    project = next((result.vault / "Projects").glob("*.md")).read_text(encoding="utf-8")
    assert "TASK FROM [[]] WHERE !completed" in project and "\\|" in project
    customer = next((result.vault / "Customers").glob("*.md")).read_text(encoding="utf-8")
    assert 'TABLE role FROM "People" WHERE company = this.file.link' in customer
    # Bases: one embedded in every customer and project note, another on its own page.
    assert "![[Client work.base#Projects]]" in customer and "![[Client work.base#Team]]" in project
    assert sorted(p.name for p in result.vault.rglob("*.base")) == ["Client work.base", "Portfolio.base"]
    # A query over the whole vault carries a row cap; the scoped ones need none.
    home = (result.vault / "index.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```dataview\n(.*?)\n```", home, re.DOTALL)
    assert blocks and all("LIMIT" in b for b in blocks)


def test_refuses_to_replace_a_vault_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "vault").mkdir()
    (tmp_path / "vault" / "mine.md").write_text("precious\n")
    with pytest.raises(ValueError):
        generate(tmp_path, 50)
    assert (tmp_path / "vault" / "mine.md").exists()


def test_phase_summary_is_parsed() -> None:
    log = (
        "INFO    -  Building documentation\n"
        "INFO    -  mkdocs_vault: 200 published notes, 0 held back; 0 warnings, 0 infos; load 0.19s, "
        "resolve 0.01s, index 0.13s, queries 0.00s, render 1.10s, build 1.51s\n"
    )
    assert parse_phases(log) == {
        "load": 0.19,
        "resolve": 0.01,
        "index": 0.13,
        "queries": 0.0,
        "render": 1.1,
        "build": 1.51,
    }
    assert parse_phases("INFO - Documentation built in 1.2 seconds\n") == {}


def test_dir_size_counts_bytes(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_bytes(b"12345")
    (tmp_path / "y.txt").write_bytes(b"123")
    assert dir_size(tmp_path) == 8


def test_200_note_vault_builds_with_the_plugin(tmp_path: Path) -> None:
    result = generate(tmp_path / "bench", 200)
    site = tmp_path / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(result.plugin_config), "-d", str(site)],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log
    assert "ERROR" not in log
    # The generator writes no dangling links, so the plugin must not report any.
    assert "unresolved link" not in log
    phases = parse_phases(log)
    assert "load" in phases and "index" in phases
    assert (site / "search" / "search_index.json").exists()
    pages = list(site.rglob("index.html"))
    assert len(pages) >= 200  # every note, plus the home and section pages
    assert (site / "bases" / "portfolio" / "index.html").exists()
    customer = next((site / "customers").glob("*/index.html")).read_text(encoding="utf-8")
    assert "vault-base-table" in customer and "base cannot" not in log


def test_profile_charges_builtins_to_their_callers() -> None:
    from profile_build import OTHER, buckets

    md = ("/venv/site-packages/markdown/core.py", 10, "convert")
    ours = ("/repo/plugins/mkdocs_vault/site.py", 5, "files")
    builtin = ("~", 0, "<method 'match' of 're.Pattern' objects>")
    orphan = ("/usr/lib/python3.11/os.py", 1, "walk")
    raw = {
        md: (1, 1, 2.0, 5.0, {}),
        ours: (1, 1, 0.5, 1.5, {}),
        builtin: (4, 4, 2.0, 2.0, {md: (3, 3, 1.5, 1.5), ours: (1, 1, 0.5, 0.5)}),
        orphan: (1, 1, 0.25, 0.25, {}),
    }
    got = buckets(raw)
    assert got["Markdown (Python-Markdown + pymdownx)"] == pytest.approx(3.5)
    assert got["vault plugin"] == pytest.approx(1.0)
    assert got[OTHER] == pytest.approx(0.25)


def _frontmatter(text: str) -> dict:
    import yaml

    return yaml.safe_load(text.split("---\n", 2)[1])


def test_fan_out_is_a_teams(tmp_path: Path) -> None:
    """Meetings have 1-6 attendees, people attend 0-20 meetings, projects hold 0-40 tasks (their own and
    their meetings' action items), and some people and projects have none."""
    result = generate(tmp_path, 2000)
    attended: dict[str, int] = {p.stem: 0 for p in (result.vault / "People").glob("*.md")}
    tasks = {p.stem: p.read_text(encoding="utf-8").count("- [") for p in (result.vault / "Projects").glob("*.md")}
    sizes = set()
    for path in (result.vault / "Meetings").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        fm = _frontmatter(text)
        attendees = [a[2:-2] for a in fm["attendees"]]
        sizes.add(len(attendees))
        for name in attendees:
            attended[name] += 1
        if "project" in fm:
            tasks[fm["project"][2:-2]] += text.count("- [")
    assert min(sizes) == 1 and max(sizes) == 6
    assert min(attended.values()) == 0 and max(attended.values()) == 20
    assert min(tasks.values()) == 0 and 30 <= max(tasks.values()) <= 40


def test_templates_per_note_type_run_without_errors(tmp_path: Path) -> None:
    """Every note type carries several templates, and every query the generator writes runs (through
    `mkdocs-vault query --batch --timings`, as the scaling check runs them) without an error."""
    from templates import run_vault

    run = run_vault(300, tmp_path, 0)
    texts = list(run.templates)
    for needle in (
        "contains(attendees, this.file.link)",
        "contains(owner, this.file.link) AND !completed",
        "contains(team, this.file.link) OR owner = this.file.link",
        "contains(file.inlinks, this.file.link)",
        "contains(file.outlinks, this.file.link)",
        "contains(this.attendees, file.link)",
        "contains(this.file.inlinks, file.link)",
        "file.name = this.client",
        "contains(file.tags, this.tagname)",
        'FROM [[]] AND "Meetings" WHERE date >= date(today)',
        'FROM #followup AND "Daily"',
        'TASK FROM "" WHERE !completed SORT due ASC',
        'TABLE file.mtime AS "Modified" FROM "" WHERE type != "readme" AND type != "projects" SORT file.mtime DESC',
    ):
        assert any(needle in t for t in texts), needle
    assert all(t.errors == 0 for t in run.templates.values())
    assert all(t.seconds > 0 for t in run.templates.values())
    # Results are not empty across the vault: the templates find what the fan-out put there.
    assert all(t.rows > 0 for t in run.templates.values())
