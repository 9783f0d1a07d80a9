"""Evaluate DQL expressions over Dataview values, with Dataview's operator table and error rules.

An expression either yields a value or raises `EvalError` (a `DQLError`). The query engine drops a
row whose WHERE or column expression raises, and reports an error only when every row fails, as
Dataview does.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import datemath
from .errors import MAX_STRING, EvalError, check_size, clean_number  # noqa: F401 (EvalError re-exported)
from .parser import (
    BinaryOp,
    Call,
    DateShorthand,
    Expr,
    Index,
    LambdaExpr,
    ListExpr,
    Literal,
    Negated,
    ObjectExpr,
    Param,
    Variable,
)
from .values import UTC, Duration, Lambda, Link, compare, normalize_duration, to_string, truthy, type_of


@dataclass
class Settings:
    """What an evaluation needs from the outside world: the clock, the zone and link handling."""

    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(UTC))
    tz: dt.tzinfo = UTC
    # path -> page object (the `file.*` fields and the page's own fields), or None if no such note.
    resolve: Callable[[str], dict[str, Any] | None] = lambda path: None
    # link text -> resolved vault path (unchanged when it does not resolve).
    normalize: Callable[[str], str] = lambda path: path


class Context:
    """Globals (`this`), functions and the settings one evaluation runs with."""

    def __init__(self, settings: Settings, globals_: dict[str, Any] | None = None) -> None:
        from .functions import FUNCTIONS, REGEX_BUDGET_SECONDS  # functions import this module

        self.settings = settings
        self.globals = globals_ or {}
        self.functions = FUNCTIONS
        self._shorthands: dict[str, dt.datetime] = {}
        # Row-independent `this.a.b` chains, evaluated once per query (see `fold_chains`).
        self._folded: dict[int, Any] = {}
        # Seconds left for the query's regular expressions, all calls together (`functions.timed`):
        # a pattern that backtracks without end fails its row instead of hanging the build.
        self.regex_budget = REGEX_BUDGET_SECONDS
        self.notices: list[str] = []  # what the query's result should be reported with (a warning)

    # ------------------------------------------------------------------------------------ clock
    def shorthand(self, name: str) -> dt.datetime:
        cached = self._shorthands.get(name)
        if cached is None:
            cached = self._shorthands[name] = self._compute_shorthand(name)
        return cached

    def _compute_shorthand(self, name: str) -> dt.datetime:
        now = self.settings.now.astimezone(self.settings.tz)
        today = datemath.start_of(now, "day")
        table = {
            "now": lambda: now,
            "today": lambda: today,
            "yesterday": lambda: datemath.plus(today, Duration.of(days=-1)),
            "tomorrow": lambda: datemath.plus(today, Duration.of(days=1)),
            "sow": lambda: datemath.start_of(now, "week"),
            "start-of-week": lambda: datemath.start_of(now, "week"),
            "eow": lambda: datemath.end_of(now, "week"),
            "end-of-week": lambda: datemath.end_of(now, "week"),
            "som": lambda: datemath.start_of(now, "month"),
            "start-of-month": lambda: datemath.start_of(now, "month"),
            "eom": lambda: datemath.end_of(now, "month"),
            "end-of-month": lambda: datemath.end_of(now, "month"),
            "soy": lambda: datemath.start_of(now, "year"),
            "start-of-year": lambda: datemath.start_of(now, "year"),
            "eoy": lambda: datemath.end_of(now, "year"),
            "end-of-year": lambda: datemath.end_of(now, "year"),
        }
        return table[name]()

    # ----------------------------------------------------------------------------------- values
    def compare(self, a: Any, b: Any) -> int:
        return compare(a, b, self.settings.normalize)

    def equals(self, a: Any, b: Any) -> bool:
        """`compare(a, b) == 0`, without computing a collation order where equality decides it."""
        ta, tb = type_of(a), type_of(b)
        if ta != tb:
            return False
        if ta == "string":
            return a == b or unicodedata.normalize("NFC", a) == unicodedata.normalize("NFC", b)
        if ta == "link":
            norm = self.settings.normalize
            return (
                self.equals(norm(a.path), norm(b.path))
                and a.type == b.type
                and (a.subpath or None) == (b.subpath or None)
            )
        return self.compare(a, b) == 0

    def evaluate(self, node: Expr, data: dict[str, Any] | None = None) -> Any:
        """Evaluate `node` with `data` (the row) in scope; raises `EvalError`."""
        # One dict look-up by the node's exact class: a chain of isinstance checks cost an `Index`
        # (the commonest node of a WHERE) ten checks, on every candidate row of every query.
        handler = _EVALUATORS.get(type(node)) or _evaluator_for(type(node))
        return handler(self, node, data if data is not None else {})

    def _literal(self, node: Literal, data: dict[str, Any]) -> Any:
        return node.value

    def _variable(self, node: Variable, data: dict[str, Any]) -> Any:
        if node.name in data:
            return data[node.name]
        return self.globals.get(node.name)

    def _date_shorthand(self, node: DateShorthand, data: dict[str, Any]) -> Any:
        return self.shorthand(node.name)

    def _negated(self, node: Negated, data: dict[str, Any]) -> Any:
        return not truthy(self.evaluate(node.child, data))

    def _binary_op(self, node: BinaryOp, data: dict[str, Any]) -> Any:
        left = self.evaluate(node.left, data)
        right = self.evaluate(node.right, data)
        return self.binary(node.op, left, right)

    def _list(self, node: ListExpr, data: dict[str, Any]) -> Any:
        return [self.evaluate(x, data) for x in node.items]

    def _object(self, node: ObjectExpr, data: dict[str, Any]) -> Any:
        return {k: self.evaluate(v, data) for k, v in node.entries.items()}

    def _index_or_folded(self, node: Index, data: dict[str, Any]) -> Any:
        key = id(node)
        if key in self._folded and "this" not in data:
            return self._folded[key]
        return self.index(node, data)

    def fold_chains(self, chains: list[Index]) -> None:
        """Pre-evaluate the `this.x.y` / `this["x"]` chains of a query tree (`this_chains`, found once
        per parsed query): they do not depend on the row.

        Only chains of literal keys rooted at `this` are folded, and only used while the row has no
        field called `this` (which would shadow the global), so results are exactly as unfolded.
        """
        for node in chains:
            try:
                self._folded[id(node)] = self.index(node, {})
            except EvalError:
                pass

    def make_lambda(self, node: LambdaExpr, data: dict[str, Any]) -> Lambda:
        captured = dict(data)

        def run(*args: Any) -> Any:
            scope = dict(captured)
            for name, value in zip(node.params, args):
                scope[name] = value
            return self.evaluate(node.body, scope)

        return Lambda(tuple(node.params), node.body, captured, run)

    def call(self, node: Call, data: dict[str, Any]) -> Any:
        if isinstance(node.func, Variable):
            func: Any = node.func.name
        else:
            func = self.evaluate(node.func, data)
        args = [self.evaluate(a, data) for a in node.args]
        if callable(func) and not isinstance(func, str):
            return func(*args)
        if isinstance(func, str):
            impl = self.functions.get(func)
            if impl is None:
                raise EvalError(f"Unrecognized function name '{func}'")
            return impl(self, *args)
        raise EvalError(f"Cannot call type '{type_of(func)}' as a function")

    def index(self, node: Index, data: dict[str, Any]) -> Any:
        if type(node.index) is Variable:  # `a[b]` reads key "b"; a lambda's `Param` is evaluated
            idx: Any = node.index.name
        else:
            idx = self.evaluate(node.index, data)
        if not (isinstance(idx, str) or (isinstance(idx, (int, float)) and not isinstance(idx, bool))):
            raise EvalError("Can only index with a string, variable, or number")
        if isinstance(node.obj, Variable) and node.obj.name == "row":
            obj = {**self.globals, **data}
        else:
            obj = self.evaluate(node.obj, data)
        return self.index_value(obj, idx)

    def index_value(self, obj: Any, idx: Any) -> Any:
        """Dataview's indexing: objects by key, links through their page, arrays map or pick, dates' units."""
        t = type_of(obj)
        if t == "object":
            if not isinstance(idx, str):
                raise EvalError('can only index into objects with strings (a.b or a["b"])')
            return obj.get(idx)
        if t == "link":
            if not isinstance(idx, str):
                raise EvalError('can only index into links with strings (a.b or a["b"])')
            page = self.settings.resolve(obj.path)
            if page is None:
                return None
            return page.get(idx)
        if t == "array":
            if isinstance(idx, str):
                out = []
                for v in obj:
                    try:
                        out.append(self.index_value(v, idx))
                    except EvalError:
                        continue
                return out
            i = idx
            if i >= len(obj) or i < 0 or int(i) != i:
                return None
            return obj[int(i)]
        if t == "string":
            if isinstance(idx, str):
                return None  # Dataview 0.5.70 yields null for "text".name (see expressions e249)
            if idx >= len(obj) or idx < 0 or int(idx) != idx:
                return None
            return _js_char(obj, int(idx))
        if t == "date":
            if not isinstance(idx, str):
                raise EvalError("date indexing requires a string representing the unit")
            return _date_part(obj, idx)
        if t == "duration":
            if not isinstance(idx, str):
                raise EvalError("duration indexing requires a string representing the unit")
            unit = {
                "year": "years",
                "years": "years",
                "month": "months",
                "months": "months",
                "weeks": "weeks",
                "day": "days",
                "days": "days",
                "hour": "hours",
                "hours": "hours",
                "minute": "minutes",
                "minutes": "minutes",
                "second": "seconds",
                "seconds": "seconds",
                "millisecond": "milliseconds",
                "milliseconds": "milliseconds",
            }.get(idx)
            if unit is None:
                return None
            return clean_number(obj.as_unit(unit))
        return None

    # -------------------------------------------------------------------------------- operators
    def binary(self, op: str, a: Any, b: Any) -> Any:
        """Dataview's binary operator table (`binaryop.ts`), with its error for unsupported pairs."""
        # The comparisons and AND / OR, most of what a WHERE runs, take any two values: decided
        # before the value types the rest of the table needs.
        if op == "&":
            return truthy(a) and truthy(b)
        if op == "=":
            return self.equals(a, b)
        if op == "!=":
            return not self.equals(a, b)
        if op == "|":
            return truthy(a) or truthy(b)
        if op in _ORDER_TESTS:
            return _ORDER_TESTS[op](self.compare(a, b))
        ta, tb = type_of(a), type_of(b)
        if ta == "number" and tb == "number":
            return _arith(op, a, b)
        if op == "+" and ta == "string":
            return a + to_string(b)
        if op == "+" and tb == "string":
            return to_string(a) + b
        if op == "*" and ((ta, tb) in (("string", "number"), ("number", "string"))):
            s, n = (a, b) if ta == "string" else (b, a)
            if n < 0 or math.isnan(n):  # JavaScript: "ab".repeat(NaN) is ""
                return ""
            check_size(len(s) * n)
            return s * int(n)
        if ta == "date" and tb == "date" and op == "-":
            return datemath.diff(a, b)
        if ta == "date" and tb == "duration" and op in "+-":
            return datemath.plus(a, b) if op == "+" else datemath.minus(a, b)
        if ta == "duration" and tb == "date" and op == "+":
            return datemath.plus(b, a)
        if ta == "duration" and tb == "duration" and op in "+-":
            return normalize_duration(a.plus(b) if op == "+" else a.minus(b))
        if ta == "duration" and tb == "number" and op in "*/":
            if op == "/":
                return normalize_duration(a.map_units(lambda x: _div(x, b)))
            return normalize_duration(a.map_units(lambda x: x * b))
        if ta == "number" and tb == "duration" and op == "*":
            return normalize_duration(b.map_units(lambda x: x * a))
        if ta == "array" and tb == "array" and op == "+":
            return list(a) + list(b)
        if ta == "object" and tb == "object" and op == "+":
            return {**a, **b}
        if ta == "null" and tb == "null" and op in "+-*/%":
            return None
        if op in "+-" and {ta, tb} == {"date", "null"}:
            return None
        raise EvalError(f"No implementation found for '{ta} {op} {tb}'")


