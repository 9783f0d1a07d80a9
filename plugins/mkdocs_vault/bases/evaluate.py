"""Evaluate Bases expressions for one row: names, operators, formulas, `this`, and the functions.

Names: `note` (the row's frontmatter properties), `file` (the row's file), `formula` (the base's
formulas, each computed once per row, a formula that reaches itself again is an error), `this` (the
embedding note, or the base file itself) and, inside `map` / `filter` / `reduce` and summary formulas,
`value`, `index`, `acc` and `values`. Any other bare name is a note property (`price` is
`note.price`).

An `EvalError` raised here is caught by the caller per cell (the cell shows it) or per filter (the row
is left out), never for the whole base.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import math
from collections.abc import Mapping
from typing import Any

from . import functions
from .expr import (
    Binary,
    Call,
    ExprSyntaxError,
    IndexExpr,
    ListExpr,
    Literal,
    Member,
    Name,
    ObjectExpr,
    RegexLiteral,
    Unary,
)
from .rows import FileRow, RowSet, Scope
from .spec import split_property
from .values import (
    Duration,
    EvalError,
    FileRef,
    Link,
    Millis,
    as_moment,
    compare,
    date_diff_ms,
    equals,
    is_date,
    is_number,
    make_pattern,
    parse_duration,
    shift,
    to_text,
    truthy,
    type_name,
)

_CYCLE = object()  # marks a formula being computed, to catch one that needs itself


class Evaluator:
    """Evaluates expressions of one base for any row. `formulas` maps a formula's name to its syntax
    tree, or to the `ExprSyntaxError` it failed with; `this` is the file the base is shown for."""

    def __init__(
        self,
        rows: RowSet,
        formulas: Mapping[str, Any],
        this: FileRef | None,
        now: dt.datetime,
        tz: dt.tzinfo,
    ) -> None:
        self.rows = rows
        self.formulas = formulas
        self.this = this
        self.now = now if now.tzinfo else now.replace(tzinfo=tz)
        self.tz = tz
        self._formula_values: dict[tuple[str, str], Any] = {}
        self._patterns: dict[tuple[str, str], Any] = {}

    # -- entry points ------------------------------------------------------------------------------
    def evaluate(self, node: Any, row: FileRow | None, local: Mapping[str, Any] | None = None) -> Any:
        return self.eval(node, Scope(row, local or {}))

    def property(self, prop: str, row: FileRow) -> Any:
        """The value of a property id of a view (`note.status`, `status`, `file.name`, `formula.x`)."""
        kind, name = split_property(prop)
        if kind == "file":
            return self.file_field(FileRef(row.path), name)
        if kind == "formula":
            return self.formula(name, row)
        return row.properties.get(name)

    def formula(self, name: str, row: FileRow | None) -> Any:
        if name not in self.formulas:
            raise EvalError(f'Formula "{name}" is not defined')
        key = (row.path if row is not None else "", name)
        found = self._formula_values.get(key)
        if found is _CYCLE:
            raise EvalError(f'Formula "{name}" refers to itself')
        if found is not None or key in self._formula_values:
            if isinstance(found, EvalError):
                raise found
            return found
        tree = self.formulas[name]
        if isinstance(tree, ExprSyntaxError):
            raise EvalError(f'Formula "{name}" has a syntax error: {tree.message}')
        self._formula_values[key] = _CYCLE
        try:
            value = self.eval(tree, Scope(row))
        except EvalError as exc:
            self._formula_values[key] = exc
            raise
        except RecursionError:
            error = EvalError(f'Formula "{name}" is nested too deeply')
            self._formula_values[key] = error
            raise error from None
        self._formula_values[key] = value
        return value

    # -- the tree ---------------------------------------------------------------------------------
    def eval(self, node: Any, scope: Scope) -> Any:
        if isinstance(node, Literal):
            return node.value
        if isinstance(node, Name):
            return self.name(node.name, scope)
        if isinstance(node, Member):
            if isinstance(node.obj, Name) and node.obj.name not in scope.locals:
                special = node.obj.name
                if special == "note":
                    return scope.row.properties.get(node.name) if scope.row else None
                if special == "formula":
                    return self.formula(node.name, scope.row)
            return self.member(self.eval(node.obj, scope), node.name)
        if isinstance(node, IndexExpr):
            return self.index(self.eval(node.obj, scope), self.eval(node.index, scope))
        if isinstance(node, Call):
            return self.call(node, scope)
        if isinstance(node, Binary):
            return self.binary(node, scope)
        if isinstance(node, Unary):
            value = self.eval(node.operand, scope)
            if node.op == "!":
                return not truthy(value)
            if value is None:
                return None
            if not is_number(value):
                raise EvalError(f"Cannot apply '{node.op}' to {type_name(value)}")
            return -value if node.op == "-" else value
        if isinstance(node, ListExpr):
            return [self.eval(item, scope) for item in node.items]
        if isinstance(node, ObjectExpr):
            return {key: self.eval(value, scope) for key, value in node.entries}
        if isinstance(node, RegexLiteral):
            key = (node.pattern, node.flags)
            if key not in self._patterns:
                self._patterns[key] = make_pattern(node.pattern, node.flags)
            return self._patterns[key]
        raise EvalError(f"Cannot evaluate {type(node).__name__}")

    def name(self, name: str, scope: Scope) -> Any:
        if name in scope.locals:
            return scope.locals[name]
        if name == "file":
            return FileRef(scope.row.path) if scope.row is not None else None
        if name == "this":
            return self.this
        if name == "note":
            return dict(scope.row.properties) if scope.row is not None else {}
        if name == "formula":
            raise EvalError("'formula' needs a formula name: formula.name")
        return scope.row.properties.get(name) if scope.row is not None else None

    # -- access -----------------------------------------------------------------------------------
    def member(self, obj: Any, name: str) -> Any:
        if obj is None:
            return None
        if isinstance(obj, FileRef):
            return self.file_field(obj, name)
        if isinstance(obj, dict):
            return obj.get(name)
        if isinstance(obj, (str, list)) and name == "length":
            return len(obj)
        if is_date(obj):
            return functions.date_field(obj, name, self.tz)
        if isinstance(obj, (Duration, Millis)):
            return functions.duration_field(obj, name)
        if isinstance(obj, Link):
            row = self.rows.file_of(obj)
            return self.file_field(FileRef(row.path), name) if row is not None else None
        raise EvalError(f"{type_name(obj)} has no property '{name}'")

    def index(self, obj: Any, key: Any) -> Any:
        if obj is None:
            return None
        if isinstance(obj, list):
            if not is_number(key) or not float(key).is_integer():
                raise EvalError("A list index must be a whole number")
            i = int(key)
            return obj[i] if 0 <= i < len(obj) else None
        if isinstance(obj, str) and is_number(key):
            i = int(key)
            return obj[i] if 0 <= i < len(obj) else None
        if isinstance(key, str):
            return self.member(obj, key)
        raise EvalError(f"Cannot index {type_name(obj)} with {type_name(key)}")

    def file_field(self, ref: FileRef, name: str) -> Any:
        row = self.rows.get(ref.path)
        if row is None:
            return None
        if name == "name":
            return row.name
        if name == "basename":
            return row.basename
        if name == "path":
            return row.path
        if name == "folder":
            return row.folder
        if name == "ext":
            return row.ext
        if name == "size":
            return row.size
        if name == "ctime":
            return row.ctime.astimezone(self.tz) if row.ctime else None
        if name == "mtime":
            return row.mtime.astimezone(self.tz) if row.mtime else None
        if name == "tags":
            return list(row.tags)
        if name == "links":
            return list(row.links)
        if name == "embeds":
            return list(row.embeds)
        if name == "backlinks":
            return [Link(p.removesuffix(".md"), p) for p in self.rows.backlinks(row.path)]
        if name == "properties":
            return dict(row.properties)
        if name == "file":
            return ref
        raise EvalError(f"file has no property '{name}'")

    # -- calls ------------------------------------------------------------------------------------
    def call(self, node: Call, scope: Scope) -> Any:
        callee = node.callee
        if isinstance(callee, Name):
            return functions.call_global(self, callee.name, node.args, scope)
        if isinstance(callee, Member):
            receiver = self.eval(callee.obj, scope)
            return functions.call_method(self, receiver, callee.name, node.args, scope)
        raise EvalError("Only functions and methods can be called")

    def args(self, args: tuple[Any, ...], scope: Scope) -> list[Any]:
        return [self.eval(a, scope) for a in args]

    # -- operators --------------------------------------------------------------------------------
    def binary(self, node: Binary, scope: Scope) -> Any:
        op = node.op
        left = self.eval(node.left, scope)
        if op == "&&":
            return self.eval(node.right, scope) if truthy(left) else left
        if op == "||":
            return left if truthy(left) else self.eval(node.right, scope)
        right = self.eval(node.right, scope)
        if op == "==":
            return equals(left, right, self.tz)
        if op == "!=":
            return not equals(left, right, self.tz)
        if op in ("<", ">", "<=", ">="):
            if left is None or right is None:
                return False
            left, right = self.comparable(left, right)
            c = compare(left, right, self.tz)
            return {"<": c < 0, ">": c > 0, "<=": c <= 0, ">=": c >= 0}[op]
        return self.arithmetic(op, left, right)

    def comparable(self, left: Any, right: Any) -> tuple[Any, Any]:
        """A date compared with text that reads as a date compares as dates."""
        if is_date(left) and isinstance(right, str):
            return left, functions.to_date(right, self.tz)
        if isinstance(left, str) and is_date(right):
            return functions.to_date(left, self.tz), right
        return left, right

    def arithmetic(self, op: str, left: Any, right: Any) -> Any:
        if left is None or right is None:
            return None  # a missing value: see values.py
        if is_date(left):
            if op in ("+", "-"):
                if is_date(right):
                    if op == "+":
                        raise EvalError("Cannot add two dates")
                    return date_diff_ms(left, right, self.tz)
                by = self.duration_of(right)
                if by is not None:
                    return shift(left, by if op == "+" else by.negated(), self.tz)
            raise EvalError(f"Cannot apply '{op}' to date and {type_name(right)}")
        if isinstance(left, Duration):
            if is_number(right) and op in ("*", "/"):
                if op == "/" and right == 0:
                    raise EvalError("Division by zero")
                return left.scaled(right if op == "*" else 1 / right)
            by = self.duration_of(right)
            if by is not None and op in ("+", "-"):
                return left + (by if op == "+" else by.negated())
            if is_date(right) and op == "+":
                return shift(right, left, self.tz)
            raise EvalError(f"Cannot apply '{op}' to duration and {type_name(right)}")
        if op == "+" and (isinstance(left, str) or isinstance(right, str)):
            if left is None or right is None:
                return None
            return to_text(left) + to_text(right)
        if left is None or right is None:
            return None
        if isinstance(left, list) and isinstance(right, list) and op == "+":
            return left + right
        if not (is_number(left) or isinstance(left, bool)) or not (is_number(right) or isinstance(right, bool)):
            raise EvalError(f"Cannot apply '{op}' to {type_name(left)} and {type_name(right)}")
        a, b = float(left), float(right)
        if op == "+":
            result = a + b
        elif op == "-":
            result = a - b
        elif op == "*":
            result = a * b
        elif op == "/":
            result = a / b if b else (math.nan if a == 0 else math.copysign(math.inf, a) * math.copysign(1, b))
        else:
            result = math.fmod(a, b) if b else math.nan
        whole = isinstance(left, int) and isinstance(right, int) and result.is_integer()
        return int(result) if whole and abs(result) < 2**53 else result

    def duration_of(self, value: Any) -> Duration | None:
        if isinstance(value, Duration):
            return value
        if isinstance(value, str):
            found = parse_duration(value)
            if found is None:
                raise EvalError(f'"{value}" is not a duration')
            return found
        return None

    # -- helpers for the functions -----------------------------------------------------------------
    def today(self) -> dt.date:
        return self.now.astimezone(self.tz).date()

    def moment(self, value: dt.date) -> dt.datetime:
        return as_moment(value, self.tz)

    def escape(self, text: str) -> str:
        return html_lib.escape(text)

