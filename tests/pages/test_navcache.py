"""`NavCache`: pages share the navigation's HTML exactly when their relative URLs to its pages agree."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

from mkdocs.structure.nav import Navigation
from mkdocs.utils import get_relative_url
from mkdocs_vault.mkdocs.navcache import NavCache

NAV_URLS = ["", "people/", "meetings/", "directory/", "tags/", "people/team/", "about.html"]
PAGE_URLS = [
    "people/ada/",
    "people/bob/",
    "people/team/x/",
    "people/teams/",
    "meetings/2026/kickoff/",
    "meetings/2026/review/",
    "meetings/2025/review/",
    "daily/2026-01-02/",
    "daily/2026-01-03/",
    "people/ada.html",
    "people/bob.html",
    "notes.v2/a/",
    "a/./b/",
    "a/../b/",
    "/abs/x/",
    "x//y/",
    "readme.html",
    "",
]


def test_keys_share_exactly_when_the_relative_urls_agree() -> None:
    for nav_urls in (NAV_URLS, NAV_URLS[:5], ["", "a/../b/"]):
        pages = [SimpleNamespace(url=u, is_homepage=u == "") for u in nav_urls]
        nav = Navigation(list(pages), list(pages))
        cache = NavCache()
        keys = {}
        for url in PAGE_URLS:
            key = cache._key(nav, SimpleNamespace(url=url), "../..")
            assert key == ("../..", tuple(get_relative_url(p.url, url) for p in pages)), url
            keys[url] = key
        for a, b in itertools.combinations(PAGE_URLS, 2):
            same = [get_relative_url(p.url, a) for p in pages] == [get_relative_url(p.url, b) for p in pages]
            assert (keys[a] == keys[b]) == same, (a, b)
        assert cache._key(nav, pages[1], "../..") is None  # a page of the navigation renders its own
