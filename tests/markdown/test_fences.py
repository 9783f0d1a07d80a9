"""Fences with info strings Obsidian accepts and superfences does not still make one code block."""

from __future__ import annotations

from mkdocs_vault.markdown.fences import normalise_fences
from mkdocs_vault.markdown.site_config import build_markdown, markdown_config


def test_odd_info_strings_are_reduced_to_a_language() -> None:
    lines = ["```\\tasks", "not done", "```", "", "~~~c++ (old style)", "x", "~~~", "```python title=\"a.py\"", "y", "```"]
    assert normalise_fences(lines) == [
        "```tasks", "not done", "```", "", "~~~c++", "x", "~~~", '```python title="a.py"', "y", "```"]


def test_fence_lines_inside_code_are_left_alone() -> None:
    lines = ["````", "```\\odd", "````"]
    assert normalise_fences(lines) == lines


def test_the_text_after_an_odd_fence_is_not_swallowed() -> None:
    html = build_markdown(markdown_config()).convert("```\\tasks\nnot done\n```\n\nAfter the block.\n")
    assert "<p>After the block.</p>" in html and html.count("<pre") == 1
