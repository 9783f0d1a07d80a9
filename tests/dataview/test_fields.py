"""Inline fields in a note's text, as Dataview's reading view shows them: golden files.

`golden_fields/NAME.md` is rendered beside its expected `NAME.html` (review any change by hand; set
UPDATE_GOLDEN=1 to rewrite). The markup is Dataview's (`ui/views/inline-field.tsx`): `[k:: v]` key and
value, `(k:: v)` the value alone; values are typed and shown as `Lit` shows them (dates in the date
format, numbers and booleans as JavaScript prints them, durations in Dataview's words).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from markdown import Markdown
from mkdocs_vault.dataview.extension import DataviewExtension, DataviewRunner
from mkdocs_vault.dataview.settings import DataviewSettings
from mkdocs_vault.dataview.values import UTC
from mkdocs_vault.markdown.highlight import HighlightExtension
from mkdocs_vault.markdown.tasks import TasksExtension

GOLDEN = Path(__file__).with_name("golden_fields")
CASES = sorted(p.stem for p in GOLDEN.glob("*.md"))


def render(text: str, settings: DataviewSettings | None = None) -> str:
    runner = DataviewRunner(
        context=lambda: None,  # type: ignore[arg-type,return-value]  # no query in these notes
        page=lambda: "Gear.md",
        link_html=lambda path, subpath, display: display,
        source=lambda: (text, 0),
        settings=settings,
        zone=lambda: UTC,
    )
    md = Markdown(extensions=[DataviewExtension(runner=runner), HighlightExtension(), TasksExtension(), "nl2br"])
    return md.convert(text)


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str) -> None:
    actual = render((GOLDEN / f"{name}.md").read_text(encoding="utf-8")) + "\n"
    expected = GOLDEN / f"{name}.html"
    if os.environ.get("UPDATE_GOLDEN") or not expected.exists():
        expected.write_text(actual, encoding="utf-8")
    assert actual == expected.read_text(encoding="utf-8")


def test_off_when_dataview_or_pretty_fields_is_off() -> None:
    text = "Owner:: Mira\n\nA [kind:: shelter].\n"
    for settings in (DataviewSettings(enabled=False), DataviewSettings(pretty_fields=False)):
        html = render(text, settings)
        assert "inline-field" not in html and "Owner:: Mira" in html and "[kind:: shelter]" in html


def test_the_date_format_is_the_sites() -> None:
    html = render("Bought:: 2024-03-05\n", DataviewSettings(date_format="yyyy-MM-dd"))
    assert '<span class="dataview inline-field-value">2024-03-05</span>' in html
    assert dt.date(2024, 3, 5)  # (the value is a date, shown in the format given)
