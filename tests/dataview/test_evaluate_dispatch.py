"""`Context.evaluate` picks a node's handler by its exact class: the table must cover the whole tree."""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import pytest
from mkdocs_vault.dataview import evaluate, parser
from mkdocs_vault.dataview.evaluate import Context, EvalError, Settings
from mkdocs_vault.dataview.parser import Expr, Index, Variable


def _expression_classes() -> set[type]:
    return {
        cls
        for _, cls in inspect.getmembers(parser, inspect.isclass)
        if issubclass(cls, Expr) and cls is not Expr and cls.__module__ == parser.__name__
    }


def test_every_expression_class_has_its_own_handler() -> None:
    # A node class added to the parser without a handler would fall back to its base class's.
    assert _expression_classes() <= set(evaluate._EVALUATORS)


def test_a_parameter_used_as_an_index_is_evaluated_as_a_variable() -> None:
    ctx = Context(Settings())
    lam = ctx.evaluate(parser.parse_expression('(x) => {EN: "English"}[x]'))
    assert lam("EN") == "English"


def test_an_unknown_node_fails_its_row_as_before() -> None:
    with pytest.raises(EvalError, match="Cannot evaluate Expr"):
        Context(Settings()).evaluate(Expr())

    @dataclass(slots=True)
    class Shorthand(Variable):  # a subclass not listed: handled as its nearest listed base
        pass

    assert Context(Settings(), {"this": 3}).evaluate(Shorthand("this")) == 3
    assert Context(Settings()).evaluate(Index(Shorthand("o"), Variable("k")), {"o": {"k": 1}}) == 1
