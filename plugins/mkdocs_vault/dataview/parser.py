"""Dataview Query Language parser: query text -> typed syntax tree, or a `DQLError` with line and column.

Hand-written recursive descent with ordered choice and backtracking (a PEG), because Dataview's own
grammar is a Parsimmon PEG and its quirks are part of the language users write against: ordered
alternatives (`true`/`null` match as prefixes), `and`/`or` sharing one precedence level, dashed
identifiers (`spent-budget`), `date(today)` / `dur(1 week)` literal forms beside the `date()` /
`dur()` functions, and backtracking out of a half-matched binary operator. A parser generator would
need all of these expressed as special cases anyway. Errors report the furthest position reached,
as Parsimmon does, with the alternatives expected there.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .values import (
    UTC,
    Duration,
    Link,
    match_date,
    match_duration,
    parse_inner_link,
    parse_number,
    unescape_string,
)


class DQLError(Exception):
    """A query that cannot be parsed or run; `line` and `column` are 1-based (0 when unknown)."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        if self.line:
            return f"{self.message} (line {self.line}, column {self.column})"
        return self.message


# ------------------------------------------------------------------------------------ syntax tree


@dataclass(slots=True)
class Expr:
    pos: int = field(default=0, kw_only=True)


@dataclass(slots=True)
class Literal(Expr):
    value: Any


@dataclass(slots=True)
class DateShorthand(Expr):
    """`date(today)`, `date(sow)`, ...: evaluated against the query's clock."""

    name: str


@dataclass(slots=True)
class Variable(Expr):
    name: str


class Param(Variable):
    """A lambda parameter used as an index (`(x) => {EN: "English"}[x]`): evaluated, where any other
    bare name in brackets is read as the key it spells (`obj[key]` is `obj["key"]`, as in Dataview)."""

    __slots__ = ()


@dataclass(slots=True)
class Negated(Expr):
    child: Expr


@dataclass(slots=True)
class BinaryOp(Expr):
    left: Expr
    op: str  # + - * / % = != < <= > >= & |
    right: Expr


@dataclass(slots=True)
class ListExpr(Expr):
    items: list[Expr]


@dataclass(slots=True)
class ObjectExpr(Expr):
    entries: dict[str, Expr]


@dataclass(slots=True)
class LambdaExpr(Expr):
    params: list[str]
    body: Expr


@dataclass(slots=True)
class Call(Expr):
    func: Expr
    args: list[Expr]


@dataclass(slots=True)
class Index(Expr):
    obj: Expr
    index: Expr


# Sources (FROM)


@dataclass(slots=True)
class FolderSource:
    folder: str


@dataclass(slots=True)
class TagSource:
    tag: str


@dataclass(slots=True)
class LinkSource:
    target: str  # link text as written ("" for [[]])
    incoming: bool  # True: notes linking to it; False: notes it links to (outgoing(...))


@dataclass(slots=True)
class NegatedSource:
    child: Source


@dataclass(slots=True)
class BinarySource:
    left: Source
    op: str  # "&" or "|"
    right: Source


@dataclass(slots=True)
class EmptySource:
    """No FROM clause: every page."""


Source = FolderSource | TagSource | LinkSource | NegatedSource | BinarySource | EmptySource


@dataclass(slots=True)
class NamedField:
    name: str
    expr: Expr


@dataclass(slots=True)
class SortKey:
    expr: Expr
    descending: bool


@dataclass(slots=True)
class WhereStep:
    expr: Expr


@dataclass(slots=True)
class SortStep:
    keys: list[SortKey]


@dataclass(slots=True)
class LimitStep:
    expr: Expr


@dataclass(slots=True)
class FlattenStep:
    field: NamedField


@dataclass(slots=True)
class GroupStep:
    field: NamedField


Step = WhereStep | SortStep | LimitStep | FlattenStep | GroupStep


