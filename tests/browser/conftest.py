"""Browser fixtures: Debian's Chromium driven by Playwright against the built sample vault, served on
127.0.0.1 from a random free port.

Outside CI, the tests skip with a clear message when no Chromium is installed; with CI=true a missing
Chromium fails them (the CI script installs it from Debian's packages)."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "/usr/bin/chromium"):
        if candidate:
            found = shutil.which(candidate) or (candidate if Path(candidate).is_file() else None)
            if found:
                return found
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        message = "no Chromium found (install Debian's `chromium` package, or set CHROMIUM=/path/to/chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run in CI: {message}")
        pytest.skip(f"browser tests skipped: {message}")
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        # A page closed while a response was on its way (a graph starting to load as a test or the
        # weight benchmark closes the page) is no error of the site's.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def served(directory: Path, port: int = 0) -> Iterator[str]:
    """`directory` served by Python's http.server on 127.0.0.1 (at `port`, or one the OS chooses), as
    files are: nothing compressed. Yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = _QuietServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(sample_site: Path) -> Iterator[str]:
    """The sample site served by Python's http.server on 127.0.0.1 (port chosen by the OS)."""
    with served(sample_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class ConsoleLog:
    """Console errors and uncaught exceptions of one page; a test asserts it stays empty."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def attach(self, page) -> None:
        page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on("requestfailed", self._request_failed)

    def _request_failed(self, request) -> None:
        # A request the browser cancelled because the test moved on to another page (a favicon still
        # loading) is not a fault of the site; a refused, missing or broken one is.
        if request.url.startswith("http") and "ERR_ABORTED" not in (request.failure or ""):
            self.errors.append(f"request failed: {request.url} ({request.failure})")


@pytest.fixture
def page(browser, site_url: str):
    """A fresh page (1280x900) that records console errors and refuses requests to other hosts."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log = ConsoleLog()
    log.attach(page)
    outside: list[str] = []

    def guard(route) -> None:
        url = route.request.url
        if url.startswith(site_url) or not url.startswith(("http:", "https:", "ws:", "wss:")):
            route.continue_()  # our site, or the browser's own (data:, blob:, chrome:) resources
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.console = log  # type: ignore[attr-defined]
    page.outside_requests = outside  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
