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


def test_the_tasks_page_and_previews_agree_with_the_note(tmp_path: Path) -> None:
    """A real build: a task's fields look the same on its note (and so in the note's hover preview,
    which shows the note's own page) and on the open-tasks page."""
    import re

    from ..conftest import build_site, site_config, write_vault

    docs = write_vault(tmp_path / "vault", {
        "Trip.md": "# Trip\n\n- [ ] call the ferry [owner:: [[Rope]]] (energy:: low) \U0001f4c5 2025-11-20\n",
        "Rope.md": "A rope.\n",
    })
    result = build_site(site_config(tmp_path, docs), tmp_path / "site", "--strict")
    assert result.returncode == 0, result.stderr
    note = (tmp_path / "site" / "trip" / "index.html").read_text(encoding="utf-8")
    tasks = (tmp_path / "site" / "tasks" / "index.html").read_text(encoding="utf-8")
    field = re.compile(r'<span class="dataview inline-field">.*?</span></span>')
    in_note, on_page = field.findall(note), field.findall(tasks)
    assert len(in_note) == 2 and in_note == on_page
    assert 'data-dv-key="owner"' in in_note[0] and 'href="../rope/"' in in_note[0]
    assert in_note[1] == (
        '<span class="dataview inline-field"><span class="dataview inline-field-standalone-value">low</span></span>'
    )
    assert "::" not in tasks.split('<table', 1)[1].split("</table>")[0]


def test_an_escaped_backtick_starts_no_inline_query() -> None:
    # The runner here has no query context: running a query would fail the test.
    html = render("A price of \\`= 1 + 1` is text, as in Obsidian.\n")
    assert "dataview-inline-query" not in html and "`= 1 + 1`" in html


def _search_text(html: str) -> str:
    """The text Material's search index keeps of `html` (its own parser, as the site's index is made)."""
    from material.plugins.search.plugin import Parser

    parser = Parser()
    parser.feed(html)
    parser.close()
    return " ".join("".join(section.text) for section in parser.data)


def test_search_and_screen_readers_read_the_key_apart_from_the_value() -> None:
    # Dataview's two spans sit side by side; with nothing between them the page's text is
    # "LocationKendal", one word to the search index, so a search for "Kendal" missed the note.
    from mkdocs_vault.pages.inline import with_field_spans

    html = render("Location:: Kendal\n\nA stop [area:: coast] on the way.\n")
    assert "Location: Kendal" in _search_text(html)
    assert "area: coast" in _search_text(html)
    listed = with_field_spans("Call the depot [owner:: Ada]", lambda text: text)
    assert "owner: Ada" in _search_text(f"<p>{listed}</p>")


def test_a_field_inside_a_wikilink_is_left_to_the_link() -> None:
    # The link names a heading holding a field; rendering the field there split the link into text.
    html = render("See [[Trips#Trip (kind:: road)]] and (kind:: rail).\n")
    assert "[[Trips#Trip (kind:: road)]]" in html  # left whole, for the links extension
    assert html.count("inline-field-standalone-value") == 1  # the field outside the link still shows
    html = render("Owner: [who:: [[Ada Quill]]] and ![[Map (kind:: road).png]]\n")
    assert 'data-dv-key="who"' in html and "![[Map (kind:: road).png]]" in html
