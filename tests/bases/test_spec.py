"""Reading `.base` files: the help's example, every base of a real vault, and what goes wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs_vault.bases.expr import Call, ExprSyntaxError, Member, Name
from mkdocs_vault.bases.spec import BaseError, parse_base

from tests.conftest import SHARED

# The example of the help page "Bases syntax", over names of our own.
HELP_SHAPED = """\
filters:
  or:
    - file.hasTag("recipe")
    - and:
        - file.hasTag("drink")
        - file.hasLink("Pantry")
    - not:
        - file.hasTag("drink")
        - file.inFolder("Old Menus")
formulas:
  formatted_cost: 'if(cost, cost.toFixed(2) + " crowns")'
  per_serving: "(cost / servings).toFixed(2)"
properties:
  status:
    displayName: Status
  formula.formatted_cost:
    displayName: "Cost"
  file.ext:
    displayName: Extension
summaries:
  middling: 'values.filter(value.isType("number")).sort()[0]'
views:
  - type: table
    name: "Menu"
    limit: 10
    groupBy:
      property: note.servings
      direction: DESC
    filters:
      and:
        - 'status != "retired"'
        - or:
            - "formula.per_serving > 5"
            - "cost > 2.1"
    order:
      - file.name
      - file.ext
      - note.servings
      - formula.per_serving
      - formula.formatted_cost
    sort:
      - property: cost
        direction: DESC
    summaries:
      note.servings: Sum
  - type: cards
    name: Gallery
    image: note.photo
  - type: map
    name: Where
"""


def test_the_help_shaped_example_reads_whole():
    spec = parse_base(HELP_SHAPED)
    assert spec.problems == []
    assert spec.filters is not None and spec.filters.op == "or"
    assert [c.op for c in spec.filters.children] == ["expr", "and", "not"]
    assert spec.filters.children[0].tree == Call(Member(Name("file"), "hasTag"), (spec.filters.children[0].tree.args[0],))
    assert spec.filters.children[0].line == 3
    assert set(spec.formulas) == {"formatted_cost", "per_serving"}
    assert spec.formula_lines == {"formatted_cost": 11, "per_serving": 12}
    assert spec.display_names == {"note.status": "Status", "formula.formatted_cost": "Cost", "file.ext": "Extension"}
    assert list(spec.summaries) == ["middling"]
    menu, gallery, where = spec.views
    assert (menu.type, menu.name, menu.limit) == ("table", "Menu", 10)
    assert menu.group_by == ("note.servings", True)
    assert menu.order == ["file.name", "file.ext", "note.servings", "formula.per_serving", "formula.formatted_cost"]
    assert menu.sort == [("note.cost", True)]
    assert menu.summaries == {"note.servings": "Sum"}
    assert menu.filters is not None and [c.op for c in menu.filters.children] == ["expr", "or"]
    assert (gallery.type, gallery.image) == ("cards", "note.photo")
    assert where.type == "map"
    assert spec.view("Gallery") is gallery and spec.view(None) is menu and spec.view("Nope") is None


KEPANO_BASES = sorted((SHARED / "corpora" / "kepano-obsidian").rglob("*.base"))


@pytest.mark.parametrize("path", KEPANO_BASES, ids=[p.name for p in KEPANO_BASES])
def test_every_base_of_a_real_vault_reads_without_problems(path: Path):
    spec = parse_base(path.read_text(encoding="utf-8"))
    assert spec.problems == []
    assert spec.views
    for view in spec.views:
        assert view.type in ("table", "cards", "list", "map")


def test_the_real_vault_has_bases_to_read():
    assert len(KEPANO_BASES) >= 20


def test_yaml_that_cannot_be_read_names_its_line():
    with pytest.raises(BaseError) as caught:
        parse_base("views:\n  - type: table\n    name: [unclosed\n")
    assert caught.value.line == 4  # PyYAML notices at the end of the text
    with pytest.raises(BaseError) as caught:
        parse_base("- just\n- a list\n")
    assert caught.value.line == 1


def test_one_bad_formula_or_filter_is_a_problem_not_a_failure():
    spec = parse_base(
        "formulas:\n  good: price * 2\n  bad: 'price *'\nfilters:\n  and:\n    - 'file.hasTag(\"x\"'\n    - status == 1\n"
    )
    assert [(p.line, p.message.split(":")[0]) for p in spec.problems] == [(3, 'formula "bad"'), (6, "filters")]
    assert isinstance(spec.formulas["bad"], ExprSyntaxError)
    assert not isinstance(spec.formulas["good"], ExprSyntaxError)


def test_alias_bombs_are_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(12)
    )
    with pytest.raises(BaseError, match="alias"):
        parse_base(bomb)


def test_an_empty_base_has_one_table_view():
    spec = parse_base("")
    assert [(v.type, v.name) for v in spec.views] == [("table", "Table")]
