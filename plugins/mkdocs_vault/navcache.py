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

    @staticmethod
    def _key(nav: Navigation | None, page: Page, base_url: Any) -> tuple | None:
        if not isinstance(nav, Navigation) or page.url is None or page in nav.pages:
            return None
        return (base_url, tuple(get_relative_url(p.url, page.url) for p in nav.pages))


def _unchanged(html: str) -> str:
    return html
