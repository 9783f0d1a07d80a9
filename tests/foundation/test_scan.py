"""The body scanner finds what Obsidian's cache and Dataview's importer find, on the right lines."""

from __future__ import annotations

import itertools
from pathlib import Path

from mkdocs_vault.diagnostics import Diagnostics
from mkdocs_vault.vault import scan
from mkdocs_vault.vault.loader import parse_note
from mkdocs_vault.vault.scan import scan_body

FM = "---\ntitle: T\n---\n"  # body starts on file line 3
ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpora"


def note(body: str):
    return parse_note("N.md", FM + body, Diagnostics())


def test_inline_fields_in_all_three_forms() -> None:
    n = note("Status:: active\n**Owner**:: Ada\nText [rating:: 4] and (mood:: calm) here.\n")
    got = [(f.key, f.value, f.line, f.wrapped) for f in n.fields]
    assert got == [
        ("Status", "active", 3, None),
        ("Owner", "Ada", 4, None),
        ("rating", "4", 5, "["),
        ("mood", "calm", 5, "("),
    ]


def test_field_values_keep_links_and_nested_brackets() -> None:
    n = note("[owner:: [[Ada Lovelace]]] and [due:: 2025-10-06]\n")
    assert [(f.key, f.value) for f in n.fields] == [("owner", "[[Ada Lovelace]]"), ("due", "2025-10-06")]


def test_not_a_field() -> None:
    n = note("A URL https://example.com::x is odd\n:: no key\n")
    assert [f.key for f in n.fields] == []


def test_tasks_with_emoji_and_field_dates_and_nesting() -> None:
    n = note(
        "## Next steps\n"
        "- [ ] Ship it 📅 2025-10-20 ⏳ 2025-10-18 🛫 2025-10-01 ➕ 2025-09-30\n"
        "\t- [x] Sub done ✅ 2025-10-15\n"
        "\t- plain child (note:: x)\n"
        "- [/] Half [due:: 2025-11-05] #milestone\n"
        "- [>] Deferred\n"
        "- [-] Cancelled\n"
        "1. [ ] numbered task\n"
    )
    items = {i.line: i for i in n.list_items}
    top = items[4]
    assert top.status == " " and top.section == "Next steps" and top.parent is None
    assert top.dates == {"due": "2025-10-20", "scheduled": "2025-10-18", "start": "2025-10-01", "created": "2025-09-30"}
    assert top.children == [5, 6]
    assert items[5].status == "x" and items[5].parent == 4 and items[5].dates == {"completion": "2025-10-15"}
    assert items[6].status is None and items[6].fields == {"note": ["x"]}
    assert items[7].status == "/" and items[7].dates == {"due": "2025-11-05"} and items[7].tags == ["#milestone"]
    assert [items[l].status for l in (8, 9, 10)] == [">", "-", " "]
    assert items[10].symbol == "1."
    # fields on tasks belong to the task, fields on plain items to the page too
    by_key = {f.key: f for f in n.fields}
    assert by_key["due"].on_task and not by_key["note"].on_task


def test_continuation_lines_join_the_item() -> None:
    n = note("- [ ] first line\n  second line\n- next\n")
    assert n.list_items[0].text == "first line\nsecond line" and n.list_items[0].line_count == 2


def test_code_comments_and_math_hide_metadata() -> None:
    n = note(
        "Inline `[[Not A Link]] #nottag [k:: v]` code.\n"
        "```\n[[Fenced]] #fenced\nkey:: v\n```\n"
        "%% hidden [[Secret]] %% visible [[Shown]]\n"
        "%%\nmulti [[Hidden Too]]\n%%\n"
        "$$\n[[Math]]\n$$\n"
        "~~~python\n- [ ] not a task\n~~~\n"
    )
    assert [l.target for l in n.links] == ["Shown"]
    assert n.etags == [] and n.fields == [] and n.list_items == []


