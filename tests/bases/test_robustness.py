"""Bad bases never take the build down: whatever the YAML holds, reading either gives a spec (with
problems) or a BaseError, and running every view gives rows, cell errors or a view error."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs_vault.bases.query import run_view
from mkdocs_vault.bases.render import BaseRenderer
from mkdocs_vault.bases.rows import FileRow, RowSet
from mkdocs_vault.bases.spec import BaseError, parse_base

ROWS = RowSet(
    {
        "a.md": FileRow("a.md", {"n": 3, "s": "x", "l": [1, "y"], "d": dt.date(2026, 1, 1)}, tags=["#t"]),
        "b/c.md": FileRow("b/c.md", {"n": None, "s": 5, "o": {"k": [dt.date(2020, 2, 29)]}}),
    }
)
NOW = dt.datetime(2026, 3, 14, tzinfo=dt.UTC)

NASTY = [
    "filters: 123\n",
    "filters: [a, b]\n",
    "filters:\n  and: not-a-list\n",
    "filters:\n  and: [1, true, null]\n",
    "filters:\n  xor: [a]\n",
    "filters:\n  and: [a]\n  or: [b]\n",
    "formulas: [a, b]\n",
    "formulas:\n  a: formula.a\n  b: formula.c + 1\n  c: formula.b\nviews:\n  - order: [formula.a, formula.b]\n",
    "formulas:\n  x: '\"ab\".repeat(10000000)'\nviews:\n  - order: [formula.x]\n",
    "formulas:\n  x: 1 / 0\n  y: (0 / 0).round(2)\n  z: n % 0\nviews:\n  - order: [formula.x, formula.y, formula.z]\n",
    "formulas:\n  x: 'd + \"99999y\"'\nviews:\n  - order: [formula.x]\n",
    "formulas:\n  x: '/[/.matches(s)'\nviews:\n  - order: [formula.x]\n",
    "formulas:\n  x: l.map(value.map(value))\nviews:\n  - order: [formula.x]\n",
    "formulas:\n  x: o.k[0].year + o.missing.deeper[3]\nviews:\n  - order: [formula.x]\n",
    "formulas:\n  x: 'number(\"1e999\")'\nviews:\n  - order: [formula.x]\n",
    "formulas:\n  x: (10).toFixed(500)\nviews:\n  - order: [formula.x]\n",
    "views: hello\n",
    "views:\n  - hello\n  - type: table\n    limit: -3\n    sort: [1, {direction: DESC}]\n    groupBy: 7\n",
    "views:\n  - type: table\n    order: [1, null, '', n]\n    summaries: {n: Nope, s: Average, l: Unique}\n",
    "summaries:\n  boom: values.reduce(acc + value.x.y, 0)\nviews:\n  - order: [n]\n    summaries: {n: boom}\n",
    "views:\n  - type: table\n    groupBy: {property: l}\n    order: [l, o]\n",
    "a: &a [x, *a]\n",
    "\t- nope",
    "---\nviews: []\n---\nviews: []\n",
    "views:\n  - filters: '" + "(" * 400 + "1" + ")" * 400 + "'\n",
]


def _run_all(text: str) -> None:
    try:
        spec = parse_base(text)
    except BaseError:
        return
    for view in spec.views:
        result = run_view(spec, view, ROWS, None, NOW, dt.UTC)
        BaseRenderer(lambda p, s, d: d).view(result)


@pytest.mark.parametrize("text", NASTY)
def test_nasty_bases(text):
    _run_all(text)


_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20))
_yaml_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)
_keys = st.sampled_from(["filters", "formulas", "properties", "summaries", "views", "and", "or", "not",
                         "type", "name", "order", "sort", "groupBy", "limit", "image", "x"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_keys, _yaml_values, max_size=5))
def test_random_bases(data):
    import json

    _run_all(json.dumps(data))  # JSON is YAML


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='abnsld.()[]{}"\'/+-*%<>=!&|, 0123456789', max_size=40))
def test_random_expressions(expr):
    _run_all("formulas:\n  x: " + json_quote(expr) + "\nviews:\n  - order: [formula.x]\n    filters: " + json_quote(expr) + "\n")


def json_quote(text: str) -> str:
    import json

    return json.dumps(text)
