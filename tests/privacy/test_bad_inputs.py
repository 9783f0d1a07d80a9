"""Bad input never breaks a build: the bad-input vault (tests/privacy/bad_inputs.py) builds to completion,
each bad file is named in a warning, nothing escapes the vault or the site folder, and the pages of notes
that have nothing to do with the bad files are byte-identical to a build without them."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from mkdocs_vault.cli import main
from mkdocs_vault.diagnostics import Diagnostic, one_line
from mkdocs_vault.urls import UrlMap

from tests.conftest import build_site, site_config
from tests.privacy.bad_inputs import BAD, CONTROL_PAGES, Case, big_case, cases, write_bad_vault

OPTIONS = "      unresolved_links: warning\n      today: '2026-01-01'\n      timezone: UTC"
ALL_CASES = [*cases(), big_case()]


def _build(root: Path, with_bad: bool) -> tuple[Path, subprocess.CompletedProcess]:
    vault = write_bad_vault(root / "vault", ALL_CASES, with_bad=with_bad)
    config = site_config(root, vault, OPTIONS)
    site = root / "site"
    # 600 s guards against a hang; it is not a timing assertion.
    return site, build_site(config, site, env={"SOURCE_DATE_EPOCH": "1795000000"})


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    return _build(tmp_path_factory.mktemp("bad"), with_bad=True)


@pytest.fixture(scope="module")
def control_build(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    return _build(tmp_path_factory.mktemp("control"), with_bad=False)


def warning_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("WARNING")]


def page_of(site: Path, path: str) -> Path:
    return site / UrlMap([path]).note_url(path) / "index.html"


def test_there_are_at_least_30_cases() -> None:
    assert len(ALL_CASES) >= 30
    assert len({c.name for c in ALL_CASES}) == len(ALL_CASES)


def test_the_bad_vault_builds_to_completion(bad_build) -> None:
    site, result = bad_build
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr and "ERROR" not in result.stderr
    assert (site / "index.html").exists()


@pytest.mark.parametrize("case", [c for c in ALL_CASES if c.warns], ids=lambda c: c.name)
def test_each_bad_file_is_named_in_a_warning(bad_build, case: Case) -> None:
    _site, result = bad_build
    named = [line for line in warning_lines(result) if f" {one_line(case.subject)}:" in line]
    assert named, f"no warning names {case.subject!r}"
    # One problem, one warning: not one per link or per line (a case may hold two distinct problems).
    assert len(named) <= 2, named


@pytest.mark.parametrize("case", [c for c in ALL_CASES if not c.warns], ids=lambda c: c.name)
def test_odd_but_valid_files_build_without_a_warning(bad_build, case: Case) -> None:
    _site, result = bad_build
    assert not [line for line in warning_lines(result) if one_line(case.subject) in line]


@pytest.mark.parametrize(
    "case", [c for c in ALL_CASES if c.published and c.note.endswith(".md")], ids=lambda c: c.name
)
def test_each_bad_note_still_gets_its_page(bad_build, case: Case) -> None:
    site, _result = bad_build
    page = page_of(site, case.note)
    if "permalink" in case.name:
        page = site / "escaped-permalink/index.html"
    assert page.exists(), page
    assert page.read_text(encoding="utf-8").rstrip().endswith("</html>")


def test_held_back_and_skipped_files_get_no_page(bad_build) -> None:
    site, _result = bad_build
    for path in (f"{BAD}/Binary.md", f"{BAD}/Outside.md", f"{BAD}/Held back.md"):
        assert not page_of(site, path).exists(), path
    assert not (site / "notes/bad/etc").exists()


def test_symbolic_links_out_of_the_vault_are_named_at_info_level(bad_build) -> None:
    _site, result = bad_build
    for path in (f"{BAD}/Outside.md", f"{BAD}/Etc", f"{BAD}/leak.png"):
        assert f"INFO    -  mkdocs_vault: {path}: symbolic link leads outside the vault" in result.stderr


def test_control_pages_are_identical_with_and_without_the_bad_files(bad_build, control_build) -> None:
    bad_site, _bad_result = bad_build
    control_site, control_result = control_build
    assert control_result.returncode == 0, control_result.stderr[-3000:]
    assert not warning_lines(control_result), control_result.stderr
    for rel in CONTROL_PAGES:
        with_bad = (bad_site / rel).read_bytes()
        without = (control_site / rel).read_bytes()
        assert with_bad == without, rel
    # And the control notes really render (a query, an embed, a callout).
    delta = (control_site / "notes/control/delta/index.html").read_text(encoding="utf-8")
    assert "Alpha" in delta and "active" in delta
    beta = (control_site / "notes/control/beta/index.html").read_text(encoding="utf-8")
    assert "Some details." in beta


def _outside_site_files(site: Path) -> list[Path]:
    root = site.parent
    return [p for p in root.rglob("*escaped*") if site not in p.parents]


def test_permalinks_and_aliases_cannot_write_outside_the_site(bad_build) -> None:
    site, _result = bad_build
    assert _outside_site_files(site) == []
    assert list(site.rglob("escaped-permalink")) and list(site.rglob("escaped-alias"))
    for top in ("/escaped-permalink", "/escaped-alias", "/tmp/escaped-permalink", "/tmp/escaped-alias"):
        assert not Path(top).exists()


def test_links_out_of_the_vault_render_unresolved(bad_build) -> None:
    site, _result = bad_build
    for name in ("Passwd link", "Passwd embed", "Absolute link", "Markdown out", "Image out", "Embeds leak"):
        html = page_of(site, f"{BAD}/{name}.md").read_text(encoding="utf-8")
        article = re.search(r"<article.*?</article>", html, re.DOTALL).group(0)
        assert 'class="vault-unresolved"' in article, name
        assert not re.search(r'(?:href|src)="[^"]*etc/', article), name


def test_no_file_from_outside_the_vault_is_copied(bad_build) -> None:
    site, _result = bad_build
    secrets = [Path(p).read_bytes() for p in ("/etc/hostname", "/etc/passwd") if Path(p).exists()]
    secrets = [s for s in secrets if len(s.strip()) >= 4]
    for path in site.rglob("*"):
        if path.is_file() and path.stat().st_size < 1_000_000:
            data = path.read_bytes()
            assert not any(data == s for s in secrets), path
    assert not any(p.name in ("passwd", "hostname", "leak.png") for p in site.rglob("*"))


def test_a_huge_note_is_cut_with_a_notice(bad_build) -> None:
    site, result = bad_build
    page = page_of(site, f"{BAD}/Huge.md")
    assert page.stat().st_size < 5_000_000
    assert "too long to show in full" in page.read_text(encoding="utf-8")
    assert re.search(r"Huge\.md: note is 2\d\.\d MB", result.stderr)


def test_sql_in_query_strings_and_field_names_is_data(bad_build) -> None:
    site, result = bad_build
    for name in ("Sql string", "Sql field"):
        page = page_of(site, f"{BAD}/{name}.md")
        html = page.read_text(encoding="utf-8")
        # A whole-vault result over 50 rows is in a results file of its own (the page: a placeholder).
        placeholder = re.search(r'data-vault-result="([^"]+)"', html)
        if placeholder is not None:
            html += (page.parent / placeholder.group(1)).read_text(encoding="utf-8")
        assert (
            "DROP TABLE" not in re.sub(r"<code.*?</code>", "", html, flags=re.DOTALL) or "<table" in html
        ), name
    assert "Sql string.md" not in result.stderr and "Sql field.md" not in result.stderr
    # The tables the injection names are still there: a later query (Delta) still finds its rows.
    delta = (site / "notes/control/delta/index.html").read_text(encoding="utf-8")
    assert "Alpha" in delta and "active" in delta


def test_nested_structures_are_capped_not_crashed(bad_build) -> None:
    site, _result = bad_build
    for name in ("Deep list", "Deep callout", "Deep quote"):
        html = page_of(site, f"{BAD}/{name}.md").read_text(encoding="utf-8")
        html = re.search(r"<article.*?</article>", html, re.DOTALL).group(0)
        assert 20 <= max_nesting(html) <= 201, name  # flattened at the cap, far below 1,000
    deep = page_of(site, f"{BAD}/Deep list.md").read_text(encoding="utf-8")
    assert "level 999" in deep  # flattened, not dropped


def max_nesting(html: str) -> int:
    """The deepest nesting of lists, blockquotes and divs (callouts) in an HTML fragment."""
    depth = deepest = 0
    for m in re.finditer(r"<(/?)(ul|ol|blockquote|div)\b", html):
        depth += -1 if m.group(1) else 1
        deepest = max(deepest, depth)
    return deepest


def test_a_first_line_that_looks_like_metadata_is_kept(bad_build) -> None:
    site, _result = bad_build
    html = page_of(site, f"{BAD}/Meta line.md").read_text(encoding="utf-8")
    assert "the first line of this note is ordinary text" in html


PREFIX = "WARNING -  mkdocs_vault: "


def test_check_reports_what_the_build_warns_about_without_building(bad_build, capsys) -> None:
    site, result = bad_build
    code = main(["check", str(site.parent / "vault"), "--json"])
    records = json.loads(capsys.readouterr().out)["diagnostics"]
    assert code == 1
    from_check = {str(Diagnostic(**r)) for r in records if r["level"] == "warning"}
    from_build = {line.removeprefix(PREFIX) for line in warning_lines(result)}
    assert from_check == from_build