def test_headings_block_ids_and_tags() -> None:
    n = note("# Title\n## Q&A: what's in scope? 🚀\nA paragraph. ^para-id\n- item ^item-id\n\n| a |\n|---|\n| b |\n\n#tag/x and #123 not, #a-b_c yes\n")
    assert [(h.level, h.text, h.line) for h in n.headings] == [(1, "Title", 3), (2, "Q&A: what's in scope? 🚀", 4)]
    assert [(b.id, b.kind) for b in n.block_ids] == [("para-id", "paragraph"), ("item-id", "list")]
    assert n.etags == ["#tag/x", "#a-b_c"]


def test_link_forms() -> None:
    n = note(
        "[[Note]] [[Note|shown]] [[Note#Head]] [[Note#Head#Sub]] [[#Local]] [[Note#^blk]] [[f/Note]] [[Note.md]]\n"
        "![[img.png|300]] [t](Note%20Name.md) [t](<Note Name.md>) [t](../up/x.md#frag) [ext](https://x.org) [a](#top)\n"
        "| [[Table Note\\|alias]] |\n"
    )
    got = [(l.target, l.subpath, l.display, l.embed, l.markdown) for l in n.links]
    assert got == [
        ("Note", None, None, False, False),
        ("Note", None, "shown", False, False),
        ("Note", "Head", None, False, False),
        ("Note", "Head#Sub", None, False, False),
        ("", "Local", None, False, False),
        ("Note", "^blk", None, False, False),
        ("f/Note", None, None, False, False),
        ("Note.md", None, None, False, False),
        ("img.png", None, "300", True, False),
        ("Note Name.md", None, "t", False, True),
        ("Note Name.md", None, "t", False, True),
        ("../up/x.md", "frag", "t", False, True),
        ("Table Note", None, "alias", False, False),
    ]
    assert {l.line for l in n.links} == {3, 4, 5}


def test_line_numbers_are_file_lines() -> None:
    scan = scan_body("a\n[[X]]\n", first_line=10)
    assert scan.links[0].line == 11


def test_block_id_on_its_own_line_names_the_block_before() -> None:
    n = note("| a |\n|---|\n| b |\n\n^tbl\n\n- x\n- y\n\n^lst\n\n> quote\n\n^q\n")
    assert [(b.id, b.kind) for b in n.block_ids] == [("tbl", "table"), ("lst", "list"), ("q", "quote")]


def _fixture_lines() -> list[str]:
    """Every line of the shared corpora, the sample vault and the tests' own Markdown files."""
    lines: list[str] = []
    for base in (CORPORA, ROOT / "vault", ROOT / "tests"):
        for path in sorted(base.rglob("*.md")) if base.exists() else ():
            lines.extend(path.read_text(encoding="utf-8", errors="replace").split("\n"))
    return lines


def test_the_one_match_closing_bracket_agrees_with_the_bracket_walk() -> None:
    """`_PLAIN_VALUE` (the shortcut of `_closing_index`) finds the bracket `_find_closing` finds, from
    every position of every fixture line and of every string of up to six brackets, backslashes and
    letters; where it finds none, `_find_closing` decides anyway."""
    short = ["".join(chars) for n in range(7) for chars in itertools.product("[]()\\a", repeat=n)]
    matched = 0
    for text in _fixture_lines() + short:
        for open_, close in scan._WRAPPERS.items():
            if open_ not in text and close not in text:
                continue
            for start in range(len(text) + 1):
                m = scan._PLAIN_VALUE[open_].match(text, start)
                if m is not None:
                    matched += 1
                    closing = scan._find_closing(text, start, open_, close)
                    assert closing is not None and closing[1] == m.end(), (text, start)
    assert matched > 10_000


