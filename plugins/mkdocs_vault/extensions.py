"""Which Markdown extensions a vault site renders with, and the per-page context they read.

The Obsidian-flavoured work is done by Python-Markdown extensions (`links/`, `markdown/`,
`dataview/`) that also run under any other Python-Markdown host; this module only puts them, and the
standard extensions they rely on, into MkDocs' `markdown_extensions`, and hands them the note being
rendered. Extensions the site configured itself are left as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mkdocs.config.defaults import MkDocsConfig

if TYPE_CHECKING:
    from mkdocs.structure.pages import Page

    from .site import SiteBuilder

# Standard extensions every vault page needs, with the settings Obsidian's rendering implies.
STANDARD: dict[str, dict[str, Any]] = {
    "toc": {"permalink": True},
    "tables": {},
    "attr_list": {},
    "md_in_html": {},
    "footnotes": {},
    "admonition": {},
    "pymdownx.details": {},
    "pymdownx.superfences": {},
    "pymdownx.arithmatex": {"generic": True},
    "pymdownx.tasklist": {"custom_checkbox": True},
    "pymdownx.tilde": {},
}


def configure(config: MkDocsConfig, site: SiteBuilder) -> None:
    from pymdownx.superfences import fence_code_format

    from .links.anchors import SLUGIFY

    names = [e if isinstance(e, str) else type(e).__module__ for e in config.markdown_extensions]
    ext_config = config.mdx_configs
    for name, options in STANDARD.items():
        if name not in names:
            config.markdown_extensions.append(name)
            ext_config[name] = dict(options)
    # Heading ids must be the ones links compute (links.anchors); mermaid stays a diagram.
    ext_config.setdefault("toc", {})["slugify"] = SLUGIFY
    fences = ext_config.setdefault("pymdownx.superfences", {}).setdefault("custom_fences", [])
    if not any(f.get("name") == "mermaid" for f in fences):
        fences.append({"name": "mermaid", "class": "mermaid", "format": fence_code_format})
    for extension in _vault_extensions(site):
        config.markdown_extensions.append(extension)


def _vault_extensions(site: SiteBuilder) -> list:
    """Instances of our own extensions, sharing one context object per build."""
    return []


def set_current(site: SiteBuilder, note_path: str | None) -> None:
    """Tell the extensions which note (None for a generated page) is about to be rendered."""
    site.current_note = note_path


def finish(site: SiteBuilder, page: Page, note_path: str | None) -> str:
    """Second rendering phase for one page: placeholders become final HTML."""
    return page.content or ""
