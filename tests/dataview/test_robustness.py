"""Every input gives a result or a DQL error, never another exception; user text never reaches SQL as SQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs_vault.dataview.batch import load_pages
from mkdocs_vault.dataview.engine import QueryContext, run_query
from mkdocs_vault.dataview.parser import DQLError, parse_expression, parse_query
from mkdocs_vault.dataview.values import UTC

GOLDEN_VAULT = Path(__file__).with_name("golden") / "vault"
NOW = dt.datetime(2025, 11, 1, tzinfo=UTC)

# Fragments of real DQL, so random combinations reach deep into the parser and evaluator.
FRAGMENTS = [
    "TABLE", "LIST", "TASK", "CALENDAR", "WITHOUT ID", "FROM", "WHERE", "SORT", "GROUP BY", "FLATTEN",
    "LIMIT", "AS", "ASC", "DESC", "and", "or", "!", "-", '"Projects"', '""', "#type/project", "[[]]",
    "[[Home]]", "outgoing([[Home]])", "(", ")", "[", "]", "{", "}", ",", ".", ":", "=>", "(x) =>",
    "+", "-", "*", "/", "%", "=", "!=", "<", ">=", "file.name", "file.tasks", "rows", "key", "this",
    "row[\"status\"]", "status", "budget", "due", "1", "-2.5", "0", '"a"', "null", "true",
    "date(today)", "dur(1 week)", "date(2025-13-45)", "length(", "contains(", "regexmatch(\"(\", x)",
    "sum(", "map(", "filter(", "sort(", "split(", "dateformat(", "\n", " ", "//", "'", "\\",
]  # fmt: skip


@pytest.fixture(scope="module")
def context():
    return QueryContext(load_pages(GOLDEN_VAULT, UTC, skip_templates=True), NOW, UTC)


query_text = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=14).map(" ".join),
    st.text(max_size=60),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=query_text)
def test_random_queries_give_result_or_error(context, text: str) -> None:
    for q in (text, "=" + text, "TABLE " + text, 'LIST FROM "" WHERE ' + text):
        result = run_query(q, "Home.md", context)
        assert result.type in ("table", "list", "task", "calendar", "inline", "error")
        if result.type == "error":
            assert isinstance(result.error, DQLError)


@settings(max_examples=300, deadline=None)
@given(text=query_text)
def test_parser_raises_only_dql_errors(text: str) -> None:
    for parse in (parse_query, parse_expression):
        try:
            parse(text)
        except DQLError as e:
            assert e.line >= 0 and e.column >= 0


def test_deep_nesting_is_an_error_not_a_crash(context) -> None:
    result = run_query("=" + "(" * 3000 + "1" + ")" * 3000, "Home.md", context)
    assert result.type == "error"


def test_user_text_is_never_sql(context) -> None:
    from mkdocs_vault.index.build import IndexBuilder, build_index, connect

    con = connect()
    builder = context.pages.builder
    build_index(
        con, IndexBuilder(lambda t, s: (builder.resolve(t, s), "resolved")), context.pages.notes.values()
    )
    ctx = QueryContext(context.pages, NOW, UTC, con)
    hostile = "x'); DROP TABLE notes; --"
    result = run_query(f'LIST FROM "{hostile}" OR #{hostile[:1]} WHERE title = "{hostile}"', "Home.md", ctx)
    assert result.type == "list" and result.items == []
    assert con.execute("SELECT count(*) FROM notes").fetchone()[0] == len(context.pages.pages)


@pytest.mark.parametrize("expr", ['"x" * 1000000000000', 'padleft("a", 1000000000000)', '"ab" * (0/0)'])
def test_huge_results_are_errors(context, expr: str) -> None:
    result = run_query("=" + expr, "Home.md", context)
    assert result.type in ("error", "inline")
    if result.type == "inline":
        assert len(result.value) < 10
