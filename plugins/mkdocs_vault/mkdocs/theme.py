"""What the plugin adds to the site's Material theme: its template folder, its stylesheet, and a light/dark
palette when `mkdocs.yml` sets none.

Material draws only a light page unless `theme.palette` is configured. A vault's readers read it at any
hour, so a site without a palette gets Material's own three-way toggle (the reader's system setting,
light, dark), starting from the system setting; a palette the site configures is left as it is.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig

from .navcache import OVERRIDES

STYLESHEETS = ("assets/stylesheets/vault.css",)

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
