"""Long generated listings shown in part (pages/long_listing.py): the page keeps whole rows up to the
cut, with every element open there closed, and names the file holding the whole listing."""

from __future__ import annotations

import re

from mkdocs_vault.pages.long_listing import split_listing, whole_listing_uri

META = "---\nsearch:\n  exclude: true\n---\n\n"


def table_page(n: int) -> str:
    rows = "".join(
        f'<tr><td data-sort="{i}"><a href="../n{i}/">Note {i}</a><br>x</td></tr>' for i in range(n)
    )
    return (
        f'{META}<h1>Open tasks</h1>\n\n<p class="vault-lead">{n} tasks</p><div class="md-typeset__scrollwrap">'
        f'<div class="md-typeset__table"><table class="vault-sortable"><thead><tr><th>Task</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div></div>\n"
    )


def test_a_short_listing_is_left_whole() -> None:
    assert split_listing("tasks/index.md", table_page(20)) is None


def test_a_long_table_keeps_whole_rows_and_closes_what_is_open() -> None:
    markdown = table_page(3000)
    split = split_listing("tasks/index.md", markdown)
    assert split is not None
    assert split.whole == markdown.split("</h1>\n\n", 1)[1]
    assert split.page.startswith(META + "<h1>Open tasks</h1>\n\n")
    assert '<div class="vault-long" data-vault-whole="../assets/vault/listings/tasks.html">' in split.page
    shown = len(re.findall(r"<tr><td", split.page))
    assert 100 < shown < 3000
    assert f"Show all ({3000 - shown} more)" in split.page
    assert "</tr></tbody></table></div></div></div>\n" in split.page
    assert len(split.page) < 40_000
    assert "\n\n" not in split.page.split("</h1>\n\n", 1)[1]  # still one raw HTML block


def test_a_long_list_is_cut_after_an_item_of_the_list() -> None:
    months = "".join(
        f'<h2 id="m-{m}">Month {m}</h2><ol class="vault-timeline-list">'
        + "".join(
            f'<li><time>{m}-{d}</time> <a href="../n/">A note with a longish title {d}</a></li>'
            for d in range(30)
        )
        + "</ol>"
        for m in range(40)
    )
    markdown = f'{META}<h1>Timeline</h1>\n\n<div class="vault-page">{months}</div>\n'
    split = split_listing("timeline/index.md", markdown)
    assert split is not None
    first = split.page.split("</h1>\n\n", 1)[1]
    assert re.search(r"</li></ol></div></div>\n<p class=\"vault-long__more\">", first)
    assert first.count("<li>") + int(re.search(r"\((\d+) more\)", first).group(1)) == 40 * 30


def test_where_the_whole_listing_goes() -> None:
    assert whole_listing_uri("tasks/index.md") == "assets/vault/listings/tasks.html"
    assert whole_listing_uri("tags/type/meeting/index.md") == "assets/vault/listings/tags/type/meeting.html"
    assert whole_listing_uri("index.md") == "assets/vault/listings/home.html"
