"""Render Material's navigation once per distinct result instead of once per page.

MkDocs renders the whole navigation into every page. For a page outside the navigation (every note:
the navigation holds only home, the folders and the listings) nothing in it is active, so what
differs from one such page to the next is only the relative URLs: the ones to the navigation's pages,
and the site root (logo, assets). Pages that agree on those get the same HTML, so it is rendered for
the first of them and reused (`overrides/partials/nav.html`). Pages in the navigation render it
themselves, since it marks them active.

`VAULT_NO_SHARED=1` turns this off, as it does the shared Markdown converter (`rendering.py`): a test
compares the two builds byte for byte.

Material's own `partials/nav.html` is reached as `material-theme/partials/nav.html` through a prefix
loader added to the template environment (our override has the same name).
"""

from __future__ import annotations

import os
from importlib import resources
from typing import Any

import jinja2
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from ..urls import plain_segments

# Our template folder (the top-level overrides/, shipped inside the package as mkdocs_vault.overrides).
OVERRIDES = str(resources.files("mkdocs_vault.overrides"))
PREFIX = "material-theme"


def add_theme_loader(env: jinja2.Environment, theme_dirs: list[str], ours: str) -> None:
    """Let templates include the theme's own file of a name we override, as `material-theme/<name>`:
    the first theme folder after ours."""
    if ours not in theme_dirs:
        return
    below = theme_dirs[theme_dirs.index(ours) + 1 :]
    if env.loader is None or not below:
        return
    env.loader = jinja2.ChoiceLoader(
        [env.loader, jinja2.PrefixLoader({PREFIX: jinja2.FileSystemLoader(below)})]
    )


class NavCache:
    """The rendered navigation by what it depends on, for one build."""

    def __init__(self) -> None:
        self._html: dict[tuple, str] = {}
        self.enabled = not os.environ.get("VAULT_NO_SHARED")
        self._nav: Navigation | None = None  # the navigation `_in_nav` and `_depth` describe
        self._in_nav: set[int] = set()  # ids of its pages
        self._depth: int | None = 0  # the most segments a URL of its pages has
        self._keys: dict[tuple, tuple] = {}  # page folder shape -> key (`_key`)

    def context(self, context: dict[str, Any], page: Page) -> None:
        """Put `vault_nav` (the stored HTML, or None) and `vault_nav_keep` into the page's context."""
        nav = context.get("nav")
        key = self._key(nav, page, context.get("base_url")) if self.enabled else None
        context["vault_nav"] = self._html.get(key) if key is not None else None
        if key is None:
            context["vault_nav_keep"] = _unchanged
            return

        def keep(html: str) -> str:
            self._html[key] = html
            return html

        context["vault_nav_keep"] = keep

    def _key(self, nav: Navigation | None, page: Page, base_url: Any) -> tuple | None:
        """The base URL and the relative URLs from `page` to every page of the navigation; None for a
        page in it. Asked for every page, so made once per shape of the page's folder: the relative
        URLs depend on its number of segments and on its first ones only as far as a navigation URL
        reaches (`get_relative_url` goes up out of the folder, then down into the target)."""
        if not isinstance(nav, Navigation) or page.url is None:
            return None
        if nav is not self._nav:
            self._nav, self._keys = nav, {}
            self._in_nav = {id(p) for p in nav.pages}  # a Page equals only itself: one per file
            depths = [len(s) if (s := plain_segments(p.url)) is not None else None for p in nav.pages]
            self._depth = None if None in depths else max(depths, default=0)  # None: never shared
        if id(page) in self._in_nav:
            return None
        folder, _, name = page.url.rpartition("/")
        segments = plain_segments(folder if "." in name else page.url)  # as get_relative_url reads it
        shape = None
        if segments is not None and self._depth is not None:
            shape = (base_url, len(segments), *segments[: self._depth])
        key = self._keys.get(shape) if shape is not None else None
        if key is None:
            key = (base_url, tuple(get_relative_url(p.url, page.url) for p in nav.pages))
            if shape is not None:
                self._keys[shape] = key
        return key


def _unchanged(html: str) -> str:
    return html