@dataclass(slots=True)
class Query:
    type: str  # "table", "list", "task", "calendar"
    show_id: bool = True
    fields: list[NamedField] = field(default_factory=list)  # TABLE columns; LIST/CALENDAR: 0 or 1
    source: Source = field(default_factory=EmptySource)
    steps: list[Step] = field(default_factory=list)
    text: str = ""  # the query as parsed, so evaluation errors can point at a line

    def position(self, pos: int) -> tuple[int, int]:
        """1-based (line, column) of offset `pos` in the query text."""
        return self.text.count("\n", 0, pos) + 1, pos - (self.text.rfind("\n", 0, pos) + 1) + 1


# ------------------------------------------------------------------------------------- the parser

_WS = re.compile(r"\s*")
_WS1 = re.compile(r"\s+")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_STRING = re.compile(r'"((?:\\.|[^"\\])*)"', re.DOTALL)
_BOOL = re.compile(r"true|false|True|False")
_LINK = re.compile(r"\[\[([^\[\]]*?)\]\]")
_TAG = re.compile(r"#(?:[^\W]|[/-]|[\U0001F000-\U0001FAFF\u2600-\u27BF])*", re.UNICODE)
_IDENT = re.compile(
    r"(?:[^\W\d_]|[\U0001F000-\U0001FAFF\u2600-\u27BF])(?:[\w-]|[\U0001F000-\U0001FAFF\u2600-\u27BF])*"
)
_COMPARE = re.compile(r">=|<=|!=|>|<|=")
_BOOLOP = re.compile(r"and|or|&|\|", re.IGNORECASE)
_PLUSMINUS = re.compile(r"\+|-")
_MULDIV = re.compile(r"\*|/|%")
KEYWORDS = {"FROM", "WHERE", "LIMIT", "GROUP", "FLATTEN"}
DATE_SHORTHANDS = sorted(
    [
        "now", "today", "yesterday", "tomorrow", "sow", "start-of-week", "eow", "end-of-week",
        "soy", "start-of-year", "eoy", "end-of-year", "som", "start-of-month", "eom", "end-of-month",
    ],
    key=len,
    reverse=True,
)  # fmt: skip
_SORT_DIR = re.compile(r"ASCENDING|DESCENDING|ASC|DESC", re.IGNORECASE)


class _Fail(Exception):
    pass


