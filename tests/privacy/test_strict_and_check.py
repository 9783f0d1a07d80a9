"""What the user is told: `mkdocs build --strict` fails on the problems the plugin reports as warnings and
prints a summary count; `mkdocs-vault check` reports the same diagnostics without building, exits non-zero
on errors, and `--report` lists what goes out and what is held back, with reasons."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from mkdocs_vault.cli import main

from tests.conftest import build_site, site_config, write_vault

CLEAN = {"index.md": "# Home\n\nSee [[Other]].\n", "Other.md": "Other note.\n"}
PROBLEMS = {
    "unresolved link": ({"Broken link.md": "See [[Nowhere to be found]].\n"}, "Broken link.md:1"),
    "query error": ({"Bad query.md": "```dataview\nTABLE FROM WHERE ((\n```\n"}, "Bad query.md:2"),
    "bad frontmatter": ({"Bad yaml.md": "---\nkey: [unclosed\n---\nBody.\n"}, "Bad yaml.md:"),
    "missing block embed": ({"Embeds.md": "Intro.\n\n![[Other#^nowhere]]\n"}, "Embeds.md:3"),
    "missing heading link": ({"Links.md": "See [[Other#No such heading]].\n"}, "Links.md:1"),
}


@pytest.mark.parametrize("kind", list(PROBLEMS))
def test_strict_build_fails_on_each_kind_of_warning(tmp_path: Path, kind: str) -> None:
    files, where = PROBLEMS[kind]
    vault = write_vault(tmp_path / "vault", {**CLEAN, **files})
    config = site_config(tmp_path, vault, "      today: '2026-01-01'\n      timezone: UTC")
    result = build_site(config, tmp_path / "site", "--strict")
    assert result.returncode != 0, result.stderr
    assert where in result.stderr
    # The plugin's summary line counts them, and MkDocs says why it stopped.
    assert re.search(r"mkdocs_vault: \d+ published notes, \d+ held back; 1 warnings", result.stderr), (
        result.stderr
    )
    assert "Aborted with 1 warnings in strict mode" in result.stdout + result.stderr


def test_strict_build_of_a_clean_vault_passes(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", CLEAN)
    config = site_config(tmp_path, vault, "      today: '2026-01-01'\n      timezone: UTC")
    result = build_site(config, tmp_path / "site", "--strict")
    assert result.returncode == 0, result.stderr
    assert "0 warnings" in result.stderr


CHECK_VAULT = {
    "index.md": "# Home\n\n[[Nowhere]] and [[Dup]] and [[Secret|our plan]].\n",
    "A/Dup.md": "first\n",
    "B/Dup.md": "second\n",
    "Secret.md": "---\npublish: false\n---\nheld back\n",
    "Bad yaml.md": "---\nkey: [unclosed\n---\nBody.\n",
    "Bad query.md": "```dataview\nTABLE FROM WHERE ((\n```\n",
    "pic.png": b"\x89PNG\r\n\x1a\n",
    "unused.png": b"\x89PNG\r\n\x1a\n",
    "Uses pic.md": "![[pic.png]]\n",
    "Drafts/Draft.md": "excluded by the option\n",
}


@pytest.fixture
def check_vault(tmp_path: Path) -> Path:
    return write_vault(tmp_path / "vault", CHECK_VAULT)


def run_check(capsys, *args: str) -> tuple[int, str]:
    code = main(["check", *args])
    return code, capsys.readouterr().out


def test_check_reports_every_kind_of_problem_as_json(check_vault: Path, capsys) -> None:
    code, out = run_check(capsys, str(check_vault), "--json")
    assert code == 1
    records = json.loads(out)["diagnostics"]
    kinds = {(r["path"], r["kind"], r["level"]) for r in records}
    assert ("index.md", "unresolved-link", "warning") in kinds
    assert ("index.md", "ambiguous-link", "info") in kinds
    assert ("index.md", "unpublished-link", "info") in kinds
    assert ("Bad yaml.md", "frontmatter", "warning") in kinds
    assert ("Bad query.md", "query", "warning") in kinds
    lines = {(r["path"], r["kind"]): r["line"] for r in records}
    assert lines[("index.md", "unresolved-link")] == 3 and lines[("Bad query.md", "query")] == 2


def test_check_prints_a_readable_summary(check_vault: Path, capsys) -> None:
    code, out = run_check(capsys, str(check_vault))
    assert code == 1
    assert "index.md:3: unresolved link [[Nowhere]]" in out
    assert re.search(r"^3 problems, \d+ notices$", out, re.MULTILINE), out


def test_check_of_a_clean_vault_exits_zero(tmp_path: Path, capsys) -> None:
    vault = write_vault(tmp_path / "vault", CLEAN)
    code, out = run_check(capsys, str(vault))
    assert code == 0
    assert "0 problems" in out


def test_check_reads_mkdocs_yml(check_vault: Path, tmp_path: Path, capsys) -> None:
    config = site_config(tmp_path, check_vault, "      exclude: [Drafts/]\n      unresolved_links: info")
    code, out = run_check(capsys, "-f", str(config), "--json")
    records = json.loads(out)["diagnostics"]
    unresolved = [r for r in records if r["kind"] == "unresolved-link"]
    assert unresolved and all(r["level"] == "info" for r in unresolved)
    assert code == 1  # the frontmatter and query warnings remain


def test_check_report_lists_what_goes_out_and_what_is_held_back(
    check_vault: Path, tmp_path: Path, capsys
) -> None:
    config = site_config(tmp_path, check_vault, "      exclude: [Drafts/]")
    _code, out = run_check(capsys, "-f", str(config), "--json", "--report")
    report = json.loads(out)["publish"]
    published = {r["path"]: r["reason"] for r in report["published_notes"]}
    held = {r["path"]: r["reason"] for r in report["held_notes"]}
    assert "index.md" in published and "Bad yaml.md" in published
    assert held["Secret.md"] == "publish: false"
    attachments = {r["path"]: r["reason"] for r in report["published_attachments"]}
    held_attachments = {r["path"]: r["reason"] for r in report["held_attachments"]}
    assert attachments == {"pic.png": "used by Uses pic.md"}
    assert "unused.png" in held_attachments
    assert "Drafts/Draft.md" in held and "exclude" in held["Drafts/Draft.md"]
    _code, text = run_check(capsys, "-f", str(config), "--report")
    assert "Held back notes (2):" in text and "Secret.md  (publish: false)" in text


def test_the_build_writes_the_report_beside_mkdocs_yml_never_into_the_site(
    check_vault: Path, tmp_path: Path
) -> None:
    config = site_config(
        tmp_path, check_vault, "      publish_report: publish-report.json\n      exclude: [Drafts/]"
    )
    site = tmp_path / "site"
    result = build_site(config, site)
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "publish-report.json").read_text(encoding="utf-8"))
    assert {r["path"] for r in report["held_notes"]} == {"Secret.md", "Drafts/Draft.md"}
    assert not list(site.rglob("publish-report*"))


def test_unresolved_links_at_info_level_do_not_fail_a_strict_build(tmp_path: Path) -> None:
    files, where = PROBLEMS["unresolved link"]
    vault = write_vault(tmp_path / "vault", {**CLEAN, **files})
    config = site_config(tmp_path, vault, "      unresolved_links: info\n      today: '2026-01-01'")
    result = build_site(config, tmp_path / "site", "--strict")
    assert result.returncode == 0, result.stderr
    assert f"INFO    -  mkdocs_vault: {where}: unresolved link" in result.stderr


def test_check_exits_zero_when_there_are_only_notices(tmp_path: Path, capsys) -> None:
    vault = write_vault(
        tmp_path / "vault",
        {**CLEAN, "Other.md": "See [[Secret|the plan]].\n", "Secret.md": "---\npublish: false\n---\n"},
    )
    code, out = run_check(capsys, str(vault))
    assert code == 0
    assert "info: Other.md:1: links to a note that is not published" in out
    assert "0 problems, 1 notices" in out
