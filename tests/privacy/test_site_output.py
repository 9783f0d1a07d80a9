"""Properties of the built sample site as a whole: reproducible byte for byte, no request to another host,
and working from a sub-path of a static host."""

from __future__ import annotations

import gzip
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import ROOT, build_site

EPOCH = {"SOURCE_DATE_EPOCH": "1795000000"}


def file_bytes(site: Path) -> dict[str, bytes]:
    out = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            out[path.relative_to(site).as_posix()] = gzip.decompress(data) if path.suffix == ".gz" else data
    return out


# -- reproducibility -------------------------------------------------------------------------------------


def test_two_builds_of_the_sample_vault_are_byte_identical(sample_site: Path, tmp_path: Path) -> None:
    second = tmp_path / "elsewhere" / "site"
    result = build_site(ROOT / "mkdocs.yml", second, env=EPOCH)
    assert result.returncode == 0, result.stderr[-3000:]
    first_files, second_files = file_bytes(sample_site), file_bytes(second)
    assert sorted(first_files) == sorted(second_files)
    different = [rel for rel in first_files if first_files[rel] != second_files[rel]]
    assert different == []
    assert "sitemap.xml" in first_files and "sitemap.xml.gz" in first_files


def test_shared_rendering_gives_what_mkdocs_would(sample_site: Path, tmp_path: Path) -> None:
    # rendering.py renders every page with one Markdown converter, reset between pages, where MkDocs
    # builds a new one per page; navcache.py renders the navigation once for the pages it is the same
    # for. Any state kept from one page to the next, or a navigation shared too widely, shows here.
    own = tmp_path / "per-page" / "site"
    result = build_site(ROOT / "mkdocs.yml", own, env={**EPOCH, "VAULT_NO_SHARED": "1"})
    assert result.returncode == 0, result.stderr[-3000:]
    # The plugin releases the vault and closes the index at shutdown; DuckDB's bindings report any of
    # their objects still alive at exit.
    assert "leaked" not in result.stderr
    shared_files, own_files = file_bytes(sample_site), file_bytes(own)
    assert sorted(shared_files) == sorted(own_files)
    assert [rel for rel in shared_files if shared_files[rel] != own_files[rel]] == []


def test_no_build_clock_in_pages(sample_site: Path) -> None:
    # SOURCE_DATE_EPOCH=1795000000 is 2026-11-18; the vault's `today` is 2026-11-24. The real clock's
    # year and time of day must not appear as a build stamp.
    sitemap = (sample_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<lastmod>" not in sitemap or "2026-11-18" in sitemap
    for page in sample_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"build(?:_date|-date|time)", text, re.IGNORECASE), page


# -- no request to another host ------------------------------------------------------------------------


class ResourceParser(HTMLParser):
    """URLs an HTML page loads by itself: scripts, stylesheets, icons, images, media, frames, preloads."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and a.get("href"):
            rel = a.get("rel", "").lower()
            # Links that the browser fetches on its own (canonical/alternate are just metadata).
            if any(r in rel for r in ("stylesheet", "icon", "preload", "prefetch", "preconnect", "dns-prefetch",
                                      "manifest", "modulepreload")):  # fmt: skip
                self.urls.append((tag, a["href"]))
        for attr in ("src", "poster", "data"):
            if a.get(attr) and tag in ("script", "img", "iframe", "audio", "video", "source", "embed", "object",
                                       "track", "input"):  # fmt: skip
                self.urls.append((tag, a[attr]))
        if a.get("srcset"):
            self.urls.extend((tag, part.strip().split(" ")[0]) for part in a["srcset"].split(","))
        if a.get("style"):
            self.styles.append(a["style"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+(?:url\()?\s*['"]([^'"]+)""")