class _Parser:
    def __init__(self, text: str, tz: dt.tzinfo = UTC) -> None:
        self.text = text
        self.tz = tz
        self.far = -1
        self.expected: set[str] = set()
        self.depth = 0

    # ---- failure bookkeeping (furthest failure wins, as in Parsimmon)
    def fail(self, pos: int, what: str) -> None:
        if pos > self.far:
            self.far = pos
            self.expected = {what}
        elif pos == self.far:
            self.expected.add(what)

    def error(self) -> DQLError:
        pos = max(self.far, 0)
        line = self.text.count("\n", 0, pos) + 1
        col = pos - (self.text.rfind("\n", 0, pos) + 1) + 1
        got = self.text[pos : pos + 12]
        exp = " or ".join(sorted(self.expected)) or "end of query"
        got_text = f"'{got}'" if got else "end of input"
        return DQLError(f"Expected {exp}, got {got_text}", line, col)

    def regex(self, rx: re.Pattern[str], pos: int, what: str) -> re.Match[str] | None:
        m = rx.match(self.text, pos)
        if not m:
            self.fail(pos, what)
        return m

    def lit(self, s: str, pos: int) -> int | None:
        if self.text.startswith(s, pos):
            return pos + len(s)
        self.fail(pos, f"'{s}'")
        return None

    def ws(self, pos: int) -> int:
        return _WS.match(self.text, pos).end()  # type: ignore[union-attr]

    def ws1(self, pos: int, what: str = "whitespace") -> int | None:
        m = _WS1.match(self.text, pos)
        if not m:
            self.fail(pos, what)
            return None
        return m.end()

    def sep(self, pos: int, ch: str = ",") -> int | None:
        p = self.ws(pos)
        if self.text.startswith(ch, p):
            return self.ws(p + 1)
        self.fail(p, f"'{ch}'")
        return None

    # ---- expressions
    def field(self, pos: int) -> tuple[Expr, int] | None:
        self.depth += 1
        try:
            if self.depth > 200:
                raise DQLError("Expression is nested too deeply", *self._linecol(pos))
            return self.binary(pos, 0)
        finally:
            self.depth -= 1

    def _linecol(self, pos: int) -> tuple[int, int]:
        return self.text.count("\n", 0, pos) + 1, pos - (self.text.rfind("\n", 0, pos) + 1) + 1

    _LEVELS: ClassVar[list[tuple[re.Pattern[str], str]]] = [
        (_BOOLOP, "'and' or 'or'"),
        (_COMPARE, "comparison"),
        (_PLUSMINUS, "'+' or '-'"),
        (_MULDIV, "'*' or '/'"),
    ]

    def binary(self, pos: int, level: int) -> tuple[Expr, int] | None:
        if level == len(self._LEVELS):
            return self.index_field(pos)
        rx, what = self._LEVELS[level]
        first = self.binary(pos, level + 1)
        if first is None:
            return None
        node, pos = first
        while True:
            p = self.ws(pos)
            m = self.regex(rx, p, what)
            if not m:
                break
            op = m.group(0)
            if level == 0:
                op = {"and": "&", "or": "|"}.get(op.lower(), op)
            q = self.ws(m.end())
            right = self.binary(q, level + 1)
            if right is None:
                break
            node = BinaryOp(node, op, right[0], pos=node.pos)
            pos = right[1]
        return node, pos

    def index_field(self, pos: int) -> tuple[Expr, int] | None:
        atom = self.atom(pos)
        if atom is None:
            return None
        node, pos = atom
        start = node.pos
        while True:
            if self.text.startswith(".", pos):
                m = self.regex(_IDENT, pos + 1, "identifier")
                if m:
                    node = Index(node, Literal(m.group(0), pos=pos + 1), pos=start)
                    pos = m.end()
                    continue
            else:
                self.fail(pos, "'.'")
            if self.text.startswith("[", pos):
                p = self.ws(pos + 1)
                inner = self.field(p)
                if inner is not None:
                    q = self.ws(inner[1])
                    if self.text.startswith("]", q):
                        node = Index(node, inner[0], pos=start)
                        pos = q + 1
                        continue
                    self.fail(q, "']'")
            if self.text.startswith("(", pos):
                args = self.sep_by(self.ws(pos + 1), self.field)
                q = self.ws(args[1])
                if self.text.startswith(")", q):
                    node = Call(node, args[0], pos=start)
                    pos = q + 1
                    continue
                self.fail(q, "')'")
            break
        return node, pos

    def sep_by(self, pos: int, item: Any, ch: str = ",") -> tuple[list[Any], int]:
        out = []
        first = item(pos)
        if first is None:
            return out, pos
        out.append(first[0])
        pos = first[1]
        while True:
            p = self.sep(pos, ch)
            if p is None:
                break
            nxt = item(p)
            if nxt is None:
                break
            out.append(nxt[0])
            pos = nxt[1]
        return out, pos

    def atom(self, pos: int) -> tuple[Expr, int] | None:
        t = self.text
        # Embedded link (`![[x]]`) and plain link.
        if t.startswith("![[", pos) or t.startswith("[[", pos):
            embed = t.startswith("!", pos)
            m = _LINK.match(t, pos + (1 if embed else 0))
            if m:
                return Literal(parse_inner_link(m.group(1), embed), pos=pos), m.end()
        if t.startswith("!", pos):
            inner = self.index_field(pos + 1)
            if inner is not None:
                return Negated(inner[0], pos=pos), inner[1]
        if t.startswith("[", pos):
            items = self.sep_by(self.ws(pos + 1), self.field)
            q = self.ws(items[1])
            if t.startswith("]", q):
                return ListExpr(items[0], pos=pos), q + 1
            self.fail(q, "']'")
        if t.startswith("{", pos):
            entries = self.sep_by(self.ws(pos + 1), self.object_entry)
            q = self.ws(entries[1])
            if t.startswith("}", q):
                return ObjectExpr(dict(entries[0]), pos=pos), q + 1
            self.fail(q, "'}'")
        if t.startswith("(", pos):
            lam = self.lambda_field(pos)
            if lam is not None:
                return lam
            inner = self.field(self.ws(pos + 1))
            if inner is not None:
                q = self.ws(inner[1])
                if t.startswith(")", q):
                    return inner[0], q + 1
                self.fail(q, "')'")
        m = _BOOL.match(t, pos)
        if m:
            return Literal(m.group(0).lower() == "true", pos=pos), m.end()
        m = _NUMBER.match(t, pos)
        if m:
            return Literal(parse_number(m.group(0)), pos=pos), m.end()
        m = _STRING.match(t, pos)
        if m:
            return Literal(unescape_string(m.group(1)), pos=pos), m.end()
        if t.startswith("date(", pos):
            p = self.ws(pos + 5)
            value: Expr | None = None
            end = p
            for name in DATE_SHORTHANDS:
                if t.startswith(name, p):
                    value, end = DateShorthand(name, pos=pos), p + len(name)
                    break
            if value is None:
                d = match_date(t, p, self.tz)
                if d:
                    value, end = Literal(d[0], pos=pos), d[1]
            if value is not None:
                q = self.ws(end)
                if t.startswith(")", q):
                    return value, q + 1
        if t.startswith("dur(", pos):
            p = self.ws(pos + 4)
            du = match_duration(t, p)
            if du:
                q = self.ws(du[1])
                if t.startswith(")", q):
                    return Literal(du[0], pos=pos), q + 1
        if t.startswith("null", pos):
            return Literal(None, pos=pos), pos + 4
        m = self.regex(_IDENT, pos, "expression")
        if m:
            if m.group(0).upper() in KEYWORDS:
                self.fail(pos, "expression (not a keyword)")
                return None
            return Variable(m.group(0), pos=pos), m.end()
        return None

    def object_entry(self, pos: int) -> tuple[tuple[str, Expr], int] | None:
        m = _IDENT.match(self.text, pos)
        if m:
            name, p = m.group(0), m.end()
        else:
            s = _STRING.match(self.text, pos)
            if not s:
                self.fail(pos, "object key")
                return None
            name, p = unescape_string(s.group(1)), s.end()
        p = self.ws(p)
        if not self.text.startswith(":", p):
            self.fail(p, "':'")
            return None
        value = self.field(self.ws(p + 1))
        if value is None:
            return None
        return (name, value[0]), value[1]

    def lambda_field(self, pos: int) -> tuple[Expr, int] | None:
        p = self.ws(pos + 1)

        def ident(q: int) -> tuple[str, int] | None:
            m = _IDENT.match(self.text, q)
            return (m.group(0), m.end()) if m else None

        params, p = self.sep_by(p, ident)
        p = self.ws(p)
        if not self.text.startswith(")", p):
            return None
        p = self.ws(p + 1)
        if not self.text.startswith("=>", p):
            return None
        body = self.field(self.ws(p + 2))
        if body is None:
            return None
        _mark_params(body[0], frozenset(params))
        return LambdaExpr(params, body[0], pos=pos), body[1]

    # ---- sources
    def source(self, pos: int) -> tuple[Source, int] | None:
        first = self.atom_source(pos)
        if first is None:
            return None
        node, pos = first
        while True:
            p = self.ws(pos)
            m = self.regex(_BOOLOP, p, "'and' or 'or'")
            if not m:
                break
            op = {"and": "&", "or": "|"}.get(m.group(0).lower(), m.group(0))
            right = self.atom_source(self.ws(m.end()))
            if right is None:
                break
            node = BinarySource(node, op, right[0])
            pos = right[1]
        return node, pos

    def atom_source(self, pos: int) -> tuple[Source, int] | None:
        t = self.text
        if t.startswith("(", pos):
            inner = self.source(self.ws(pos + 1))
            if inner is not None:
                q = self.ws(inner[1])
                if t.startswith(")", q):
                    return inner[0], q + 1
                self.fail(q, "')'")
        if t.startswith("-", pos) or t.startswith("!", pos):
            inner = self.atom_source(pos + 1)
            if inner is not None:
                return NegatedSource(inner[0]), inner[1]
        if t.startswith("outgoing(", pos):
            p = self.ws(pos + 9)
            m = _LINK.match(t, p)
            if m and t.startswith(")", m.end()):
                return LinkSource(parse_inner_link(m.group(1)).path, False), m.end() + 1
        m = _LINK.match(t, pos)
        if m:
            return LinkSource(parse_inner_link(m.group(1)).path, True), m.end()
        m = _STRING.match(t, pos)
        if m:
            return FolderSource(unescape_string(m.group(1))), m.end()
        m = _TAG.match(t, pos)
        if m:
            return TagSource(m.group(0)), m.end()
        self.fail(pos, "source ('\"folder\"', '#tag' or '[[link]]')")
        return None

    # ---- query
    def named_field(self, pos: int) -> tuple[NamedField, int] | None:
        f = self.field(pos)
        if f is None:
            return None
        expr, end = f
        m = _WS1.match(self.text, end)
        if m:
            a = re.compile(r"AS", re.IGNORECASE).match(self.text, m.end())
            if a:
                m2 = _WS1.match(self.text, a.end())
                if m2:
                    ident = _IDENT.match(self.text, m2.end())
                    if ident:
                        return NamedField(ident.group(0), expr), ident.end()
                    s = _STRING.match(self.text, m2.end())
                    if s:
                        return NamedField(unescape_string(s.group(1)), expr), s.end()
                    self.fail(m2.end(), "column name")
        raw = self.text[pos:end]
        name = "".join(part.strip() for part in re.split(r"[\r\n]+", raw))
        return NamedField(name, expr), end

    def query(self) -> Query:
        t = self.text
        pos = self.ws(0)
        m = re.compile(r"TABLE|LIST|TASK|CALENDAR", re.IGNORECASE).match(t, pos)
        if not m:
            self.fail(pos, "query type ('TABLE', 'LIST', 'TASK', or 'CALENDAR')")
            raise self.error()
        qtype = m.group(0).lower()
        pos = m.end()
        query = Query(qtype, text=t)
        if qtype in ("table", "list") and pos < len(t):
            p = self.ws1(pos)
            if p is None:
                raise self.error()
            pos = p
            w = re.compile(r"WITHOUT\s+ID", re.IGNORECASE).match(t, pos)
            if w:
                query.show_id = False
                pos = self.ws(w.end())
            if qtype == "table":
                fields, pos = self.sep_by(pos, self.named_field)
                query.fields = fields
            else:
                f = self.field(pos)
                if f is not None:
                    query.fields = [NamedField(t[pos : f[1]], f[0])]
                    pos = f[1]
        elif qtype == "calendar":
            p = self.ws1(pos)
            f = self.named_field(p) if p is not None else None
            if f is None:
                raise self.error()
            query.fields = [f[0]]
            pos = f[1]
        pos = self.ws(pos)
        fm = re.compile(r"FROM", re.IGNORECASE).match(t, pos)
        if fm:
            p = self.ws1(fm.end())
            src = self.source(p) if p is not None else None
            if src is None:
                raise self.error()
            query.source = src[0]
            pos = self.ws(src[1])
        else:
            self.fail(pos, "'FROM'")
        while pos < len(t):
            step = self.clause(pos)
            if step is None:
                raise self.error()
            query.steps.append(step[0])
            pos = self.ws(step[1])
        return query

    def clause(self, pos: int) -> tuple[Step, int] | None:
        t = self.text

        def kw(word: str) -> int | None:
            m = re.compile(word, re.IGNORECASE).match(t, pos)
            if not m:
                self.fail(pos, f"'{word.replace(' ', ' ')}'")
                return None
            return self.ws1(m.end())

        p = kw("WHERE")
        if p is not None:
            f = self.field(p)
            if f is not None:
                return WhereStep(f[0]), f[1]
        p = kw("SORT")
        if p is not None:
            keys, end = self.sep_by(p, self.sort_key)
            if keys:
                return SortStep(keys), end
        p = kw("LIMIT")
        if p is not None:
            f = self.field(p)
            if f is not None:
                return LimitStep(f[0]), f[1]
        p = kw("GROUP BY")
        if p is not None:
            f = self.named_field(p)
            if f is not None:
                return GroupStep(f[0]), f[1]
        p = kw("FLATTEN")
        if p is not None:
            f = self.named_field(p)
            if f is not None:
                return FlattenStep(f[0]), f[1]
        return None

    def sort_key(self, pos: int) -> tuple[SortKey, int] | None:
        f = self.field(pos)
        if f is None:
            return None
        p = self.ws(f[1])
        m = _SORT_DIR.match(self.text, p)
        if m:
            return SortKey(f[0], m.group(0).lower().startswith("desc")), m.end()
        return SortKey(f[0], False), f[1]


