"""Page weight as the browser counts it, behind `make weight`: every page of the sample site opened once
in a fresh Chromium profile (a first visit: nothing cached), adding up every response the browser
received until the network was idle (HTML, scripts, styles, fetched JSON; fonts and images left out, as
issue 18's target says). Prints the median and the largest page, the same for the pages that have no
diagram, formula or graph (the ones that must stay under 400 KB), and the biggest requests of the
largest page.

The site is served by Python's http.server, which sends files as they are (as `mkdocs serve` does).
Static hosts (GitHub Pages, Netlify, nginx with `gzip on`) compress text; the second figure is what the
same requests weigh gzipped (level 6, each body compressed here, headers as received).

    .venv/bin/python tests/bench/page_weight.py [--site DIR] [--sample N]

`--sample N` weighs N pages spread evenly over the site plus the 10 largest by HTML (a 1,000-note site
has 1,300 pages; each visit takes about a second), and says so.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
from browser.conftest import CHROMIUM_ARGS, find_chromium, served
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

LIMIT = 400 * 1024  # issue 18: a page without a diagram, a formula or a graph stays under this
LEFT_OUT = ("font", "image", "media")
LIBRARIES = ("mermaid", "katex", "force-graph")  # under assets/vendor/ and assets/javascripts/vendor/
COMPRESSED = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt")  # what hosts gzip


@dataclass
class Response:
    url: str
    kind: str  # the browser's resource type: document, script, stylesheet, fetch, xhr
    headers: int
    body: int
    gzipped: int  # the body's size gzipped, for what a compressing host would send


serve = served  # the site as http.server sends it: nothing compressed


def page_urls(site: Path) -> dict[str, bool]:
    """Every page of the site (alias redirects and the 404 page left out) -> does it need mermaid, KaTeX
    or the graph library (a diagram, a formula or a graph on it)?"""
    urls = {}
    for index in sorted(site.rglob("index.html")):
        text = index.read_text(encoding="utf-8", errors="replace")
        if 'http-equiv="refresh"' in text:
            continue  # an alias redirect
        rel = index.parent.relative_to(site).as_posix()
        needs = 'class="mermaid"' in text or 'class="arithmatex"' in text or 'class="vault-graph' in text
        urls["" if rel == "." else rel + "/"] = needs
    return urls


def sampled(site: Path, urls: dict[str, bool], n: int) -> dict[str, bool]:
    """`n` of `urls` evenly spread, and the 10 whose HTML is largest."""
    ordered = list(urls)
    step = len(ordered) / n
    chosen = {ordered[int(i * step)] for i in range(n)}
    by_size = sorted(ordered, key=lambda u: -(site / u / "index.html").stat().st_size)
    chosen |= set(by_size[:10])
    return {u: urls[u] for u in ordered if u in chosen}


def gzipped_size(site: Path, url: str, body: int) -> int:
    path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
    file = site / path.lstrip("/")
    if path.endswith("/"):
        file = file / "index.html"
    if not file.is_file() or file.suffix not in COMPRESSED:
        return body
    return len(gzip.compress(file.read_bytes(), compresslevel=6))


def weigh(browser, site: Path, base: str, path: str) -> list[Response]:
    """The responses of a first visit to the page at `path`."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    seen: list[Response] = []

    def finished(request) -> None:
        if request.resource_type in LEFT_OUT or not request.url.startswith(base):
            return  # (not the site's: the browser's own PDF viewer, say)
        try:
            response = request.response()
            sizes = request.sizes()
        except PlaywrightError:  # it finished as the page was closed
            return
        body = sizes["responseBodySize"]
        if response is not None:
            # A worker's script is reported without its body: its Content-Length says what came.
            body = max(body, int(response.headers.get("content-length", 0) or 0))
        gz = gzipped_size(site, request.url, body)
        seen.append(Response(request.url, request.resource_type, sizes["responseHeadersSize"], body, gz))

    page.on("requestfinished", finished)
    page.goto(base + path, wait_until="networkidle")
    context.close()
    return seen


def report(name: str, weights: dict[str, int], needs: dict[str, bool], fetched: dict[str, bool]) -> None:
    """The median and largest page; the same for the pages without a diagram, formula or graph (issue
    18's 400 KB), and for the pages that fetched none of their libraries on a first visit (a note whose
    local graph is below the fold)."""
    ordered = sorted((w, u) for u, w in weights.items())
    largest, where = ordered[-1]
    print(
        f"{name}: {len(ordered)} pages, median {statistics.median(weights.values()) / 1024:.0f} KB, "
        f"largest {largest / 1024:.0f} KB ({where or 'home'})"
    )
    for label, keep in (
        ("without a diagram, formula or graph", lambda u: not needs[u]),
        ("that fetched no library on a first visit", lambda u: not fetched[u]),
    ):
        plain = [(w, u) for w, u in ordered if keep(u)]
        if not plain:
            continue
        over = [u or "home" for w, u in plain if w >= LIMIT]
        listed = f": {', '.join(over[:5])}{' ...' if len(over) > 5 else ''}" if over else ""
        print(
            f"  {len(plain)} pages {label}: median "
            f"{statistics.median(w for w, _u in plain) / 1024:.0f} KB, largest {plain[-1][0] / 1024:.0f} KB "
            f"({plain[-1][1] or 'home'}); {len(over)} of {LIMIT // 1024} KB or more{listed}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build the sample vault)")
    parser.add_argument(
        "--sample", type=int, help="weigh this many pages, evenly spread, plus the 10 largest"
    )
    args = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        print("no Chromium found (install Debian's `chromium`, or set CHROMIUM=/path)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            build = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(REPO / "mkdocs.yml")]
            subprocess.run([*build, "-d", str(site)], check=True)
        urls = page_urls(site)
        if args.sample and args.sample < len(urls):
            urls = sampled(site, urls, args.sample)
            print(f"a sample of {len(urls)} pages: {args.sample} evenly spread and the 10 largest by HTML")
        with sync_playwright() as p, serve(site) as base:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                visits = {u: weigh(browser, site, base, u) for u in urls}
            finally:
                browser.close()
    fetched = {u: any(f"/{lib}/" in r.url for r in v for lib in LIBRARIES) for u, v in visits.items()}
    served_bytes = {u: sum(r.headers + r.body for r in v) for u, v in visits.items()}
    report("as served (uncompressed)", served_bytes, urls, fetched)
    report("gzipped", {u: sum(r.headers + r.gzipped for r in v) for u, v in visits.items()}, urls, fetched)
    heaviest = max(visits, key=lambda u: sum(r.body for r in visits[u]))
    print(f"biggest requests of the largest page ({heaviest or 'home'}), uncompressed / gzipped:")
    for r in sorted(visits[heaviest], key=lambda r: -r.body)[:6]:
        print(f"  {r.body / 1024:8.1f} KB {r.gzipped / 1024:7.1f} KB  {r.kind:<10} {r.url.split('/', 3)[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
