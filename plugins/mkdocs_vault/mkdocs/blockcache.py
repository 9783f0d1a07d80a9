"""Render Material's page header, stylesheets, scripts and config script once per distinct result, not
once per page.

These blocks are rendered into every page and come out the same on page after page: the `config` block
(a JSON script of features and translations), `styles` and `scripts` differ between pages only in
relative URLs, and the header (logo, site name, palette and search box) only in relative URLs and the
page's title. At 10,000 notes they were 11% of a build (over a third of the theme's time).

How a block is shared without trusting that description (`overrides/main.html` hands each block's
`super` to `BlockCache.render`):

- the first page renders the block for real, and every value passed to the `url` and `script_tag`
  filters meanwhile is noted. A later page reuses the HTML when it has the same base URL and those values give it the same
  relative URLs: MkDocs' `url` filter depends on nothing else of the page, and `script_tag` writes a
  script's `url` with attributes of its own;
- the header is rendered with a stand-in for the page (`_Untitled`) whose title is a marker, and the
  marker is replaced by each page's own title, which the stand-in hands out in place of
  `page.meta.title` and `page.title`. Anything else the header asks of the page (any other attribute or
  `meta` key) means it depends on more than the title: it is then rendered for real on every page;
- the block is rendered per page as before when a template it includes may have been changed by the
  site (its own `custom_dir` holds one), when the tabs sit in the header (`navigation.tabs.sticky`: they
  mark the page's section), or when the template environment escapes or finalizes output (the title
  would not be written as `str` writes it).

`VAULT_NO_SHARED=1` turns this off, as it does the shared navigation (`navcache.py`): a test compares the
two builds byte for byte.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import jinja2
from mkdocs.utils import normalize_url

# Templates whose change by the site would make a shared block unsafe: `base.html` holds the blocks, the
# others are what they include.
HEADER_TEMPLATES = (
    "base.html",
    "partials/header.html",
    "partials/logo.html",
    "partials/palette.html",
    "partials/javascripts/palette.html",
    "partials/alternate.html",
    "partials/search.html",
    "partials/source.html",
    "partials/tabs.html",
    "partials/tabs-item.html",
)
_TEMPLATES = {
    "header": HEADER_TEMPLATES,
    "config": ("base.html",),
    "styles": ("base.html", "partials/icons.html"),
    "scripts": ("base.html",),
}
# What the header shows where the title goes, while it is rendered to be shared (private-use characters:
# no title holds them, and a render that shows the marker other than once is not shared).
TITLE_MARK = "\ue000vault-title\ue001"


class BlockCache:
    """One build's shared blocks."""

    def __init__(self, custom_dir: str | None = None, features: list[str] | None = None) -> None:
        self.enabled = not os.environ.get("VAULT_NO_SHARED")
        # Blocks never shared in this build (see the module's docstring), by name.
        self._off = {
            name for name, templates in _TEMPLATES.items()
            if custom_dir and any(os.path.isfile(os.path.join(custom_dir, t)) for t in templates)
        }
        if "navigation.tabs.sticky" in (features or []):
            self._off.add("header")
        self._urls: dict[str, tuple[str, ...]] = {}  # block -> the `url` values its first render passed
        self._html: dict[tuple, str] = {}  # (block, base URL, relative URLs) -> HTML
        self._recording: list[str] | None = None  # the `url` values of the render under way

    def install(self, env: jinja2.Environment) -> None:
        """Give the templates `vault_block`, and note the `url` and `script_tag` filters' values while a
        block renders."""
        env.globals["vault_block"] = self.render
        if env.autoescape or env.finalize is not None:
            self._off.add("header")  # the title would not be written as `str(title)`
        for name in ("url", "script_tag"):
            if name not in env.filters:
                self.enabled = False  # a URL would be written that this cannot see
                return
            env.filters[name] = self._noting(env.filters[name])

    def _noting(self, write: Callable[[Any, Any], str]) -> Callable[[Any, Any], str]:
        """The filter `write`, noting the text of each value it is given while a block renders (both
        filters write the value's URL relative to the page, as `url` does with that text)."""

        @jinja2.pass_context
        def noting(context: Any, value: Any) -> str:
            if self._recording is not None:
                self._recording.append(str(value))
            return write(context, value)

        return noting

    @jinja2.pass_context
    def render(self, context: jinja2.runtime.Context, name: str, parent: Callable[[], str]) -> str:
        """The block `name` of this page: stored HTML when it was made for the same relative URLs,
        else `parent` (the theme's block, the `super` of ours) rendered and stored."""
        page = context.get("page")
        base_url = context.get("base_url")
        if not self.enabled or name in self._off or getattr(page, "url", None) is None:
            return parent()
        values = self._urls.get(name)
        if values is not None:
            html = self._html.get(self._key(name, page, base_url, values))
            if html is not None:
                return _fill(html, page) if name == "header" else html
        stand_in = _Untitled(page) if name == "header" else None
        self._recording = []
        shadowed = context.vars.get("page", _ABSENT)
        if stand_in is not None:
            # The theme's block includes the header with this context: it sees the stand-in.
            context.vars["page"] = stand_in
        try:
            html = str(parent())
        finally:
            recorded, self._recording = tuple(self._recording), None
            if stand_in is not None:
                if shadowed is _ABSENT:
                    del context.vars["page"]
                else:
                    context.vars["page"] = shadowed
        if stand_in is not None and (stand_in.touched or html.count(TITLE_MARK) != 1):
            self._off.add(name)  # it reads more of the page than its title and URLs
            return parent()
        if values is not None and recorded != values:
            self._off.add(name)  # the URLs it writes vary from page to page: not shared any more
        else:
            self._urls[name] = recorded
            self._html[self._key(name, page, base_url, recorded)] = html
        return _fill(html, page) if stand_in is not None else html

    @staticmethod
    def _key(name: str, page: Any, base_url: Any, values: tuple[str, ...]) -> tuple:
        return (name, base_url, tuple([normalize_url(v, page=page, base=base_url) for v in values]))


_ABSENT = object()


def _fill(html: str, page: Any) -> str:
    """The shared header with this page's title where Material writes it: `page.meta.title` when set,
    else `page.title`, as `{{ }}` writes them."""
    meta = page.meta
    title = meta["title"] if meta and meta.get("title") else page.title
    return html.replace(TITLE_MARK, str(title), 1)


class _Untitled:
    """The page as the shared header is rendered with: its URL, and a marker for its title. Asking for
    anything else is noted (`touched`) and answered from the page."""

    def __init__(self, page: Any) -> None:
        self._page = page
        self.touched = False
        self.meta = _TitleOnly(self)

    @property
    def url(self) -> str:
        return self._page.url

    @property
    def title(self) -> str:
        return TITLE_MARK

    def __getattr__(self, name: str) -> Any:
        self.touched = True
        return getattr(self._page, name)


class _TitleOnly(dict):
    """`page.meta` for `_Untitled`: its `title` is the marker; reading any other key is noted."""

    def __init__(self, owner: _Untitled) -> None:
        super().__init__(title=TITLE_MARK)
        self._owner = owner

    def __getitem__(self, key: Any) -> Any:
        if key != "title":
            self._owner.touched = True
            return self._owner._page.meta[key]
        return TITLE_MARK

    def get(self, key: Any, default: Any = None) -> Any:
        if key != "title":
            self._owner.touched = True
            return self._owner._page.meta.get(key, default)
        return TITLE_MARK

    def __contains__(self, key: object) -> bool:
        if key != "title":
            self._owner.touched = True
            return key in self._owner._page.meta
        return True
