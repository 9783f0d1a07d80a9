"""A query's `this` chains are found once per parsed query and folded on each page with its own `this`."""

from __future__ import annotations

from mkdocs_vault.dataview import engine
from mkdocs_vault.dataview.evaluate import Context, Settings, this_chains
from mkdocs_vault.dataview.parser import Index, Literal, Variable, parse_expression, parse_query


def _spelled(node: object) -> str:
    assert isinstance(node, Index) and isinstance(node.index, Literal)
    inner = node.obj
    return (inner.name if isinstance(inner, Variable) else _spelled(inner)) + "." + str(node.index.value)


def test_chains_are_the_outermost_this_chains_of_literal_keys() -> None:
    expr = parse_expression('contains(file.outlinks, this.file.link) AND this["a"].b = x AND this[y] = 1')
    assert [_spelled(n) for n in this_chains(expr)] == ["this.file.link", "this.a.b"]


def test_a_query_is_walked_once_and_folded_per_page() -> None:
    query = parse_query(
        'TABLE this.file.name AS "Me" FROM "" WHERE contains(file.outlinks, this.file.link) '
        "GROUP BY this.team SORT this.order"
    )
    chains = engine._query_chains(query, True)
    assert [_spelled(n) for n in chains] == [
        "this.file.link",
        "this.team",
        "this.file.name",
    ]
    # (a SORT's keys are not folded, as before)
    assert engine._query_chains(query, True) is chains  # the second page does not walk the tree
    assert [_spelled(n) for n in engine._query_chains(query, False)] == [
        "this.file.link",
        "this.file.name",
    ]
    for name in ("A", "B"):
        ctx = Context(Settings(), {"this": {"file": {"name": name, "link": name}, "team": name}})
        ctx.fold_chains(chains)
        assert ctx.evaluate(chains[-1], {}) == name
        assert ctx.evaluate(chains[-1], {"this": {"file": {"name": "row's own"}}}) == "row's own"
