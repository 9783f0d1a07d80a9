"""What the plugin adds to the site's Material theme: its template folder, its stylesheet, and a light/dark
palette when `mkdocs.yml` sets none.

Material draws only a light page unless `theme.palette` is configured. A vault's readers read it at any
hour, so a site without a palette gets Material's own three-way toggle (the reader's system setting,
light, dark), starting from the system setting; a palette the site configures is left as it is.

Our own script and stylesheet are kept readable in the repository (comments say why things are done)
and minified in the built site (rjsmin, rcssmin): issue 18 counts a first visit's bytes as served.
"""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path
from typing import Any

import jinja2
import rcssmin
import rjsmin
from mkdocs.config.defaults import MkDocsConfig

from .navcache import OVERRIDES

STYLESHEETS = ("assets/stylesheets/vault.css",)
# Our files among the theme's, as the built site holds them; the vendored libraries come minified.
OWN_ASSETS = (
    "assets/javascripts/vault.js",
    "assets/javascripts/vault-graph.js",
    "assets/javascripts/vault-search.js",
    "assets/stylesheets/vault.css",
)

# Material's documented automatic light/dark palette: the first entry follows the system setting.
SYSTEM_PALETTE: list[dict[str, Any]] = [
    {
        "media": "(prefers-color-scheme)",
        "toggle": {"icon": "material/brightness-auto", "name": "Switch to light mode"},
    },
    {
        "media": "(prefers-color-scheme: light)",
        "scheme": "default",
        "toggle": {"icon": "material/brightness-7", "name": "Switch to dark mode"},
    },
    {
        "media": "(prefers-color-scheme: dark)",
        "scheme": "slate",
        "toggle": {"icon": "material/brightness-4", "name": "Switch to system preference"},
    },
]


def supply_theme(config: MkDocsConfig) -> None:
    """Add our templates (after the site's `custom_dir`, before Material's), our stylesheet, and the
    system-following palette when the site configures none."""
    dirs = config.theme.dirs
    if OVERRIDES not in dirs:
        position = 1 if config.theme.custom_dir else 0
        dirs.insert(position, OVERRIDES)
    for css in STYLESHEETS:
        if css not in config.extra_css:
            config.extra_css.append(css)
    if config.theme.name == "material" and not config.theme.get("palette"):
        config.theme["palette"] = [dict(option) for option in SYSTEM_PALETTE]


class OwnAssets:
    """Minifies our script and stylesheet where the build copied them into the site (a site whose
    `custom_dir` replaces one of them gets its own file minified too). Kept by the plugin across
    `serve` rebuilds: a file as this left it (same size and time) is not read and minified again."""

    def __init__(self) -> None:
        self._done: dict[Path, tuple[int, int]] = {}  # output file -> (mtime ns, size) once minified

    def minify(self, config: MkDocsConfig) -> None:
        site_dir = Path(config.site_dir)
        for name in OWN_ASSETS:
            out = site_dir / name
            try:
                seen = out.stat()
            except OSError:
                continue
            if self._done.get(out) == (seen.st_mtime_ns, seen.st_size):
                continue  # not copied again since: minified already
            try:
                text = out.read_text(encoding="utf-8")
            except (FileNotFoundError, UnicodeDecodeError):
                continue
            small = rcssmin.cssmin(text) if name.endswith(".css") else rjsmin.jsmin(text)
            if small != text:
                out.write_text(small, encoding="utf-8")
            seen = out.stat()
            self._done[out] = (seen.st_mtime_ns, seen.st_size)



class ThemeListing:
    """The file listing of the installed themes' folders (Material's some 10,000 templates, icons and
    assets), kept across `serve` rebuilds: MkDocs lists every theme folder on every build to find the
    theme's static files (`Files.add_files_from_theme`, through the Jinja loader), which took a tenth
    of a rebuild with nothing changed at 10,000 notes. Folders outside the installed packages (ours,
    the site's `custom_dir`) are listed anew each time: `--watch-theme` rebuilds when they change."""

    def __init__(self) -> None:
        self._listed: dict[tuple[str, bool], list[str]] = {}  # installed folder -> its templates
        self._installed = tuple(
            os.path.join(os.path.abspath(p), "") for p in {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
        )

    def install(self, config: MkDocsConfig, code: jinja2.BytecodeCache | None = None) -> None:
        """Make the theme's Jinja environments (MkDocs' and its plugins') list through this, and keep
        their compiled templates in `code` (Material's search plugin compiles its language template
        in a new environment of its own on every build)."""
        theme = config.theme
        made = type(theme).get_env.__get__(theme)
        edited = {os.path.abspath(d) for d in (theme.custom_dir, OVERRIDES) if d}

        def get_env() -> jinja2.Environment:
            env = made()
            if code is not None:
                env.bytecode_cache = code
            loader = env.loader
            if type(loader) is jinja2.FileSystemLoader:
                dirs, follow = list(loader.searchpath), loader.followlinks
                loader.list_templates = lambda: self._list(dirs, follow, edited)  # type: ignore[method-assign]
            return env

        theme.get_env = get_env  # type: ignore[method-assign]

    def _list(self, dirs: list[str], follow: bool, edited: set[str]) -> list[str]:
        """What `FileSystemLoader(dirs).list_templates()` gives: the sorted union of each folder's."""
        found: set[str] = set()
        for folder in dirs:
            path = os.path.abspath(folder)
            kept = path not in edited and os.path.join(path, "").startswith(self._installed)
            names = self._listed.get((path, follow)) if kept else None
            if names is None:
                names = jinja2.FileSystemLoader(folder, followlinks=follow).list_templates()
                if kept:
                    self._listed[(path, follow)] = names
            found.update(names)
        return sorted(found)