EXTERNAL = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
# Hosts a script could fetch from by itself (string literals in JS that are URLs to well-known CDNs).
CDN = re.compile(
    r"https?://(?:fonts\.googleapis\.com|fonts\.gstatic\.com|unpkg\.com|cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com"
    r"|polyfill\.io|cdn\.polyfill\.io|esm\.sh|ajax\.googleapis\.com|www\.googletagmanager\.com)",
    re.IGNORECASE,
)


def test_pages_load_nothing_from_another_host(sample_site: Path) -> None:
    found = []
    for page in sample_site.rglob("*.html"):
        parser = ResourceParser()
        parser.feed(page.read_text(encoding="utf-8"))
        found += [
            (page.relative_to(sample_site).as_posix(), tag, url)
            for tag, url in parser.urls
            if EXTERNAL.match(url)
        ]
        for style in parser.styles:
            for m in CSS_URL.finditer(style):
                url = m.group(1) or m.group(2)
                if EXTERNAL.match(url):
                    found.append((page.relative_to(sample_site).as_posix(), "style", url))
    assert found == []


def test_stylesheets_import_nothing_from_another_host(sample_site: Path) -> None:
    found = []
    for css in sample_site.rglob("*.css"):
        for m in CSS_URL.finditer(css.read_text(encoding="utf-8", errors="replace")):
            url = m.group(1) or m.group(2)
            if EXTERNAL.match(url):
                found.append((css.relative_to(sample_site).as_posix(), url))
    assert found == []


def test_scripts_name_no_cdn(sample_site: Path) -> None:
    """Material's bundle falls back to a CDN for mermaid unless it is already loaded; the plugin serves
    mermaid itself, and no script the site ships names a font or script CDN."""
    found = []
    for js in sample_site.rglob("*.js"):
        text = js.read_text(encoding="utf-8", errors="replace")
        rel = js.relative_to(sample_site).as_posix()
        for m in CDN.finditer(text):
            found.append((rel, text[max(0, m.start() - 60) : m.end() + 40]))
    # Material's bundle holds two CDN URLs as fallbacks: mermaid, used only when `window.mermaid` is
    # undefined (vault.js, a plain script on every page, puts its stand-in there before Material draws
    # anything: it loads the vendored mermaid on the first diagram), and a ResizeObserver polyfill, used
    # only by browsers without ResizeObserver (none since 2020).
    bundle_fallback = [
        f for f in found if "bundle" in f[0] and ("mermaid" in f[1] or "resize-observer-polyfill" in f[1])
    ]
    assert [f for f in found if f not in bundle_fallback] == []
    if bundle_fallback:
        home = (sample_site / "index.html").read_text(encoding="utf-8")
        scripts = re.findall(r'<script src="([^"]+)"', home)
        assert any(s.endswith("assets/javascripts/vault.js") for s in scripts)
        vault_js = (sample_site / "assets/javascripts/vault.js").read_text(encoding="utf-8")
        # (minified in the built site: the spaces around operators are gone)
        assert re.search(r'if\s*\(\s*typeof window\.mermaid\s*===\s*"undefined"\s*\)', vault_js)
        assert re.search(r'VENDOR\s*\+\s*"mermaid/mermaid\.min\.js"', vault_js)
        assert (sample_site / "assets/vendor/mermaid/mermaid.min.js").exists()


def test_no_web_fonts(sample_site: Path) -> None:
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis" not in home and "fonts.gstatic" not in home


# -- sub-path hosting ------------------------------------------------------------------------------------


class HrefParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if key in ("href", "src") and value is not None:
                if tag == "link" and (
                    "canonical" in dict(attrs).get("rel", "") or "alternate" in dict(attrs).get("rel", "")
                ):
                    continue  # absolute by definition (canonical URL), metadata only
                self.refs.append((tag, key, value))


@pytest.fixture(scope="module")
def subpath_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("subpath")
    config_text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config_text = config_text.replace("docs_dir: vault", f"docs_dir: {ROOT / 'vault'}")
    config = root / "mkdocs.yml"
    config.write_text("site_url: https://example.org/team/wiki/\n" + config_text, encoding="utf-8")
    site = root / "site"
    result = build_site(config, site, env=EPOCH)
    assert result.returncode == 0, result.stderr[-3000:]
    return site


