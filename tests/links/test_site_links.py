"""Every internal link of a real site build lands: for the sample vault and for each corpus vault of
other authors, every href/src points at a file in site/ and every #fragment at an id in that file."""

from __future__ import annotations

import html.parser
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import SHARED, build_site, site_config

CORPORA = SHARED / "corpora"
CORPUS_VAULTS = {
    "obsidian-export-testdata": CORPORA / "obsidian-export-testdata" / "input",
    "dataview-test-vault": CORPORA / "dataview-test-vault",
    "bramses-vault": CORPORA / "bramses-vault",
    "kepano-obsidian": CORPORA / "kepano-obsidian",
}


class _Collector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str]] = []  # (tag, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name"):
            if values.get(key):
                self.ids.add(values[key])  # type: ignore[arg-type]
        for key in ("href", "src", "data"):
            value = values.get(key)
            if value is not None and not (tag == "link" and values.get("rel") in ("canonical", "alternate")):
                self.refs.append((tag, value))


def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8", errors="replace"))
    return collector


def broken_links(site: Path) -> list[str]:
    problems: list[str] = []
    parsed: dict[Path, _Collector] = {}

    def get(path: Path) -> _Collector:
        if path not in parsed:
            parsed[path] = _parse(path)
        return parsed[path]

    for page in sorted(site.rglob("*.html")):
        if page.name == "404.html":
            continue  # MkDocs writes absolute links there on purpose (it is served at any URL)
        base = page.relative_to(site).parent.as_posix()
        for tag, url in get(page).refs:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith(("mailto:", "data:", "javascript:")):
                continue
            if not parts.path:
                target = page
            else:
                rel = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
                if rel.startswith(".."):
                    problems.append(f"{page.relative_to(site)}: {url} leaves the site")
                    continue
                target = site / rel
                if parts.path.endswith("/") or target.is_dir():
                    target = target / "index.html"
                if not target.is_file():
                    problems.append(f"{page.relative_to(site)}: <{tag}> {url} -> missing {rel}")
                    continue
            frag = unquote(parts.fragment)
            if frag and target.suffix == ".html" and frag not in get(target).ids:
                problems.append(f"{page.relative_to(site)}: {url} -> no id {frag!r}")
    return problems


def test_every_link_of_the_sample_site_lands(sample_site: Path) -> None:
    assert broken_links(sample_site) == []


@pytest.mark.parametrize("name", sorted(CORPUS_VAULTS))
def test_corpus_vault_builds_and_every_link_lands(name: str, tmp_path: Path) -> None:
    vault = CORPUS_VAULTS[name]
    if not vault.is_dir():
        pytest.skip(f"{vault} is not present (../shared/corpora)")
    site = tmp_path / "site"
    result = build_site(site_config(tmp_path, vault), site)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert broken_links(site) == []


def test_a_link_to_a_heading_holding_an_inline_field_lands(make_vault, tmp_path: Path) -> None:
    # Obsidian names the heading as written; the page shows the field's value, and slugs that.
    vault = make_vault(
        {
            "Trips.md": "# Trips\n\n## Trip (kind:: road)\n\nBy car.\n\n## Visit [place:: Oslo] now\n\nBy train.\n",
            "Log.md": "# Log\n\n- [[Trips#Trip (kind:: road)]]\n- [[Trips#Visit place Oslo now|the visit]]\n",
            "index.md": "# Home\n",
        }
    )
    site = tmp_path / "site"
    result = build_site(site_config(tmp_path, vault), site)
    assert result.returncode == 0, result.stderr[-3000:]
    page = (site / "log" / "index.html").read_text(encoding="utf-8")
    assert 'href="../trips/#trip-road">Trips &gt; Trip (kind:: road)</a>' in page
    assert 'href="../trips/#visit-place-oslo-now">the visit</a>' in page
    assert "[[Trips" not in page
    assert broken_links(site) == []
