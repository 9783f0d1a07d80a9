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
