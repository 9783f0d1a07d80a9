"""The sample vault's site in a real Chromium: search, hover previews, panels, graphs, sorting, no
console errors, and screenshots of a project, a person and the timeline (tests/artifacts/)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest

pytestmark = pytest.mark.browser

PERSON = "people/zo%C3%AB-marchetti/"
PROJECT = "projects/quarry-lane-data-warehouse/"


def assert_clean(page) -> None:
    assert page.console.errors == []
    assert page.outside_requests == []


def test_search_finds_a_person_by_alias_and_opens_the_page(page, site_url: str) -> None:
    page.goto(site_url)
    page.click("label.md-search__icon, .md-search__input", timeout=5000)
    # Typed key by key: Material searches on keyboard events, not on a programmatic fill.
    page.locator("input.md-search__input").press_sequentially("ZM", delay=60)
    result = page.locator(".md-search-result__item a", has_text="Zoë Marchetti").first
    result.wait_for(timeout=10000)
    result.click()
    page.wait_for_url("**/people/**", timeout=10000)
    assert unquote(page.url).split("?")[0].endswith("/people/zoë-marchetti/")  # ?h= highlights the hit
    assert page.locator("article h1").first.inner_text().rstrip("¶") == "Zoë Marchetti"
    assert_clean(page)


def test_search_finds_a_project_by_its_status(page, site_url: str) -> None:
    page.goto(site_url)
    page.click("label.md-search__icon, .md-search__input", timeout=5000)
    page.locator("input.md-search__input").press_sequentially("blocked", delay=60)
    page.locator(".md-search-result__item", has_text="Quarry Lane Data Warehouse").first.wait_for(
        timeout=10000
    )
    assert_clean(page)


def test_hover_preview_shows_the_linked_note(page, site_url: str) -> None:
    page.goto(site_url + PERSON)
    link = page.locator(".vault-properties a.vault-link", has_text="Oakhaven Discovery Sprint").first
    link.hover()
    preview = page.locator(".vault-preview")
    preview.wait_for(state="visible", timeout=5000)
    assert "Oakhaven Discovery Sprint" in preview.locator("h1").inner_text()
    assert preview.locator(".vault-properties").count() == 1
    page.mouse.move(5, 5)
    preview.wait_for(state="detached", timeout=5000)
    assert_clean(page)


def test_person_page_panels(page, site_url: str, artifacts: Path) -> None:
    page.goto(site_url + PERSON)
    crumbs = page.locator("nav.vault-path").inner_text()
    assert "People" in crumbs
    props = page.locator(".vault-properties")
    assert "Managing Partner" in props.inner_text()
    assert props.locator(".vault-chip", has_text="ZM").count() == 1
    timeline = page.locator("section.vault-timeline")
    assert "Last contact: November 12, 2026" in timeline.inner_text()
    assert timeline.locator("li", has_text="1:1 Zoë and Siobhan").count() == 1
    mentions = page.locator("section.vault-backlinks")
    assert mentions.locator("li.vault-mention", has_text="Weekly delivery sync").count() == 1
    assert mentions.locator("h3.vault-group", has_text="meeting").count() == 1
    page.locator(".vault-graph--local").scroll_into_view_if_needed()  # drawn when it comes into view
    graph = page.locator(".vault-graph--local.vault-graph--ready canvas")
    graph.first.wait_for(timeout=10000)
    page.wait_for_timeout(1500)  # let the layout settle before the screenshot
    page.screenshot(path=str(artifacts / "person.png"), full_page=True)
    assert_clean(page)


def test_project_page_panels(page, site_url: str, artifacts: Path) -> None:
    page.goto(site_url + PROJECT)
    props = page.locator(".vault-properties").inner_text()
    assert "blocked" in props and "Kwame Asante-Boateng" in props
    assert page.locator(".vault-properties a.vault-tag", has_text="#status/blocked").count() == 1
    mentions = page.locator("section.vault-backlinks")
    assert mentions.locator("li.vault-mention", has_text="Quarry Lane blocker review").count() == 1
    assert mentions.locator("mark").count() > 0  # the link to this project, marked in its context line
    page.locator(".vault-graph--local").scroll_into_view_if_needed()  # drawn when it comes into view
    page.locator(".vault-graph--local.vault-graph--ready canvas").first.wait_for(timeout=10000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(artifacts / "project.png"), full_page=True)
    assert_clean(page)


def test_timeline_page(page, site_url: str, artifacts: Path) -> None:
    page.goto(site_url + "timeline/")
    months = page.locator("h2.vault-month").all_inner_texts()
    assert months[:2] == ["November 2026", "October 2026"]
    assert months[-1] == "November 2025"
    page.screenshot(path=str(artifacts / "timeline.png"), full_page=True)
    assert_clean(page)


def test_global_graph_renders(page, site_url: str, artifacts: Path) -> None:
    page.goto(site_url + "graph/")
    graph = page.locator(".vault-graph--global.vault-graph--ready")
    graph.wait_for(timeout=10000)
    assert int(graph.get_attribute("data-vault-nodes") or 0) > 40
    canvas = graph.locator("canvas").first
    box = canvas.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 300
    page.wait_for_timeout(2500)
    # Something was drawn: the canvas is not a single colour.
    colours = page.evaluate(
        """(c) => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   const seen = new Set(); for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i]+','+d[i+1]+','+d[i+2]+','+d[i+3]);
                   return seen.size; }""",
        canvas.element_handle(),
    )
    assert colours > 3
    page.screenshot(path=str(artifacts / "graph.png"), full_page=True)
    assert_clean(page)


def test_directory_table_sorts(page, site_url: str) -> None:
    page.goto(site_url + "directory/projects/")
    first_names = lambda: page.locator("table.vault-directory tbody tr td:first-child").all_inner_texts()
    before = first_names()
    assert before == sorted(before, key=str.casefold)
    page.locator("table.vault-directory th", has_text="Status").click()
    statuses = page.locator("table.vault-directory tbody tr td:nth-child(2)").all_inner_texts()
    assert statuses == sorted(statuses)
    page.locator("table.vault-directory th", has_text="Status").click()
    statuses = page.locator("table.vault-directory tbody tr td:nth-child(2)").all_inner_texts()
    assert statuses == sorted(statuses, reverse=True)
    assert_clean(page)


def test_tasks_and_tags_pages(page, site_url: str) -> None:
    page.goto(site_url + "tasks/")
    assert page.locator(".vault-overdue").count() > 1
    page.goto(site_url + "tags/")
    page.locator("ul.vault-tag-tree a", has_text="#status").first.click()
    page.wait_for_url("**/tags/status/", timeout=5000)
    assert page.locator("ul.vault-tag-notes li", has_text="Quarry Lane Data Warehouse").count() == 1
    assert_clean(page)


def test_base_page_tabs_sort_and_cards(page, site_url: str, artifacts: Path) -> None:
    page.goto(site_url + "reference/projects-and-people/")
    labels = page.locator(".vault-base .tabbed-labels label").all_inner_texts()
    assert [" ".join(label.split()) for label in labels] == ["Projects by status 7", "People 14"]
    groups = page.locator(".vault-base h4.vault-base-group").all_inner_texts()
    assert groups == ["active", "blocked", "done", "paused"]
    first = page.locator("table.vault-base-table").first
    assert first.is_visible()
    due = lambda: first.locator("tbody tr td:nth-child(4)").all_inner_texts()
    assert due() == sorted(due())  # the view's own sort: due ascending
    first.locator("th", has_text="Days left").click()
    first.locator("th", has_text="Days left").click()  # descending
    days = [int(d) for d in first.locator("tbody tr td:nth-child(5)").all_inner_texts()]
    assert days == sorted(days, reverse=True)
    page.screenshot(path=str(artifacts / "base-table.png"), full_page=True)
    page.locator(".vault-base .tabbed-labels label", has_text="People").click()
    cards = page.locator(".vault-base-card")
    cards.first.wait_for(state="visible", timeout=5000)
    assert cards.count() == 14
    assert page.locator(".vault-base-card-title").first.inner_text() == "Anselm Krüger"
    page.screenshot(path=str(artifacts / "base-cards.png"), full_page=True)
    assert_clean(page)