_ORDER_TESTS: dict[str, Callable[[int], bool]] = {
    "<": lambda c: c < 0,
    "<=": lambda c: c <= 0,
    ">": lambda c: c > 0,
    ">=": lambda c: c >= 0,
}

# Node class -> how `Context.evaluate` evaluates it. Every concrete class of the expression tree is
# listed (a test checks this against `parser`); `_evaluator_for` serves a class not listed.
_EVALUATORS: dict[type, Callable[[Context, Any, dict[str, Any]], Any]] = {
    Literal: Context._literal,
    Variable: Context._variable,
    Param: Context._variable,
    DateShorthand: Context._date_shorthand,
    Negated: Context._negated,
    BinaryOp: Context._binary_op,
    ListExpr: Context._list,
    ObjectExpr: Context._object,
    LambdaExpr: Context.make_lambda,
    Call: Context.call,
    Index: Context._index_or_folded,
}


def _evaluator_for(cls: type) -> Callable[[Context, Any, dict[str, Any]], Any]:
    """The handler of the nearest listed base class (as an isinstance check would pick), else an error."""
    for base in cls.__mro__[1:]:
        handler = _EVALUATORS.get(base)
        if handler is not None:
            return handler

    def cannot(ctx: Context, node: Any, data: dict[str, Any]) -> Any:
        raise EvalError(f"Cannot evaluate {type(node).__name__}")

    return cannot


