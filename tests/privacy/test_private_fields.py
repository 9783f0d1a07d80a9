"""markdown.private_fields: inline fields with a private key are cut out of a rendered body."""

from __future__ import annotations

import markdown
import pytest
from mkdocs_vault.markdown.private_fields import PrivateFieldsExtension, strip_private_fields
from mkdocs_vault.markdown.site_config import build_markdown, markdown_config

KEYS = ["rate", "Salary"]


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("rate:: 150", None),
        ("Rate:: 150", None),  # keys match case-insensitively
        ("**Rate**:: 150", None),  # decoration around the key, as Dataview reads it
        ("salary:: 90k", None),
        ("> rate:: 1", None),
        ("- rate:: 3", None),  # a list item holding only the field goes with it
        ("keep:: 1", "keep:: 1"),
        ("text [rate:: 5] more (salary:: 9) end", "text more end"),
        ("- [ ] task [rate:: 2]", "- [ ] task"),
        ("a `[rate:: 5]` code span", "a `[rate:: 5]` code span"),
        ("The rate:: is not a key", "The rate:: is not a key"),
        ("x [y:: 1] rate:: 3", "x [y:: 1] rate:: 3"),  # with a bracketed field, no full-line field
    ],
)
def test_private_fields_are_cut_from_lines(line: str, kept: str | None) -> None:
    assert strip_private_fields([line], KEYS) == ([] if kept is None else [kept])


def test_fenced_code_is_left_alone() -> None:
    lines = ["```", "rate:: 7", "```", "rate:: 8"]
    assert strip_private_fields(lines, KEYS) == ["```", "rate:: 7", "```"]


def test_no_keys_no_change() -> None:
    lines = ["rate:: 1", "[salary:: 2]"]
    assert strip_private_fields(lines, []) == lines


def test_a_field_line_inside_a_paragraph_does_not_split_it() -> None:
    md = markdown.Markdown(extensions=[PrivateFieldsExtension(private_keys=KEYS)])
    html = md.convert("First line\nrate:: 150\nlast line.\n\nOther [salary:: 1] text.")
    assert "150" not in html and "salary" not in html
    assert html.count("<p>") == 2 and "First line\nlast line." in html


def test_the_site_markdown_includes_it() -> None:
    md = build_markdown(markdown_config(private_keys=["rate"]))
    html = md.convert("Visible.\n\nrate:: 150\n\n- [ ] call [rate:: 99]\n")
    assert "150" not in html and "99" not in html and "Visible." in html and "call" in html
