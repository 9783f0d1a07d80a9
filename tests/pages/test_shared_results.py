"""Page-independent query results in a real build: a long one is written once per folder into the site,
whole and as its first rows with the count, and each page showing it keeps only a placeholder that
stays the same whatever the rows (a link to the whole result, and the address of the first rows that
the site's script puts in its place); every link works from where it is."""

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


def _placeholder(page: str) -> tuple[str, str]:
    """(the first rows' address, the whole result's link) of the one placeholder on a page."""
    found = re.findall(
        r'<div class="vault-shared-result" data-vault-result="([^"]+)"><p class="vault-dataview-more">'
        r'[^<]*<a href="([^"]+)">',
        page,
    )
    assert len(found) == 1, found
    return found[0]


def test_a_long_shared_result_is_written_once_per_folder_and_shown_as_a_placeholder(tmp_path: Path) -> None:
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
    folder = site / "vault-results"
    wholes = sorted(p for p in folder.glob("*.html") if not p.name.endswith(".first.html"))
    assert len(wholes) == 2  # one for the three pages of Projects/, one for Deep/Er/
    shown = {}
    for page_dir in ("projects/p0", "projects/p1", "projects/p2", "deep/er/q"):
        page = (site / page_dir / "index.html").read_text(encoding="utf-8")
        assert "call number" not in page, page_dir  # no row on the page itself
        first, whole = _placeholder(page)
        shown[page_dir] = first, whole
        assert _target(site, page_dir, whole) in wholes
        assert _target(site, page_dir, first) == _target(site, page_dir, whole).with_suffix(".first.html")
        if page_dir.startswith("projects/"):  # the short result: the people list
            ada = re.search(r'href="([^"]*people/ada/)"', page)
            assert ada is not None and _target(site, page_dir, ada.group(1)).exists()
    assert shown["projects/p0"] == shown["projects/p2"] != shown["deep/er/q"]
    for whole_file in wholes:
        whole = whole_file.read_text(encoding="utf-8")
        assert whole.count("call number") == 60
        first = whole_file.with_suffix(".first.html").read_text(encoding="utf-8")
        assert first.count("call number") == 50 and "The first 50 of 60" in first
        more = re.search(r'vault-dataview-more">[^<]*<a href="([^"]+)"', first)
        assert more is not None and _target(site, "vault-results", more.group(1)) == whole_file
        hrefs = re.findall(r'href="([^"]+)"', whole) + re.findall(r'href="([^"]+)"', first)
        assert any("people/ada/" in h for h in hrefs)
        for href in hrefs:
            assert _target(site, "vault-results", href).exists(), href
    # A short result (the people list) is shown whole, with no placeholder of its own.
    p0 = (site / "projects/p0/index.html").read_text(encoding="utf-8")
    assert p0.count("vault-shared-result") == 1


def test_a_one_shot_build_writes_the_results_files_before_the_templates(tmp_path: Path, monkeypatch) -> None:
    """`mkdocs build` writes the long shared results' files once every page's links are fixed (`on_env`),
    where the memory of the dropped page objects is free, not at `on_post_build`, the build's peak
    (`SiteBuilder.finish_pages`); they are the same files."""
    from mkdocs.commands import build as mkdocs_build

    from tests.foundation.test_site_build import _one_shot_build

    tasks = "".join(f"- [ ] call number {n:02d} with [[Ada]] 📅 2026-01-{1 + n % 28:02d}\n" for n in range(60))
    files = {"Calls.md": "# Calls\n\n" + tasks, "People/Ada.md": "# Ada\n", "Projects/P.md": "# P\n\n" + OPEN_TASKS}
    vault = write_vault(tmp_path / "vault", files)
    site = tmp_path / "site"
    seen: list[list[str]] = []
    original = mkdocs_build._build_page

    def build_page(page, config, *args, **kwargs):
        folder = site / "vault-results"
        seen.append(sorted(p.name for p in folder.glob("*.html")) if folder.is_dir() else [])
        return original(page, config, *args, **kwargs)

    monkeypatch.setattr(mkdocs_build, "_build_page", build_page)
    _one_shot_build(site_config(tmp_path, vault), site)
    written = sorted(p.name for p in (site / "vault-results").glob("*.html"))
    assert len(written) == 2 and seen and seen[0] == written
    whole = next(p for p in (site / "vault-results").glob("*.html") if not p.name.endswith(".first.html"))
    text = whole.read_text(encoding="utf-8")
    assert text.count("call number") == 60 and "📅" in text and text.endswith("</div></body></html>\n")
