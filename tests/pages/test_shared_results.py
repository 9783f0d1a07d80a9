"""Page-independent query results in a real build: a long one is written once into the site, each page
showing it keeps its first rows, the count and a plain link to the whole result, and every link works
from where it is."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from tests.conftest import build_site, site_config, write_vault

OPEN_TASKS = '```dataview\nTASK FROM "" WHERE !completed SORT due ASC\n```\n'


def _target(site: Path, page_dir: str, href: str) -> Path:
    """The file a relative href of a page in `page_dir` (site-relative folder) opens."""
    path = posixpath.normpath(posixpath.join(page_dir, href.split("#")[0]))
    out = site / path
    return out / "index.html" if href.endswith("/") or out.is_dir() else out


def test_a_long_shared_result_is_written_once_and_linked(tmp_path: Path) -> None:
    tasks = "".join(f"- [ ] call number {n:02d} with [[Ada]] 📅 2026-01-{1 + n % 28:02d}\n" for n in range(60))
    files = {
        "Calls.md": "# Calls\n\n" + tasks,
        "People/Ada.md": "# Ada\n",
        **{f"Projects/P{k}.md": f"# P{k}\n\n{OPEN_TASKS}\n```dataview\nLIST FROM \"People\"\n```\n" for k in range(3)},
        "Deep/Er/Q.md": "# Q\n\n" + OPEN_TASKS,
    }
    vault = write_vault(tmp_path / "vault", files)
    site = tmp_path / "site"
    proc = build_site(site_config(tmp_path, vault), site)
    assert proc.returncode == 0, proc.stderr
    shared = sorted((site / "vault-results").glob("*.html"))
    assert len(shared) == 1  # one whole result for four pages in two folders (the same text)
    whole = shared[0].read_text(encoding="utf-8")
    assert whole.count("call number") == 60
    hrefs = re.findall(r'href="([^"]+)"', whole)
    assert any("people/ada/" in h for h in hrefs)
    for href in hrefs:
        assert _target(site, "vault-results", href).exists(), href
    for page_dir in ("projects/p0", "projects/p2", "deep/er/q"):
        page = (site / page_dir / "index.html").read_text(encoding="utf-8")
        assert page.count("call number") == 50, page_dir  # the first 50 inline, not all 60
        assert "The first 50 of 60" in page
        link = re.search(r'vault-dataview-more">[^<]*<a href="([^"]+)"', page)
        assert link is not None and _target(site, page_dir, link.group(1)) == shared[0]
        ada = re.search(r'href="([^"]*people/ada/)"', page)
        assert ada is not None and _target(site, page_dir, ada.group(1)).exists()
    # A short result (the people list) is shown whole, with no link of its own.
    p0 = (site / "projects/p0/index.html").read_text(encoding="utf-8")
    assert p0.count("vault-dataview-more") == 1
