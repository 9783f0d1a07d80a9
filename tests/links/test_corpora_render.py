"""Every note of every shared corpus vault renders through the links and Markdown extensions without
an error, and no placeholder survives the second phase."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs_vault.links.extension import LinkContext, fix_links
from mkdocs_vault.links.resolve import LinkResolver
from mkdocs_vault.markdown.site_config import build_markdown, markdown_config
from mkdocs_vault.vault.loader import load_vault

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"
VAULTS = (
    [CORPORA / name for name in ("bramses-vault", "kepano-obsidian", "dataview-test-vault")]
    + sorted((CORPORA / "obsidian-export-testdata" / "input").iterdir())
    if CORPORA.exists()
    else []
)


@pytest.mark.parametrize("root", VAULTS, ids=lambda p: p.name)
def test_corpus_renders(root: Path) -> None:
    vault = load_vault(root)
    reports: list[tuple[str, int, str, str]] = []
    ctx = LinkContext(
        LinkResolver(
            list(vault.notes) + list(vault.attachments), {p: n.aliases for p, n in vault.notes.items()}
        ),
        url_of=lambda p: p.lower().replace(" ", "-"),
        is_published=lambda p: True,
        get_note=vault.notes.get,
        report=lambda *a: reports.append(a),
    )
    config = markdown_config(link_context=ctx, tag_url=lambda t: f"tags/{t}/")
    ctx.markdown_factory = lambda: build_markdown(config)
    raw = {}
    for path, note in sorted(vault.notes.items()):
        ctx.begin_page(path, note.body, note.body_line)
        raw[path] = build_markdown(config).convert(note.body)
    for path, html in raw.items():
        final = fix_links(html, path, ctx)
        assert "<vault-link" not in final and "data-vault-" not in final, path
    for path, line, kind, _message in reports:
        assert path in vault.notes and line >= 1 and kind
