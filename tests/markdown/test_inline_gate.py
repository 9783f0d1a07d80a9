"""The gated inline processor (`markdown.inline_gate`) renders exactly what Python-Markdown's own does.

Two things must hold: a gated regex never matches text without one of its markers (else a pattern
would be skipped where it would have matched), and whole notes render to the same HTML either way.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown import Markdown
from mkdocs_vault.dataview.blocks import INLINE_QUERY
from mkdocs_vault.links.extension import WIKILINK_RE, LinkContext
from mkdocs_vault.links.resolve import LinkResolver
from mkdocs_vault.markdown.highlight import HIGHLIGHT_RE
from mkdocs_vault.markdown.inline_gate import AVAILABLE, GATES, GatedInlineProcessor, GateExtension
from mkdocs_vault.markdown.site_config import build_markdown, markdown_config
from mkdocs_vault.markdown.tags import TAG_RE
from mkdocs_vault.vault.loader import load_vault

from tests.conftest import ROOT

CORPORA = ROOT.parent / "shared" / "corpora"
VAULTS = [ROOT / "vault", ROOT / "tests" / "markdown" / "golden"] + (
    [CORPORA / name for name in ("bramses-vault", "kepano-obsidian", "dataview-test-vault")]
    + sorted((CORPORA / "obsidian-export-testdata" / "input").iterdir())
    if CORPORA.exists()
    else []
)
pytestmark = pytest.mark.skipif(not AVAILABLE, reason="this Python-Markdown has no inline loop to override")

# Every character any marker is made of, the characters next to them in the regexes, and some letters.
_ALPHABET = "`\\[]^!<>&*_~$()=#\n \t:/@.;,-\"'?a1Z"


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=24))
def test_a_gated_regex_matches_only_text_with_a_marker(text: str) -> None:
    for pattern, markers in GATES.items():
        if re.search(pattern, text):
            assert any(m in text for m in markers), (pattern, text)


def _renderers(line_breaks: bool, notes: dict) -> tuple[Markdown, Markdown]:
    ctx = LinkContext(
        LinkResolver(list(notes), {p: n.aliases for p, n in notes.items()}),
        url_of=lambda p: p.lower().replace(" ", "-"),
        is_published=lambda p: True,
        get_note=notes.get,
        report=lambda *a: None,
    )
    gated = markdown_config(link_context=ctx, tag_url=lambda t: f"tags/{t}/", line_breaks=line_breaks)
    plain = markdown_config(link_context=ctx, tag_url=lambda t: f"tags/{t}/", line_breaks=line_breaks)
    plain.extensions = [e for e in plain.extensions if not isinstance(e, GateExtension)]
    ctx.markdown_factory = lambda: build_markdown(gated)
    return build_markdown(gated), build_markdown(plain)


@pytest.mark.parametrize("line_breaks", [False, True], ids=["strict", "line-breaks"])
@pytest.mark.parametrize("root", VAULTS, ids=lambda p: p.name)
def test_notes_render_the_same_with_and_without_the_gate(root: Path, line_breaks: bool) -> None:
    vault = load_vault(root)
    assert vault.notes
    gated, plain = _renderers(line_breaks, vault.notes)
    assert isinstance(gated.treeprocessors["inline"], GatedInlineProcessor)
    assert not isinstance(plain.treeprocessors["inline"], GatedInlineProcessor)
    for path, note in sorted(vault.notes.items()):
        assert gated.reset().convert(note.body) == plain.reset().convert(note.body), path


def test_tricky_text_renders_the_same() -> None:
    # Markers only inside code, escaped, split over placeholders, or next to each other.
    text = (
        "a `[[Not a link]]` b \\[[x]] ==hi *there*== `=this.file.name` <b>&amp;</b> ~~s~~ $x$ \\(y\\)\n"
        "#tag [[Note|==high==]] [^1] ![img](a.png) <https://example.com> <me@example.com>  \n"
        "`code with #hash and == and [[x]]` ***strong em*** _u_ \\* plain text\n\n[^1]: note"
    )
    gated, plain = _renderers(True, {})
    assert gated.convert(text) == plain.convert(text)


def test_our_patterns_are_all_gated() -> None:
    # A change to one of our regexes without its gate would quietly make every page slower.
    gated, _ = _renderers(True, {})
    ours = {WIKILINK_RE, HIGHLIGHT_RE, TAG_RE, INLINE_QUERY.pattern}
    registered = {p.compiled_re.pattern for p in gated.inlinePatterns}
    assert ours - {INLINE_QUERY.pattern} <= registered  # the Dataview one needs a query runner
    assert ours <= GATES.keys()