def test_the_shortcut_for_lines_without_embeds_finds_what_the_match_walk_finds() -> None:
    """`find_links` of a line with no Markdown link is `_wikilinks`, whose match walk it leaves out
    for lines with no embed."""
    lines = _fixture_lines() + ["[[a]]![ [[b]]", "! [[a]] [[b|c]]", "[[a]]!", "x![[a#b|c]] [[#d]]", "!![[]]"]
    without_embeds = 0
    for text in lines:
        if "[[" in text and "](" not in text:
            without_embeds += "![[" not in text
            assert scan.find_links(text, 7) == scan._wikilinks(text, 7), text
    assert without_embeds > 500


def test_a_fence_in_a_callout_closes_without_a_space_after_the_quote_marker() -> None:
    # `>```` is how Obsidian's editor often leaves a fence it closed inside a callout.
    body = "> [!example]- Query\n> ```js\n> [[Inside code]]\n>```\n\n![[Attachments/after.png]]\n"
    assert [(link.target, link.line) for link in scan_body(body).links] == [("Attachments/after.png", 5)]


def test_a_fence_in_a_quote_ends_with_the_quote() -> None:
    # CommonMark: the quote ends at the first line without `>`, and the unclosed fence with it.
    body = "> ```\n> [[Inside code]]\n\nAfter the quote [[Outside]] ^after\n"
    scan = scan_body(body)
    assert [(link.target, link.line) for link in scan.links] == [("Outside", 3)]
    assert [b.id for b in scan.block_ids] == ["after"]
    # A fence outside any quote still runs on past quoted lines.
    assert scan_body("```\n> [[Quoted code]]\n```\n").links == []


def test_backticks_inside_a_wikilink_are_part_of_its_target() -> None:
    body = "See [[Filters#`wikilink`|wikilink]] and [[#`move`|move]], but `[[Not a link]]` is code.\n"
    links = scan_body(body).links
    assert [(link.target, link.subpath, link.display) for link in links] == [
        ("Filters", "`wikilink`", "wikilink"),
        ("", "`move`", "move"),
    ]


def test_list_items_nest_by_content_column_as_the_page_shows_them() -> None:
    def parents(body: str) -> list[tuple[int, int | None]]:
        return [(item.line, item.parent) for item in scan_body(body).list_items]

    assert parents("- a\n - b\n") == [(0, None), (1, None)]  # one space: siblings
    assert parents("1. a\n   - b\n") == [(0, None), (1, 0)]  # under `1. `'s text: nested
    assert parents("1. a\n  - b\n") == [(0, None), (1, None)]  # short of it: a new list
    assert parents("1. a\n\t- b\n") == [(0, None), (1, 0)]  # a tab reaches column four
    assert parents("- [ ] a\n  - [x] b\n    - c\n") == [(0, None), (1, 0), (2, 1)]


def test_only_a_list_that_may_interrupt_a_paragraph_starts_under_text() -> None:
    assert [i.text for i in scan_body("Attendees:\n- [[Ana]]\n- [ ]\n").list_items] == ["[[Ana]]", ""]
    assert scan_body("Steps so far:\n2. export\n").list_items == []  # `2.` cannot interrupt
    assert [i.text for i in scan_body("Steps:\n1. export\n2. archive\n").list_items] == ["export", "archive"]


def test_a_fence_in_a_list_item_ends_with_the_item() -> None:
    # CommonMark: the next item (or any line less indented than the item's text) ends the item, and
    # an unclosed fence in it with it.
    body = "- step one\n  ```sh\n  [[Inside code]]\n- step two [[After]]\n"
    scan = scan_body(body)
    assert [(link.target, link.line) for link in scan.links] == [("After", 3)]
    assert [(item.line, item.text) for item in scan.list_items] == [(0, "step one"), (3, "step two [[After]]")]
    # At the item's indentation the code goes on; a fence outside any item ignores indentation.
    assert scan_body("- a\n  ```\n  [[Code]]\n\n  ```\n[[Out]]\n").links[0].target == "Out"
    assert scan_body("```\n[[Code]]\n- [[Code too]]\n```\n").links == []
