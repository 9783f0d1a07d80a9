"""Golden files for the result renderer: each `golden/NAME.dql` beside its expected `NAME.html`.

A `.dql` file starts with `origin: PATH`, a blank line, then the query. The vault is `golden/vault`
and the clock is fixed at 2025-11-01T00:00Z. Set UPDATE_GOLDEN=1 to rewrite the expected files (then
review the diff by hand before committing).
"""

from __future__ import annotations

import datetime as dt
import os
from html import escape
from pathlib import Path

import pytest
from mkdocs_vault.dataview.batch import load_pages
from mkdocs_vault.dataview.engine import QueryContext, run_query
from mkdocs_vault.dataview.markup import MarkdownText
from mkdocs_vault.dataview.render import render_result, render_unsupported
from mkdocs_vault.dataview.values import DEFAULT_DATE_FORMAT, DEFAULT_DATETIME_FORMAT, UTC

GOLDEN = Path(__file__).with_name("golden")
NOW = dt.datetime(2025, 11, 1, tzinfo=UTC)
CASES = sorted(p.stem for p in GOLDEN.glob("*.dql"))
# String values as Dataview shows them: Markdown (inline fields in it too, as its reading view shows
# them), sanitized.
MARKUP = MarkdownText(fields=lambda: (DEFAULT_DATE_FORMAT, DEFAULT_DATETIME_FORMAT, UTC))


def link_html(path: str, subpath: str | None, display: str) -> str:
    href = "/" + path + (f"#{subpath}" if subpath else "")
    return f'<a class="vault-link" href="{escape(href)}">{escape(display)}</a>'


@pytest.fixture(scope="module")
def pages():
    return load_pages(GOLDEN / "vault", UTC, skip_templates=True)


def render_case(pages, name: str) -> str:
    header, _, query = (GOLDEN / f"{name}.dql").read_text(encoding="utf-8").partition("\n\n")
    origin = header.removeprefix("origin:").strip()
    result = run_query(query.strip("\n"), origin, QueryContext(pages, NOW, UTC))
    html = render_result(result, link_html, lambda t: pages.builder.resolve_path(t, origin), markup=MARKUP)
    # One element per line keeps the golden files reviewable.
    return html.replace("><", ">\n<") + "\n"


@pytest.mark.parametrize("name", CASES)
def test_golden(pages, name: str) -> None:
    actual = render_case(pages, name)
    expected_path = GOLDEN / f"{name}.html"
    if os.environ.get("UPDATE_GOLDEN") or not expected_path.exists():
        expected_path.write_text(actual, encoding="utf-8")
    assert actual == expected_path.read_text(encoding="utf-8")


def test_as_of_line(pages) -> None:
    result = run_query('LIST FROM "Daily"', "Home.md", QueryContext(pages, NOW, UTC))
    html = render_result(result, link_html, as_of=dt.date(2025, 11, 1))
    assert html.endswith('<p class="dataview dataview-as-of">as of November 01, 2025</p>')


def test_unsupported_notice() -> None:
    assert "not run on this site" in render_unsupported("dataviewjs")


def test_text_rendering_for_the_cli(pages) -> None:
    from mkdocs_vault.dataview.render import render_text

    ctx = QueryContext(pages, NOW, UTC)
    table = render_text(run_query('TABLE status, budget FROM "Projects" SORT file.name', "Home.md", ctx))
    assert table.splitlines() == [
        "File\tstatus\tbudget",
        "Projects/Harbor Lights.md\tactive\t42000",
        "Projects/Willow Survey.md\tpaused\t8500",
        "(2 rows)",
    ]
    tasks = render_text(run_query('TASK FROM "Projects/Harbor Lights"', "Home.md", ctx))
    assert tasks.splitlines()[:2] == [
        "- [ ] Order lamp posts 📅 2025-11-10  (Projects/Harbor Lights.md:14)",
        "  - [x] Get three quotes ✅ 2025-10-20",
    ]
    assert render_text(run_query("LIST WHERE", "Home.md", ctx)).startswith("error: Expected")


@pytest.mark.parametrize("name", CASES)
def test_utf8_rendering_is_the_same_html(pages, name: str) -> None:
    """`render_result(..., utf8=True)` (a long shared result, kept until written) is its HTML as UTF-8,
    for every golden case, with the "as of" line too."""
    header, _, query = (GOLDEN / f"{name}.dql").read_text(encoding="utf-8").partition("\n\n")
    origin = header.removeprefix("origin:").strip()
    result = run_query(query.strip("\n"), origin, QueryContext(pages, NOW, UTC))
    args = (result, link_html, lambda t: pages.builder.resolve_path(t, origin))
    for as_of in (None, dt.date(2025, 11, 1)):
        made = render_result(*args, as_of=as_of, markup=MARKUP, utf8=True)
        assert made == render_result(*args, as_of=as_of, markup=MARKUP).encode("utf-8")


def test_a_long_result_is_never_one_string_when_rendered_as_utf8() -> None:
    """A long table, list or task list rendered as UTF-8 is made a few hundred rows at a time: the
    render never holds the whole as a string (with one 📅 that takes four bytes a character, and the
    rows' list beside it: at 50,000 notes a shared task list rendered to over 200 MB)."""
    import sys
    import tracemalloc

    from mkdocs_vault.dataview.engine import Result

    tasks = [
        {"task": True, "status": " ", "text": f"Call the supplier number {n} 📅 2026-11-20", "path": f"Projects/P{n}.md"}
        for n in range(3000)
    ]
    results = [
        Result("task", tasks=tasks),
        Result("table", headers=["Task"], rows=[[t["text"]] for t in tasks]),
        Result("list", items=[t["text"] for t in tasks], show_id=False),
    ]
    for result in results:
        whole = render_result(result, link_html)
        tracemalloc.start()
        made = render_result(result, link_html, utf8=True)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert made == whole.encode("utf-8")
        assert peak < sys.getsizeof(whole)
