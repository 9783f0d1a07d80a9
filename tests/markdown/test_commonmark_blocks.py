"""CommonMark's block structure: the spec's own examples, and the gate that skips the pass.

The examples come from the CommonMark spec as the `commonmark-spec` npm package ships it (version in
`commonmark_spec/README.md`, vendored so the suite runs offline), for the sections the site's block
structure covers. Each example is rendered with the site's extension list and compared with the
spec's HTML by block structure (`blockshape.signature`): Python-Markdown's HTML never matches the
spec byte for byte. `KNOWN_DIFFERENCES` lists the examples that still differ, each with the reason;
a test checks they do still differ, so the list cannot go stale unnoticed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs_vault.markdown import commonmark_blocks
from mkdocs_vault.markdown.site_config import build_markdown, markdown_config

from tests.markdown.blockshape import signature

SPEC = Path(__file__).parent / "commonmark_spec" / "spec.txt"
CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"
SECTIONS = (
    "Thematic breaks",
    "ATX headings",
    "Setext headings",
    "Indented code blocks",
    "Fenced code blocks",
    "Block quotes",
    "List items",
    "Lists",
)
KNOWN_DIFFERENCES = {
    90: "`Foo\\` over `----`: the heading's text ends in a backslash, and Python-Markdown's ATX heading "
    "pattern does not take a line ending in one (no note writes a heading so)",
    266: "`1234567890.`: CommonMark allows at most nine digits in an ordered marker, Python-Markdown any "
    "number; the pass leaves notes with only ordinary markers alone",
    308: "a line `<!-- -->` between two lists: HTML comments are cut from the note before its blocks are "
    "read (markdown/comments.py: nothing of a comment is published), so it no longer ends the first list "
    "as CommonMark's HTML block does, and the lists merge",
    309: "the same `<!-- -->` between a list and indented code: with it cut, the code joins the last item",
}


def spec_examples() -> list[tuple[int, str, str, str]]:
    """(number, section, markdown, html) of every example, as the package's `index.js` extracts them
    (with `→` standing for a tab, as the spec's test runner reads it)."""
    text = re.sub(r"^<!-- END TESTS -->(.|\n)*", "", SPEC.read_text(encoding="utf-8"), flags=re.MULTILINE)
    examples, section, number = [], "", 0
    for m in re.finditer(
        r"^`{32} example\n([\s\S]*?)^\.\n([\s\S]*?)^`{32}$|^#{1,6} *(.*)$", text, re.MULTILINE
    ):
        if m.group(3) is not None:
            section = m.group(3)
            continue
        number += 1
        examples.append((number, section, m.group(1).replace("→", "\t"), m.group(2).replace("→", "\t")))
    return examples


EXAMPLES = [e for e in spec_examples() if e[1] in SECTIONS]


def render(source: str) -> str:
    return build_markdown(markdown_config()).convert(source)


def test_the_vendored_spec_has_the_examples_of_each_section() -> None:
    counts = Counter(section for _, section, _, _ in EXAMPLES)
    assert counts == {
        "Thematic breaks": 19,
        "ATX headings": 18,
        "Setext headings": 27,
        "Indented code blocks": 12,
        "Fenced code blocks": 29,
        "Block quotes": 25,
        "List items": 48,
        "Lists": 26,
    }


@pytest.mark.parametrize(
    "number,section,source,expected",
    [e for e in EXAMPLES if e[0] not in KNOWN_DIFFERENCES],
    ids=lambda v: str(v) if isinstance(v, int) else "",
)
def test_spec_example_has_commonmarks_block_structure(
    number: int, section: str, source: str, expected: str
) -> None:
    assert signature(render(source)) == signature(expected), f"example {number} ({section}): {source!r}"


@pytest.mark.parametrize("number", sorted(KNOWN_DIFFERENCES))
def test_known_differences_still_differ(number: int) -> None:
    (_, _, source, expected) = next(e for e in EXAMPLES if e[0] == number)
    assert signature(render(source)) != signature(expected)


def corpus_notes() -> list[Path]:
    return sorted(CORPORA.rglob("*.md")) if CORPORA.is_dir() else []


_FRONTMATTER = re.compile(r"\A---\r?\n.*?\r?\n(---|\.\.\.)\s*(\r?\n|\Z)", re.DOTALL)


def test_the_gate_passes_over_only_notes_the_pass_would_leave_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """`needs_commonmark` may skip a note only where the full pass gives the same blocks."""
    notes = corpus_notes()
    assert len(notes) > 200, "the shared corpora are missing"
    skipped = []
    for path in notes:
        body = _FRONTMATTER.sub("", path.read_text(encoding="utf-8", errors="replace"), count=1)
        if not commonmark_blocks.needs_commonmark(body.expandtabs(4).split("\n")):
            skipped.append((path, body, signature(render(body))))
    assert 100 < len(skipped) < len(notes)  # the gate does skip notes, and not all of them
    monkeypatch.setattr(commonmark_blocks, "needs_commonmark", lambda lines: True)
    differ = [str(path) for path, body, shape in skipped if signature(render(body)) != shape]
    assert differ == []


@pytest.mark.parametrize(
    "source",
    [
        "Notes:\n- one\n",  # a list under text
        "- a\n  - b\n",  # nested by two spaces
        "1) a\n",  # `)` marker
        "- a\n* b\n",  # a changed bullet
        "Text\n```\ncode\n```\n",  # a fence under text
        "Line one\nline two\n---\n",  # a two-line setext heading
        "- a\n-\n",  # an empty item
        "> quote\n---\n",  # a rule after a quote, not a heading
    ],
)
def test_the_gate_lets_through_every_shape_the_pass_changes(source: str) -> None:
    assert commonmark_blocks.needs_commonmark(source.split("\n"))


# GFM tables are not in the CommonMark spec: these shapes, the ones notes use, are compared with
# cmark-gfm's rendering (rows and columns included) instead.
TABLES = [
    "Prices:\n| item | cost |\n|------|-----:|\n| tea  | 2 |\n",  # right under a line of text
    "| a | b |\n| - | - |\n| 1 | 2 |\ntext right under the table\n",  # a lazy row
    "| single column |\n| --- |\n| row |\n",
    "no | outer | pipes\n:-- | :-: | --:\nx | y | z\n",
    "## Heading\n| a | b |\n|---|---|\n| [[Note\\|alias]] | `code \\| pipe` |\n",
    "- a list item\n  | in | item |\n  | -- | ---- |\n  | x  | y    |\n",
    "> [!info] Table in a callout\n> | quoted | table |\n> | --- | --- |\n> | 1 | 2 |\n",
    "| no delimiter row |\n| just text |\n",
    "| a | b |\n| --- |\n| wrong delimiter count |\n",
]


# Shapes from notes on which Python-Markdown once went wrong even after the pass (found by comparing
# random mixes of note lines with cmark-gfm), checked the same way.
SHAPES = [
    "1. decide\n\t- a detail\n- [ ] follow up\n",  # a bullet list after a numbered one with a nested list
    "| a | b |\n|---|---|\n| 1 | 2 |\n- [ ] a task right under the table\n",
    "* one\n  more\n* two\n\n  a second paragraph\n  - nested under it\n",
    "> > a nested quote\n===\n",  # `===` is lazy text here, not an underline
    "- a\n - b\n  - c\n   - d\n    - e\n",  # `    - e` is lazy text of d
]


@pytest.mark.parametrize("source", TABLES + SHAPES)
def test_shapes_have_cmark_gfms_block_structure(source: str) -> None:
    if not shutil.which("cmark-gfm"):
        if os.environ.get("CI") == "true":
            pytest.fail("cmark-gfm is not installed (make fidelity-deps)")
        pytest.skip("cmark-gfm is not installed (make fidelity-deps)")
    reference = subprocess.run(
        ["cmark-gfm", "-e", "table", "--unsafe"], input=source.encode(), capture_output=True, check=True
    ).stdout.decode()
    assert signature(render(source)) == signature(reference)


_LINE_SHAPES = [
    "{w}",
    "- {w}",
    "  - {w}",
    "    - {w}",
    "1. {w}",
    "2) {w}",
    "   - {w}",
    "* {w}",
    "> {w}",
    "> - {w}",
    "> [!note] {w}",
    "> ```",
    ">```",
    "```",
    "~~~",
    "",
    "---",
    "***",
    "===",
    "| {w} | b |",
    "|---|---|",
    "  {w}",
    "\t- {w}",
    "# {w}",
    "^{w}",
    "    {w}",
    "- [ ] {w}",
    "  ```",
    "- ",
    "10. {w}",
    "> > {w}",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_LINE_SHAPES), min_size=1, max_size=8))
def test_every_word_of_a_note_survives_the_pass(shapes: list[str]) -> None:
    """Whatever the mix of lines, rendering raises nothing and drops no text (the pass only moves
    container prefixes, blank lines and markers)."""
    words = [f"w{i}x" for i in range(len(shapes))]
    source = "\n".join(shape.format(w=word) for shape, word in zip(shapes, words, strict=True)) + "\n"
    html = render(source)
    for word, shape in zip(words, shapes, strict=True):
        if "{w}" in shape:
            assert word in html, (source, html)