def strip_comments(text: str) -> str:
    """Blank out `//` comment lines (keeping offsets, so error positions stay true)."""
    return "\n".join(" " * len(line) if line.lstrip().startswith("//") else line for line in text.split("\n"))


def parse_query(text: str, tz: dt.tzinfo = UTC) -> Query:
    """Parse a whole DQL query; raises `DQLError`."""
    p = _Parser(strip_comments(text), tz)
    try:
        return p.query()
    except RecursionError:
        raise DQLError("Query is nested too deeply") from None


def parse_expression(text: str, tz: dt.tzinfo = UTC) -> Expr:
    """Parse one expression (an inline `= expr` query); raises `DQLError`."""
    p = _Parser(text, tz)
    try:
        start = p.ws(0)
        r = p.field(start)
        if r is not None:
            end = p.ws(r[1])
            if end == len(text):
                return r[0]
            p.fail(end, "end of expression")
        raise p.error()
    except RecursionError:
        raise DQLError("Expression is nested too deeply") from None


__all__ = [
    "DQLError",
    "Duration",
    "Link",
    "child_nodes",
    "parse_expression",
    "parse_query",
]


def child_nodes(node: Any) -> list[Any]:
    """The nodes directly under `node`: its slots' values, and the items of its lists and dicts."""
    out: list[Any] = []
    for slot in getattr(node, "__slots__", ()):
        value = getattr(node, slot, None)
        items = value if isinstance(value, list) else value.values() if isinstance(value, dict) else (value,)
        out.extend(item for item in items if hasattr(item, "__slots__"))
    return out


def _mark_params(node: Any, params: frozenset[str]) -> None:
    """Make `[name]` indices inside a lambda body that name one of its parameters evaluate (`Param`)."""
    if isinstance(node, Index) and type(node.index) is Variable and node.index.name in params:
        node.index = Param(node.index.name, pos=node.index.pos)
    for slot in getattr(node, "__slots__", ()):
        child = getattr(node, slot, None)
        if isinstance(child, Expr):
            _mark_params(child, params)
        elif isinstance(child, list):
            for item in child:
                if isinstance(item, Expr):
                    _mark_params(item, params)
        elif isinstance(child, dict):
            for item in child.values():
                if isinstance(item, Expr):
                    _mark_params(item, params)