def this_chains(node: Any, out: list[Index] | None = None) -> list[Index]:
    """The `this.x.y` / `this["x"]` chains of literal keys in `node`'s tree, in the order of a walk that
    does not look inside a chain (what `Context.fold_chains` folds)."""
    if out is None:
        out = []
    if isinstance(node, Index) and _this_chain(node):
        out.append(node)
        return out
    for child in getattr(node, "__slots__", ()):
        value = getattr(node, child, None)
        if isinstance(value, list):
            for v in value:
                this_chains(v, out)
        elif isinstance(value, dict):
            for v in value.values():
                this_chains(v, out)
        elif isinstance(value, Expr):
            this_chains(value, out)
    return out


def _this_chain(node: Expr) -> bool:
    while isinstance(node, Index):
        if not isinstance(node.index, Literal):
            return False
        node = node.obj
    return isinstance(node, Variable) and node.name == "this"


def _div(a: float, b: float) -> float:
    if b == 0:
        if a == 0 or (isinstance(a, float) and math.isnan(a)):
            return math.nan
        return math.inf if (a > 0) == (math.copysign(1, b) > 0) else -math.inf
    return a / b


def _arith(op: str, a: float, b: float) -> float:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        r = _div(a, b)
        return clean_number(r)
    if op == "%":
        if b == 0:
            return math.nan
        return clean_number(math.fmod(a, b))
    raise EvalError(f"Unknown operator '{op}'")


def _js_char(s: str, i: int) -> str:
    """`s[i]` by UTF-16 code unit, as JavaScript indexes strings."""
    units = s.encode("utf-16-le")
    return units[2 * i : 2 * i + 2].decode("utf-16-le", errors="replace")


def _date_part(d: dt.datetime, unit: str) -> Any:
    if unit == "year":
        return d.year
    if unit == "month":
        return d.month
    if unit == "weekyear":
        return d.isocalendar()[1]
    if unit == "week":
        return d.day // 7 + 1
    if unit == "weekday":
        return d.isoweekday()
    if unit == "day":
        return d.day
    if unit == "hour":
        return d.hour
    if unit == "minute":
        return d.minute
    if unit == "second":
        return d.second
    if unit == "millisecond":
        return d.microsecond // 1000
    return None


__all__ = ["Context", "EvalError", "Link", "Settings"]