def test_internal_links_are_relative_and_resolve_from_a_sub_path(subpath_site: Path) -> None:
    absolute, missing = [], []
    for page in sorted(subpath_site.rglob("*.html")):
        rel_page = page.relative_to(subpath_site).as_posix()
        if rel_page == "404.html":
            continue  # served at any missing URL, so MkDocs makes its links absolute from site_url
        parser = HrefParser()
        parser.feed(page.read_text(encoding="utf-8"))
        for tag, attr, url in parser.refs:
            parts = urlsplit(url)
            if parts.scheme or url.startswith(("//", "#", "mailto:", "data:")) or not url:
                continue
            if url.startswith("/"):
                absolute.append((rel_page, tag, url))
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel_page), unquote(parts.path)))
            if target.startswith(".."):
                missing.append((rel_page, url, "climbs above the site"))
                continue
            path = subpath_site / target
            if path.is_dir() or parts.path.endswith("/") or parts.path == "":
                path = path / "index.html"
            if not path.exists():
                missing.append((rel_page, url, target))
    assert absolute == []
    assert missing == []


def test_the_sitemap_uses_the_sub_path(subpath_site: Path) -> None:
    sitemap = (subpath_site / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locs and all(loc.startswith("https://example.org/team/wiki/") for loc in locs)


def test_characters_beyond_the_bmp_are_written_as_references(sample_site: Path) -> None:
    # site._compact: a page with a 📅 would otherwise be held at four bytes a character until the build
    # ends. The browser and the search index read the reference back as the same character.
    daily = (sample_site / "daily/2026-11-02/index.html").read_text(encoding="utf-8")
    article = daily.split("<article", 1)[1].split("</article>", 1)[0]
    assert "&#x1F4C5;" in article and not re.search("[\U00010000-\U0010ffff]", article)
    index = (sample_site / "search/search_index.json").read_text(encoding="utf-8")
    assert "\\ud83d\\udcc5" in index or "📅" in index


def test_compact_writes_every_character_beyond_the_bmp_as_a_reference() -> None:
    """`_compact` replaces each distinct character once; it must give what one `re.sub` over every
    occurrence gives, and leave pages with a script or a style as they are."""
    import random

    from mkdocs_vault.mkdocs.site import _ASTRAL, _compact

    def reference(text: str) -> str:
        if _ASTRAL.search(text) is None or "<script" in text or "<style" in text:
            return text
        return _ASTRAL.sub(lambda m: f"&#x{ord(m.group()):X};", text)

    alphabet = ["a", "é", "中", "📅", "✅", "\U0001f600", "\U00010000", "\U0010ffff", "<p>", "&", "<script>"]
    rnd = random.Random(7)
    for _ in range(5000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30)))
        assert _compact(text) == reference(text), text
    assert _compact("📅 a 📅 ✅ \U0001f600") == "&#x1F4C5; a &#x1F4C5; ✅ &#x1F600;"


def test_compact_tells_long_pages_without_characters_beyond_the_bmp_at_once() -> None:
    """A long page with no character beyond the BMP is told so without a search (`_narrow`) and left as
    it is; one that holds such a character anywhere still gets it written as a reference."""
    import random

    from mkdocs_vault.mkdocs.site import NARROW_CHECK_MIN, _compact, _narrow

    rnd = random.Random(3)
    for filler in ("<p>Zoë</p>", "<p>中文</p>", "<p>plain</p>", "<p>\ud800 lone</p>"):
        page = filler * (NARROW_CHECK_MIN // len(filler) + rnd.randint(1, 2000))
        assert _narrow(page) and _compact(page) is page
        at = rnd.randrange(len(page))
        marked = page[:at] + "📅" + page[at:]
        assert not _narrow(marked)
        assert _compact(marked) == page[:at] + "&#x1F4C5;" + page[at:]
