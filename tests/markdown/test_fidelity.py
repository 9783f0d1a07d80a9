"""Block-structure fidelity of built sites against CommonMark + GFM, with `../shared/tools/mdfidelity.py`.

Each shared corpus vault, and a vault made of the golden inputs (notes written for these tests), is
built with a real `mkdocs build`, indexed with `mkdocs-vault index`, and compared note by note with
cmark-gfm's rendering of the same text (Debian's `cmark-gfm`; `make fidelity-deps`, which CI runs).
The notes that still differ are listed in `KNOWN_DIFFERENCES`, each with the reason: a note that
starts to differ fails the test, and so does one that stops differing (update the list).
Outside CI the test skips when `cmark-gfm` is missing; with CI=true it fails.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, NavigableString, Tag

from tests.conftest import SHARED, build_site, site_config

TOOL = SHARED / "tools" / "mdfidelity.py"
CORPORA = SHARED / "corpora"
GOLDEN = Path(__file__).parent / "golden"
VAULTS = [
    "bramses-vault",
    "kepano-obsidian",
    "dataview-test-vault",
    "obsidian-export-testdata/input",
    "golden",
]
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {
    ("dataview-test-vault", "blog/2020-08-08-an-earlier-post.md"): (
        "an inline query calling a function Dataview does not have (`localTime`) shows Dataview's error "
        "box, a <pre> (Dataview's inline renderer writes its errors with renderErrorPre too), where "
        "cmark-gfm sees a code span"
    ),
}
# Markers that are text in Obsidian too.
TEXT_MARKERS: dict[tuple[str, str, str], str] = {
    ("golden", "commonmark-lists/index.html", "2. so this stays text"): (
        "CommonMark: an ordered list that does not start at 1 cannot interrupt a paragraph"
    ),
    ("golden", "linebreaks-lists/index.html", "2. so this stays text"): "the same, with line breaks on",
}
# A list marker, a block id or a callout marker at the start of a line of shown text.
_MARKER = re.compile(r"^\s*(?:(?:[-*+]|\d{1,9}[.)])\s+\S|\^[A-Za-z0-9-]+\s*$|\[![^\]\s]+\])")
_RESULT = re.compile(r"^fidelity: (\d+) passed, (\d+) failed$", re.MULTILINE)
_KIND = re.compile(r"^\s*\d+\s+[^:]+: e\.g\. (.*)$", re.MULTILINE)


def _require_cmark() -> None:
    if shutil.which("cmark-gfm"):
        return
    message = "cmark-gfm is not installed (make fidelity-deps)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.mark.parametrize("name", VAULTS)
def test_built_notes_have_commonmarks_block_structure(name: str, tmp_path: Path) -> None:
    _require_cmark()
    if name == "golden":
        vault = tmp_path / "golden-vault"
        vault.mkdir()
        for note in GOLDEN.glob("*.md"):  # (the .html beside them would be copied as pages' twins)
            shutil.copy(note, vault / note.name)
    else:
        vault = CORPORA / name
        assert vault.is_dir(), f"{vault} is missing"
    site = tmp_path / "site"
    built = build_site(site_config(tmp_path, vault), site)
    assert built.returncode == 0, built.stderr
    index = tmp_path / "index.duckdb"
    cli = Path(sys.executable).with_name("mkdocs-vault")
    subprocess.run([str(cli), "index", str(vault), "--out", str(index)], check=True, capture_output=True)
    result = subprocess.run(
        [sys.executable, str(TOOL), str(vault), str(site), str(index), "--show", "100000"],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    totals = _RESULT.search(result.stdout)
    assert totals, result.stdout + result.stderr
    passed, failed = int(totals.group(1)), int(totals.group(2))
    assert passed > 10  # the site was built and compared, not skipped
    differing = {path for m in _KIND.finditer(result.stdout) for path in m.group(1).split("; ")}
    assert len(differing) == failed
    known = {path for (vault_name, path) in KNOWN_DIFFERENCES if vault_name == name}
    assert differing == known, result.stdout
    allowed = {(page, line) for (vault_name, page, line) in TEXT_MARKERS if vault_name == name}
    assert [m for m in markers_shown_as_text(site) if m not in allowed] == []


def markers_shown_as_text(site: Path) -> list[tuple[str, str]]:
    """(page, line) for every line of a page's text that starts with a list marker, a block id or a
    callout marker: Markdown the page should have turned into structure. Code, links and the
    generated panels are left out; so is text right after an inline element (`![[img]] - caption`)."""
    found = []
    for page in sorted(site.rglob("index.html")):
        article = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("article")
        if article is None:
            continue
        for el in article.select("pre, code, a, script, .vault-backlinks, .vault-properties, .vault-timeline"):
            el.decompose()
        for block in article.find_all(["p", "li", "td", "th"]):
            line_starts = True  # at the start of the block, or right after a <br>
            for node in block.children:
                if isinstance(node, NavigableString):
                    for index, line in enumerate(str(node).split("\n")):
                        if (line_starts or index > 0) and _MARKER.match(line):
                            found.append((str(page.relative_to(site)), line.strip()))
                    line_starts = str(node).endswith("\n")
                elif isinstance(node, Tag):
                    line_starts = node.name == "br"
    return found
