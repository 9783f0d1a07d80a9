"""The Bases expression language: tokens -> syntax tree, as Obsidian's help documents it.

Expressions are JavaScript-like (help page "Bases syntax", section Operators, and "Functions"):

* literals: numbers, `"strings"` / `'strings'` (with backslash escapes), `true`, `false`, `null`,
  `[lists]`, `{"objects": 1}` and regular expressions `/pattern/flags`;
* names (`price`, `note`, `file`, `formula`, `this`, `value` ...), member access `a.b`, indexing
  `a["b"]` / `a[0]`, calls `f(x)` and method calls `a.m(x)`;
* operators, loosest first: `||`; `&&`; `==` `!=`; `<` `>` `<=` `>=`; `+` `-`; `*` `/` `%`; then the
  prefix operators `!` and `-`; `( )` groups.

Written by hand: no library parses this JavaScript subset (a JavaScript parser would accept far more
than Bases does, and a parser generator would add a dependency for forty lines of precedence
climbing). A syntax error carries the 0-based column of the offending token, so a notice can point at
it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


class ExprSyntaxError(ValueError):
    """A formula or filter that does not parse; `column` is 0-based within the expression text."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


# ------------------------------------------------------------------------------------------- tree


@dataclass(frozen=True, slots=True)
class Literal:
    value: Any


@dataclass(frozen=True, slots=True)
class RegexLiteral:
    pattern: str
    flags: str


@dataclass(frozen=True, slots=True)
class ListExpr:
    items: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class ObjectExpr:
    entries: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class Name:
    name: str


@dataclass(frozen=True, slots=True)
class Member:
    obj: Any
    name: str


@dataclass(frozen=True, slots=True)
class IndexExpr:
    obj: Any
    index: Any


@dataclass(frozen=True, slots=True)
class Call:
    """`callee(args)`: a global function when `callee` is a `Name`, a method when it is a `Member`."""

    callee: Any
    args: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Unary:
    op: str
    operand: Any


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Any
    right: Any


