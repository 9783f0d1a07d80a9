"""A tiny in-memory vault that renders notes through the links extension, both phases."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import markdown
import pytest
from mkdocs_vault.links.anchors import SLUGIFY
from mkdocs_vault.links.extension import LinkContext, VaultLinksExtension, fix_links
from mkdocs_vault.links.resolve import LinkResolver
from mkdocs_vault.vault.model import Note


def slug_url(path: str) -> str:
    """A stand-in for the plugin's URL scheme: slugified segments, directory URLs."""
    if not path.endswith(".md"):
        return path.lower().replace(" ", "-")
    stem = path[:-3]
    if stem.lower() in ("index", "home"):
        return ""
    parts = [
        re.sub(r"[^\w]+", "-", unicodedata.normalize("NFC", p).lower()).strip("-") for p in stem.split("/")
    ]
    return "/".join(parts) + "/"


class MiniSite:
    def __init__(
        self,
        notes: dict[str, str],
        attachments: list[str] | None = None,
        unpublished: set[str] | None = None,
        body_lines: dict[str, int] | None = None,
        max_embed_depth: int = 4,
        aliases: dict[str, list[str]] | None = None,
    ) -> None:
        self.notes = {
            path: Note(path=path, body=text, body_line=(body_lines or {}).get(path, 0))
            for path, text in notes.items()
        }
        self.unpublished = unpublished or set()
        self.reports: list[tuple[str, int, str, str]] = []
        paths = list(notes) + list(attachments or [])
        self.ctx = LinkContext(
            LinkResolver(paths, aliases or {}),
            url_of=lambda p: slug_url(p) if self.published(p) else None,
            is_published=self.published,
            get_note=lambda p: self.notes.get(p) if self.published(p) else None,
            report=lambda *a: self.reports.append(a),
            markdown_factory=self.markdown,
            max_embed_depth=max_embed_depth,
        )
        self.rendered: dict[str, str] = {}

    def published(self, path: str) -> bool:
        return path not in self.unpublished

    def markdown(self) -> markdown.Markdown:
        return markdown.Markdown(
            extensions=[
                VaultLinksExtension(context=self.ctx),
                "tables",
                "toc",
                "footnotes",
                "pymdownx.superfences",
                "pymdownx.arithmatex",
            ],
            extension_configs={
                "toc": {"slugify": SLUGIFY, "permalink": True},
                "pymdownx.arithmatex": {"generic": True},
            },
        )

    def render_all(self) -> dict[str, str]:
        """Phase 1 for every published note, then phase 2: the pages as the site would have them."""
        for path, note in self.notes.items():
            if self.published(path):
                self.ctx.begin_page(path, note.body, note.body_line)
                self.rendered[path] = self.markdown().convert(note.body)
        return {path: fix_links(out, path, self.ctx) for path, out in self.rendered.items()}

    def page(self, path: str) -> str:
        return self.render_all()[path]


@pytest.fixture
def site() -> Callable[..., MiniSite]:
    return MiniSite
