"""`mkdocs-vault export`: the published vault as plain Markdown that other generators build.

The sample vault and the privacy suite's canary vault are exported, then built by plain MkDocs (no
plugin of ours) and by Zensical; in both sites every internal link and image must lead to a page or file
that exists (and to an anchor that exists, for links with one), and no canary may appear anywhere in
the export or the sites. Zensical runs from its own environment (`.venv-zensical`, made by `make
test`); without it the Zensical builds are skipped, except in CI, where they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import ROOT, write_vault
from tests.privacy.test_canaries import CANARIES, OPTIONS, VAULT

ZENSICAL = ROOT / ".venv-zensical" / "bin" / "zensical"
MKDOCS = [sys.executable, "-m", "mkdocs"]


def export(config: Path, out: Path) -> subprocess.CompletedProcess[str]:
    cli = Path(sys.executable).with_name("mkdocs-vault")
    return subprocess.run([str(cli), "export", str(out), "-f", str(config)], capture_output=True, text=True,
                          timeout=600, check=False)


def plain_config(root: Path, docs: Path, strict_links: bool) -> Path:
    config = root / "mkdocs.yml"
    validation = "validation:\n  links:\n    not_found: warn\n    anchors: warn\n" if strict_links else ""
    # Paths relative to the config file: Zensical 0.1 panics on an absolute docs_dir.
    config.write_text(f"site_name: Exported\ndocs_dir: {docs.relative_to(root)}\nsite_dir: site\n{validation}",
                      encoding="utf-8")
    return config


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a" and values.get("href"):
            self.refs.append(values["href"] or "")
        if tag == "img" and values.get("src"):
            self.refs.append(values["src"] or "")


def _page_of(site: Path, url_path: str) -> Path | None:
    target = site / urllib.parse.unquote(url_path)
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def broken_links(site: Path) -> list[tuple[str, str]]:
    """(page, href) for every internal link or image of the site that leads nowhere."""
    parsed: dict[Path, _Refs] = {}

    def parse(page: Path) -> _Refs:
        if page not in parsed:
            parsed[page] = _Refs()
            parsed[page].feed(page.read_text(encoding="utf-8", errors="replace"))
        return parsed[page]

    broken = []
    for page in sorted(site.rglob("*.html")):
        base = page.relative_to(site).as_posix()
        for ref in parse(page).refs:
            split = urllib.parse.urlsplit(ref)
            if split.scheme or split.netloc or ref.startswith(("mailto:", "javascript:")):
                continue
            if not split.path:  # same-page anchor
                if split.fragment and split.fragment not in parse(page).ids:
                    broken.append((base, ref))
                continue
            resolved = urllib.parse.urljoin("/" + base, split.path).lstrip("/")
            target = _page_of(site, resolved)
            if target is None or split.fragment and target.suffix == ".html" and split.fragment not in parse(target).ids:
                broken.append((base, ref))
    return broken


def canaries_in(folder: Path) -> list[tuple[str, str]]:
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix().lower()
        found += [(rel, c) for c in CANARIES if c in rel]
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="replace").lower()
            found += [(rel, c) for c in CANARIES if c in text]
    return found


def _zensical_or_skip() -> Path:
    if ZENSICAL.exists():
        return ZENSICAL
    if os.environ.get("CI"):
        pytest.fail(f"{ZENSICAL} is missing: `make test` makes it")
    pytest.skip("Zensical is not installed here (make test installs it in .venv-zensical)")


@pytest.fixture(scope="module")
def sample_export(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample-export") / "docs"
    result = export(ROOT / "mkdocs.yml", out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def canary_export(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("canary-export")
    vault = write_vault(root / "vault", VAULT)
    config = root / "mkdocs.yml"
    config.write_text(f"site_name: Canaries\ndocs_dir: {vault}\nplugins:\n  - vault:\n{OPTIONS}\n", encoding="utf-8")
    out = root / "docs"
    result = export(config, out)
    assert result.returncode == 0, result.stderr
    return out


def test_the_export_holds_the_published_notes_and_pages(sample_export: Path):
    notes = sorted(p.relative_to(sample_export).as_posix() for p in sample_export.rglob("*.md"))
    assert "Projects/Quarry Lane Data Warehouse.md" in notes
    assert {"vault-pages/directory.md", "vault-pages/timeline.md", "vault-pages/tags.md", "vault-pages/tasks.md"} <= set(notes)
    text = (sample_export / "Projects/Quarry Lane Data Warehouse.md").read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]  # frontmatter keeps its values as written, links included
    assert "[[" not in body and "```dataview" not in body
    assert "](../People/Kwame%20Asante-Boateng.md)" in text
    # The sample's people table on a customer page, as a Markdown table with its row count.
    customer = (sample_export / "Customers/Quarry Lane Credit Union/Quarry Lane Credit Union.md").read_text(encoding="utf-8")
    assert "| File (" in customer and "| --- |" in customer


@pytest.mark.parametrize("generator", ["mkdocs", "zensical"])
def test_every_link_of_the_built_export_resolves(sample_export: Path, tmp_path: Path, generator: str):
    docs = tmp_path / "docs"
    shutil.copytree(sample_export, docs)
    config = plain_config(tmp_path, docs, strict_links=generator == "mkdocs")
    command = [str(_zensical_or_skip()), "build", "-f", str(config)] if generator == "zensical" else [
        *MKDOCS, "build", "--strict", "-f", str(config)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=600, check=False,
                            env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    site = tmp_path / "site"
    assert len(list(site.rglob("*.html"))) >= len(list(docs.rglob("*.md")))
    assert broken_links(site) == []


def test_the_link_check_finds_a_broken_link(tmp_path: Path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text('<p id="x"><a href="../b/">b</a><a href="#x">ok</a><a href="#y">no</a></p>')
    assert broken_links(site) == [("a/index.html", "../b/"), ("a/index.html", "#y")]


@pytest.mark.parametrize("generator", ["mkdocs", "zensical"])
def test_no_canary_in_the_export_or_its_sites(canary_export: Path, tmp_path: Path, generator: str):
    assert canaries_in(canary_export) == []
    docs = tmp_path / "docs"
    shutil.copytree(canary_export, docs)
    config = plain_config(tmp_path, docs, strict_links=False)
    command = [str(_zensical_or_skip()), "build", "-f", str(config)] if generator == "zensical" else [
        *MKDOCS, "build", "-f", str(config)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=600, check=False,
                            env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert canaries_in(tmp_path / "site") == []
    public = (docs / "Projects/Public project.md").read_text(encoding="utf-8")
    assert "our lead" in public and "the plan" in public and "not published" in public


def test_the_canary_scan_can_fail(tmp_path: Path):
    (tmp_path / "x.md").write_text(f"a {CANARIES[3]} b")
    assert canaries_in(tmp_path) == [("x.md", CANARIES[3])]