# ----------------------------------------------------------------------------------------- tokens

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<number>(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<name>[^\W\d][\w]*)
  | (?P<op>==|!=|<=|>=|&&|\|\||[-+*/%<>!()\[\]{},.:])
    """,
    re.VERBOSE | re.UNICODE,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_REGEX_FLAGS = re.compile(r"[dgimsuy]*")
_BINARY = {
    "||": 1,
    "&&": 2,
    "==": 3,
    "!=": 3,
    "<": 4,
    ">": 4,
    "<=": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "%": 6,
}
MAX_DEPTH = 200  # nesting deeper than this is refused rather than exhausting Python's stack


@dataclass(slots=True)
class _Tok:
    kind: str  # number, string, name, op, regex, end
    text: str
    pos: int


def _unescape(body: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", body[i + 2 : i + 6]):
                out.append(chr(int(body[i + 2 : i + 6], 16)))
                i += 6
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _regex_end(text: str, start: int) -> int:
    """Index of the closing `/` of a regular expression literal opened at `start` (-1 if none).
    A `/` inside a character class or escaped does not close it, as in JavaScript."""
    i, in_class = start + 1, False
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "\n":
            return -1
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif ch == "/" and not in_class:
            return i
        i += 1
    return -1


def tokenize(text: str) -> list[_Tok]:
    """The tokens of `text`. A `/` where an operand is expected opens a regular expression."""
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        operand_expected = not out or (
            out[-1].kind == "op" and out[-1].text not in (")", "]", "}")
        )
        if text[pos] == "/" and operand_expected:
            end = _regex_end(text, pos)
            if end < 0:
                raise ExprSyntaxError("Unterminated regular expression", pos)
            flags = _REGEX_FLAGS.match(text, end + 1)
            assert flags is not None
            out.append(_Tok("regex", text[pos + 1 : end] + "\0" + flags.group(0), pos))
            pos = flags.end()
            continue
        m = _TOKEN.match(text, pos)
        if m is None:
            quote = text[pos]
            if quote in "\"'":
                raise ExprSyntaxError("Unterminated string", pos)
            raise ExprSyntaxError(f"Unexpected character {quote!r}", pos)
        kind = m.lastgroup
        assert kind is not None
        if kind != "ws":
            out.append(_Tok(kind, m.group(0), pos))
        pos = m.end()
    out.append(_Tok("end", "", len(text)))
    return out


# ----------------------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = tokenize(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, op: str) -> _Tok:
        tok = self.take()
        if tok.kind != "op" or tok.text != op:
            found = "end of expression" if tok.kind == "end" else repr(tok.text)
            raise ExprSyntaxError(f"Expected {op!r} but found {found}", tok.pos)
        return tok

    def expression(self, min_prec: int = 1) -> Any:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprSyntaxError("Expression is nested too deeply", self.peek().pos)
        left = self.unary()
        while True:
            tok = self.peek()
            prec = _BINARY.get(tok.text) if tok.kind == "op" else None
            if prec is None or prec < min_prec:
                break
            self.take()
            right = self.expression(prec + 1)
            left = Binary(tok.text, left, right)
        self.depth -= 1
        return left

    def unary(self) -> Any:
        tok = self.peek()
        if tok.kind == "op" and tok.text in ("!", "-", "+"):
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ExprSyntaxError("Expression is nested too deeply", tok.pos)
            operand = self.unary()
            self.depth -= 1
            return Unary(tok.text, operand)
        return self.postfix(self.primary())

    def postfix(self, node: Any) -> Any:
        while True:
            tok = self.peek()
            if tok.kind != "op":
                return node
            if tok.text == ".":
                self.take()
                name = self.take()
                if name.kind != "name":
                    raise ExprSyntaxError("Expected a property name after '.'", name.pos)
                node = Member(node, name.text)
            elif tok.text == "[":
                self.take()
                index = self.expression()
                self.expect("]")
                node = IndexExpr(node, index)
            elif tok.text == "(":
                self.take()
                node = Call(node, tuple(self.arguments(")")))
            else:
                return node

    def arguments(self, close: str) -> list[Any]:
        args: list[Any] = []
        if self.peek().kind == "op" and self.peek().text == close:
            self.take()
            return args
        while True:
            args.append(self.expression())
            tok = self.take()
            if tok.kind == "op" and tok.text == close:
                return args
            if tok.kind != "op" or tok.text != ",":
                found = "end of expression" if tok.kind == "end" else repr(tok.text)
                raise ExprSyntaxError(f"Expected ',' or {close!r} but found {found}", tok.pos)

    def primary(self) -> Any:
        tok = self.take()
        if tok.kind == "number":
            value = float(tok.text)
            return Literal(int(value) if value.is_integer() and "e" not in tok.text.lower() else value)
        if tok.kind == "string":
            return Literal(_unescape(tok.text[1:-1]))
        if tok.kind == "regex":
            pattern, flags = tok.text.split("\0")
            return RegexLiteral(pattern, flags)
        if tok.kind == "name":
            if tok.text == "true":
                return Literal(True)
            if tok.text == "false":
                return Literal(False)
            if tok.text == "null":
                return Literal(None)
            return Name(tok.text)
        if tok.kind == "op" and tok.text == "(":
            inner = self.expression()
            self.expect(")")
            return inner
        if tok.kind == "op" and tok.text == "[":
            return ListExpr(tuple(self.arguments("]")))
        if tok.kind == "op" and tok.text == "{":
            return self.object_literal()
        if tok.kind == "end":
            raise ExprSyntaxError("Unexpected end of expression", tok.pos)
        raise ExprSyntaxError(f"Unexpected {tok.text!r}", tok.pos)

    def object_literal(self) -> ObjectExpr:
        entries: list[tuple[str, Any]] = []
        if self.peek().kind == "op" and self.peek().text == "}":
            self.take()
            return ObjectExpr(())
        while True:
            key = self.take()
            if key.kind == "string":
                name = _unescape(key.text[1:-1])
            elif key.kind == "name":
                name = key.text
            else:
                raise ExprSyntaxError("Expected a key in the object", key.pos)
            self.expect(":")
            entries.append((name, self.expression()))
            tok = self.take()
            if tok.kind == "op" and tok.text == "}":
                return ObjectExpr(tuple(entries))
            if tok.kind != "op" or tok.text != ",":
                raise ExprSyntaxError("Expected ',' or '}' in the object", tok.pos)


def parse_expression(text: str) -> Any:
    """The syntax tree of one formula or filter statement; raises `ExprSyntaxError`."""
    if not isinstance(text, str):
        raise ExprSyntaxError(f"Expected an expression, found {type(text).__name__}", 0)
    if not text.strip():
        raise ExprSyntaxError("Empty expression", 0)
    parser = _Parser(text)
    node = parser.expression()
    tok = parser.peek()
    if tok.kind != "end":
        raise ExprSyntaxError(f"Unexpected {tok.text!r}", tok.pos)
    return node
