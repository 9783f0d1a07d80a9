"""Query shapes users write whose results depend on details of Dataview's engine (issue 17).

Each test names where the expected behaviour comes from: Dataview's source (blacksmithgu/obsidian-dataview,
read with the search tool), its documentation, or an issue in its tracker. The vault is fictional.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from mkdocs_vault.dataview.batch import load_pages
from mkdocs_vault.dataview.engine import QueryContext, run_query, to_expect
from mkdocs_vault.dataview.values import UTC

NOW = dt.datetime(2025, 11, 1, tzinfo=UTC)

NOTES = {
    "Kit/Lantern.md": "---\nField: A\nkind: tool\nscore: 2\n---\nA lantern.\n",
    "Kit/Rope.md": "---\nField: B\nkind: tool\nscore: 4\n---\nA rope.\n",
    "Kit/Tarp.md": "---\nkind: shelter\n---\nNo score here.\n",
    "Kit/Tent.md": "---\nkind: shelter\n---\nNor here.\n",
    "Words/nue.md": "A note whose name ends a word.\n",
    "Chores/Garden.md": "# Garden\n- [ ] Weed the beds \U0001f4c5 2025-11-20\n- [x] Rake leaves \U0001f4c5 2025-10-02\n",
    "Log/Camp.md": (
        "---\nkind: trip\n---\n"
        "See ![[Map.png]] and [[Ridge]] then ![[Ridge#View]] and [[Trail]].\n"
        "\n"
        "- gear ![[Tent]] and [[Rope]]\n"
        "    - [ ] pack the stove ^stove\n"
        "- \U0001f3d5\ufe0f camp by [[Trail]]\n"
        "\n"
        "* another list\n"
        "\nA quote:\n> - a quoted item\n"
    ),
    "Log/Ridge walk.md": "---\nkind: walk\n---\nWalked the ridge.\n\ndate:: 2024-03-05\n",
    "Log/Summit.md": "---\ndate: not yet\n---\n- date:: 2024-06-01\n- [ ] climb [date:: 2024-07-01]\n",
    "Log/Packing.md": "- [ ] tent [date:: 2024-07-01]\n",
    "Tools/Grep.md": (
        "Language:: `C`\n"
        "Run it as [usage:: `grep -rn`] (alias:: `g`) or [note:: plain] %%aside%%\n"
        "- [ ] alias it [shortcut:: `gr`]\n"
    ),
    "Misc/Escapes.md": "Type \\` to quote a tick, then see [[Rope]] and `[[Tarp]]` in code.\n",
    "Chores/House.md": "# House\n- [ ] Fix the gate \U0001f4c5 2025-11-05\n- [ ] Paint the shed\n",
}


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> QueryContext:
    root = tmp_path_factory.mktemp("behaviours")
    for rel, text in NOTES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return QueryContext(load_pages(root, UTC), NOW, UTC)


def run(context: QueryContext, query: str, origin: str = "Kit/Lantern.md") -> dict[str, Any]:
    return to_expect(run_query(query, origin, context))


# --- 7. a lambda whose body indexes an object literal with its parameter ------------------------------
# The query of Dataview issue #971 (fixed in 0.5.2); Dataview's docs: `a[expr]` retrieves "field with
# name specified by expression 'expr'".
def test_lambda_indexes_object_literal_with_its_parameter(context: QueryContext) -> None:
    result = run(
        context,
        'TABLE WITHOUT ID file.name AS "Name", ((x) => { A: 1, B: 2 }[x])(Field) AS "Processed"\n'
        'FROM "Kit" WHERE Field SORT Field ASC',
    )
    assert result["rows"] == [["Lantern", 1], ["Rope", 2]]
    # A bare name in brackets outside a lambda still reads the key it spells, as Dataview does.
    assert run(context, '={ A: 1, x: 2 }[x]')["value"] == 2
    assert run(context, '=map(["EN", "DE"], (code) => {EN: "English", DE: "German"}[code])')["value"] == [
        "English",
        "German",
    ]


# --- 9. average() of nulls ------------------------------------------------------------------------------
# Dataview's functions.ts: `average` returns null when the sum is null (a list of nulls sums to null).
def test_average_of_missing_fields_is_null(context: QueryContext) -> None:
    result = run(context, 'TABLE average(rows.score) AS mean FROM "Kit" GROUP BY kind')
    assert result["rows"] == [["shelter", None], ["tool", 3]]
    assert run(context, "=average([null, null])")["value"] is None
    assert run(context, "=average([2, 4])")["value"] == 3


# --- 10. hash() is cyrb53 -------------------------------------------------------------------------------
# Dataview's util/hash.ts is bryc's cyrb53; functions.ts: hash(seed, variant) = cyrb53(seed, variant),
# hash(seed, text) = cyrb53(seed + text), hash(seed, text, variant) = cyrb53(seed + text, variant).
# Expected numbers are the reference vectors published with cyrb53 ("revenue" = 8309097637345594, ...).
def test_hash_is_dataviews_cyrb53(context: QueryContext) -> None:
    assert run(context, '=hash("reve", [[nue]].file.name)')["value"] == 8309097637345594
    assert run(context, '=hash("revenue", 1)')["value"] == 8697026808958300
    assert run(context, '=hash("reve", "nue", 3)')["value"] == 4747903550515895
    assert run(context, '=hash("a", 0)')["value"] == 7929297801672961
    assert run(context, '=hash("", 0)')["value"] == 3338908027751811
    assert run(context, '=hash("a")')["type"] == "error"  # no one-argument variant in Dataview
    # The shape users write to shuffle a list stably: sort by the hash of a seed and the name.
    result = run(context, 'LIST FROM "Words" OR "Kit" SORT hash("reve", file.name) DESC LIMIT 1')
    assert result["items"][0]["link"] == "Words/nue.md"


# --- 5. GROUP BY x, then FLATTEN x ------------------------------------------------------------------------
# Dataview's engine.ts: a FLATTEN of the innermost group's name sets the id meaning back to the one
# before the grouping, so executeTable heads the id column with `tableIdColumnName` ("File").
def test_flatten_of_the_group_name_ungroups_the_header(context: QueryContext) -> None:
    result = run(context, 'TABLE length(rows) AS items FROM "Kit" GROUP BY kind FLATTEN kind')
    assert result["headers"] == ["File", "items"]
    assert result["rows"] == [["shelter", 2], ["tool", 2]]  # the ids are still the group keys
    other = run(context, 'TABLE length(rows) AS items FROM "Kit" GROUP BY kind FLATTEN rows.score AS s')
    assert other["headers"] == ["kind", "items"]  # flattening another name keeps the group's header


# --- 6. TASK ... GROUP BY, then WHERE / SORT on rows ------------------------------------------------------
# Dataview's executeTask runs the operations over task objects (copies of the task with the page's
# fields added), so after GROUP BY `rows.completed`, `rows.due` ... are the tasks' values.
def test_task_groups_expose_rows_to_where_and_sort(context: QueryContext) -> None:
    result = run(context, 'TASK FROM "Chores" GROUP BY file.link WHERE any(rows.completed)')
    assert [g["key"]["link"] for g in result["groups"]] == ["Chores/Garden.md"]
    result = run(context, 'TASK FROM "Chores" WHERE !completed GROUP BY file.link SORT min(rows.due) ASC')
    assert [g["key"]["link"] for g in result["groups"]] == ["Chores/House.md", "Chores/Garden.md"]
    assert [t["text"] for t in result["groups"][0]["tasks"]] == ["Fix the gate \U0001f4c5 2025-11-05", "Paint the shed"]


# --- 2. file.outlinks: links, then embeds ----------------------------------------------------------------
# Dataview's markdown-file.ts pushes Obsidian's frontmatterLinks, then metadata.links, then
# metadata.embeds; an item's links are gathered line by line, each line's links before its embeds.
def test_outlinks_list_links_before_embeds(context: QueryContext) -> None:
    result = run(context, 'TABLE WITHOUT ID file.outlinks AS out FROM "Log/Camp"')
    out = result["rows"][0][0]
    assert [(lk["link"], lk["subpath"], lk["embed"]) for lk in out] == [
        ("Ridge", None, False),
        ("Trail", None, False),
        ("Kit/Rope.md", None, False),
        ("Trail", None, False),
        ("Map.png", None, True),
        ("Ridge", "View", True),
        ("Kit/Tent.md", None, True),
    ]
    items = run(context, "=this.file.lists[0].outlinks", "Log/Camp.md")["value"]
    assert [lk["link"] for lk in items] == ["Kit/Rope.md", "Kit/Tent.md"]


# --- 4. file.day from an inline date field ------------------------------------------------------------------
# Dataview's findDate reads the fields (frontmatter, then inline ones) for a `date` or `day` key whose
# first value is a date, before it falls back to a date in the file name; fields on tasks do not count.
def test_file_day_comes_from_an_inline_date_field(context: QueryContext) -> None:
    result = run(context, 'TABLE WITHOUT ID file.name, file.day FROM "Log" WHERE file.day SORT file.day')
    assert result["rows"] == [["Ridge walk", {"date": "2024-03-05T00:00:00.000Z"}]]
    # `date: not yet` in the frontmatter is the key's first value, so the list item's date:: never counts.
    assert run(context, "=[[Summit]].file.day")["value"] is None
    assert run(context, "=[[Packing]].file.day")["value"] is None  # a task's field is the task's


# --- 8. page objects as Dataview serialises them --------------------------------------------------------------
# Dataview's data-model/markdown.ts: `file.day` is set only when there is one; a list item has `parent`
# and `blockId` only when present, `real` is whether it is a task, `section` is the file's link when no
# heading is above it, `position` is Obsidian's (0-based, UTF-16 columns and offsets, start at the marker)
# and `list` the first line of its list block (-1 when none, as inside a quote).
def test_page_objects_omit_what_dataview_omits(context: QueryContext) -> None:
    assert run(context, '=contains([[Ridge walk]].file, "day")')["value"] is True
    assert run(context, '=contains([[Summit]].file, "day")')["value"] is False
    lists = run(context, "=this.file.lists", "Log/Camp.md")["value"]
    items = [x["object"] for x in lists]
    assert [x["line"] for x in items] == [5, 6, 7, 9, 12]
    assert [x["list"] for x in items] == [5, 5, 5, 9, -1]
    assert [x["real"] for x in items] == [False, True, False, False, False]
    assert ["parent" in x for x in items] == [False, True, False, False, False]
    assert items[1]["parent"] == 5
    assert [x.get("blockId") for x in items] == [None, "stove", None, None, None]
    assert "blockId" not in items[0]
    assert items[0]["section"] == {"link": "Log/Camp.md", "subpath": None, "display": None, "embed": False}
    lines = NOTES["Log/Camp.md"].split("\n")
    start_of = [sum(len(x) + 1 for x in lines[:n]) for n in range(len(lines))]  # lines 0-6 are ASCII
    stove = items[1]["position"]["object"]
    assert stove["start"]["object"] == {"line": 6, "col": 4, "offset": start_of[6] + 4}
    end = "    - [ ] pack the stove ^stove"
    assert stove["end"]["object"] == {"line": 6, "col": len(end), "offset": start_of[6] + len(end)}
    camp = items[2]["position"]["object"]["end"]["object"]
    # "- " + U+1F3D5 (two UTF-16 units) + U+FE0F + " camp by [[Trail]]"
    assert camp == {"line": 7, "col": 2 + 2 + 1 + 18, "offset": start_of[7] + 23}


# --- 3. an inline field whose value is a code span ------------------------------------------------------
# Dataview's importer reads fields from the raw line and parseInlineValue keeps text it cannot parse as
# the string written, so `Language:: \`C\`` is the string "`C`" (which a table renders as code).
def test_code_span_values_are_kept(context: QueryContext) -> None:
    result = run(context, 'TABLE WITHOUT ID language, usage, alias, note FROM "Tools"')
    assert result["rows"] == [["`C`", "`grep -rn`", "`g`", "plain"]]
    tasks = run(context, 'TASK FROM "Tools" WHERE shortcut = "`gr`"')
    assert [t["text"] for t in tasks["tasks"]] == ["alias it [shortcut:: `gr`]"]


# --- 1. a backslash-escaped backtick opens no code span -------------------------------------------------
# CommonMark (and so Obsidian's metadata cache, which Dataview reads): `\`` is a literal backtick, so the
# link after it is a real link, in file.outlinks, while the one inside the real code span is not.
def test_links_after_an_escaped_backtick_count(context: QueryContext) -> None:
    out = run(context, "=this.file.outlinks", "Misc/Escapes.md")["value"]
    assert [lk["link"] for lk in out] == ["Kit/Rope.md"]
