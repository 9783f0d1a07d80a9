"""Dataview's built-in functions, with its argument-type dispatch and vectorisation.

Each function is a list of variants (argument types, `*` for any) tried in order, plus the argument
positions over which it maps when given arrays (`lower(list("A", "B"))` is `["a", "b"]`), as in
Dataview's `FunctionBuilder`. Regular expressions are JavaScript's; `jsregex` translates the parts of
the syntax that differ in Python's `re` and rejects what JavaScript rejects (such as `(?i)`); they run on
the `regex` package's engine, which has a time limit (`timed`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
from collections.abc import Callable
from typing import Any, Protocol

import regex

from . import datemath
from .dateformat import format_date, parse_date_format
from .errors import EvalError, check_size, clean_number
from .values import (
    NUMBER_RE,
    Duration,
    ExternalLink,
    Link,
    match_date,
    match_duration,
    normalize_duration,
    to_string,
    truthy,
    type_of,
)


class Context(Protocol):
    """What a function reads of the evaluation that calls it (`evaluate.Context`, which looks functions
    up in this module: a protocol rather than that class keeps the two modules free of an import cycle)."""

    settings: Any  # evaluate.Settings: the clock, the zone and link handling

    def compare(self, a: Any, b: Any) -> int: ...

    def index_value(self, obj: Any, idx: Any) -> Any: ...

    def binary(self, op: str, a: Any, b: Any) -> Any: ...


Impl = Callable[..., Any]


class Builder:
    """Typed variants and vectorised positions for one function (Dataview's `FunctionBuilder`)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.variants: list[tuple[tuple[str, ...] | None, Impl]] = []
        self.vectorized: dict[int, list[int]] = {}

    def add(self, *types: str) -> Callable[[Impl], Impl]:
        def deco(fn: Impl) -> Impl:
            self.variants.append((types, fn))
            return fn

        return deco

    def vararg(self, fn: Impl) -> Impl:
        self.variants.append((None, fn))
        return fn

    def vectorize(self, nargs: int, positions: list[int]) -> Builder:
        self.vectorized[nargs] = positions
        return self

    def __call__(self, ctx: Context, *args: Any) -> Any:
        types = [type_of(a) for a in args]
        positions = [p for p in self.vectorized.get(len(args), []) if types[p] == "array"]
        if positions:
            n = min(len(args[p]) for p in positions)
            return [
                self(ctx, *[args[i][k] if i in positions else args[i] for i in range(len(args))])
                for k in range(n)
            ]
        for sig, fn in self.variants:
            if sig is None:
                return fn(ctx, *args)
            if len(sig) != len(types):
                continue
            if all(s == "*" or s == t for s, t in zip(sig, types)):
                return fn(ctx, *args)
        raise EvalError(f"No implementation of '{self.name}' found for arguments: {', '.join(types)}")


FUNCTIONS: dict[str, Any] = {}


def builder(name: str, *aliases: str) -> Builder:
    b = Builder(name)
    FUNCTIONS[name] = b
    for a in aliases:
        FUNCTIONS[a] = b
    return b


def _null(*_: Any) -> None:
    return None


def _num(x: float) -> float:
    return clean_number(x)


def _call(ctx: Context, f: Any, *args: Any) -> Any:
    return f(*args)


# ------------------------------------------------------------------------------- JavaScript regex

_JS_FLAG_GROUP = re.compile(r"\(\?[a-zA-Z]")


# Seconds all the regular expressions of one query may take together (`timed`).
REGEX_BUDGET_SECONDS = 2.0
_REGEX_NOTICE = (
    f"regular expressions took longer than the query's {REGEX_BUDGET_SECONDS:g} s in all; the rows "
    "still to test were left out"
)


def timed(ctx: Context, method: Callable[..., Any], *args: Any) -> Any:
    """`method(*args, timeout=...)` of a compiled pattern, within what is left of the query's budget
    for regular expressions (`evaluate.Context.regex_budget`). Past it the call fails as an expression
    fails (its row is dropped), and the query is reported once. Python's `re` has no time limit, and a
    pattern such as `(a|aa)+$` backtracks for hours: the `regex` package's engine takes a timeout."""
    budget = getattr(ctx, "regex_budget", None)
    if budget is None:
        return method(*args)
    start = time.perf_counter()
    try:
        result = method(*args, timeout=max(budget, 0.0))
    except TimeoutError:
        ctx.regex_budget = 0.0
        if _REGEX_NOTICE not in ctx.notices:  # one notice per query
            ctx.notices.append(_REGEX_NOTICE)
        raise EvalError("regular expression timed out") from None
    ctx.regex_budget = budget - (time.perf_counter() - start)
    return result


def jsregex(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """Compile a JavaScript regular expression (no flags) with Python's `re`, translating the differences.

    `$` matches only at the very end; `\\d`, `\\w`, `\\b` are ASCII; `(?<name>...)` and `\\k<name>` are
    named groups; `[^]` matches anything; inline flags such as `(?i)` are a syntax error as in JS.
    """
    out = []
    i = 0
    in_class = False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt == "k" and pattern.startswith("<", i + 2):
                end = pattern.find(">", i)
                out.append(f"(?P={pattern[i + 3 : end]})")
                i = end + 1
                continue
            if nxt == "/" or nxt == "-" and not in_class:
                out.append("\\" + nxt if nxt == "-" else "/")
                i += 2
                continue
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
            out.append(ch)
            i += 1
            continue
        if ch == "[":
            if pattern.startswith("[^]", i):
                out.append(r"[\s\S]")
                i += 3
                continue
            in_class = True
            out.append(ch)
            # A leading ']' is literal in Python but closes an empty class in JS; keep it simple.
            i += 1
            continue
        if ch == "(" and pattern.startswith("(?<", i) and not pattern.startswith(("(?<=", "(?<!"), i):
            out.append("(?P<")
            i += 3
            continue
        if ch == "(" and _JS_FLAG_GROUP.match(pattern, i):
            raise EvalError(f"Invalid regular expression: /{pattern}/: Invalid group")
        if ch == "$":
            out.append(r"(?![\s\S])")
            i += 1
            continue
        out.append(ch)
        i += 1
    try:
        return regex.compile("".join(out), flags | regex.ASCII | regex.VERSION0)
    except regex.error as e:
        raise EvalError(f"Invalid regular expression: /{pattern}/: {e}") from None
    except RecursionError:
        raise EvalError(f"Invalid regular expression: /{pattern}/") from None


def js_replacement(rep: str) -> Callable[[re.Match[str]], str]:
    """JavaScript `String.replace` replacement patterns: `$1`, `$&`, `$<name>`, `$$` (also for the
    `regex` package's matches, which the bases stage uses)."""

    def fn(m: re.Match[str]) -> str:
        out = []
        i = 0
        while i < len(rep):
            ch = rep[i]
            if ch == "$" and i + 1 < len(rep):
                nxt = rep[i + 1]
                if nxt == "$":
                    out.append("$")
                    i += 2
                    continue
                if nxt == "&":
                    out.append(m.group(0))
                    i += 2
                    continue
                if nxt == "`":
                    out.append(m.string[: m.start()])
                    i += 2
                    continue
                if nxt == "'":
                    out.append(m.string[m.end() :])
                    i += 2
                    continue
                if nxt == "<":
                    end = rep.find(">", i)
                    if end > 0 and m.re.groupindex:
                        out.append(m.group(rep[i + 2 : end]) or "")
                        i = end + 1
                        continue
                if nxt.isdigit():
                    two = rep[i + 1 : i + 3]
                    if len(two) == 2 and two.isdigit() and 0 < int(two) <= m.re.groups:
                        out.append(m.group(int(two)) or "")
                        i += 3
                        continue
                    if 0 < int(nxt) <= m.re.groups:
                        out.append(m.group(int(nxt)) or "")
                        i += 2
                        continue
            out.append(ch)
            i += 1
        return "".join(out)

    return fn


# ---------------------------------------------------------------------------------- constructors

FUNCTIONS["list"] = lambda ctx, *args: list(args)
FUNCTIONS["array"] = FUNCTIONS["list"]


def _object(ctx: Context, *args: Any) -> dict[str, Any]:
    if len(args) % 2:
        raise EvalError("object() requires an even number of arguments")
    out = {}
    for k, v in zip(args[::2], args[1::2]):
        if not isinstance(k, str):
            raise EvalError("keys should be of type string for object(key1, value1, ...)")
        out[k] = v
    return out


FUNCTIONS["object"] = _object

link = builder("link")
link.add("string")(lambda ctx, a: Link(ctx.settings.normalize(a)))
link.add("link")(lambda ctx, a: a)
link.add("null")(_null)
link.vectorize(1, [0])
link.add("string", "string")(lambda ctx, t, d: Link(ctx.settings.normalize(t), None, d))
link.add("link", "string")(lambda ctx, t, d: t.with_display(d))
link.add("null", "*")(_null)
link.add("*", "null")(lambda ctx, t, _n: link(ctx, t))
link.vectorize(2, [0, 1])

embed = builder("embed")
embed.add("link")(lambda ctx, a: a.with_embed(True))
embed.add("link", "boolean")(lambda ctx, a, e: a.with_embed(e))
embed.add("null")(_null)
embed.add("null", "*")(_null)
embed.vectorize(1, [0])
embed.vectorize(2, [0])

elink = builder("elink")
elink.add("string", "string")(lambda ctx, a, d: ExternalLink(a, d))
elink.add("string", "null")(lambda ctx, a, _n: ExternalLink(a, a))
elink.add("null", "*")(_null)
elink.vectorize(2, [0])
elink.add("string")(lambda ctx, a: ExternalLink(a, a))
elink.add("null")(_null)
elink.vectorize(1, [0])


def _parse_date_str(ctx: Context, s: str) -> dt.datetime | None:
    m = match_date(s, 0, ctx.settings.tz)
    return m[0] if m and m[1] == len(s) else None


def _date_from_link(ctx: Context, lk: Link) -> Any:
    if lk.display:
        d = _parse_date_str(ctx, lk.display)
        if d:
            return d
    d = _parse_date_str(ctx, lk.path)
    if d:
        return d
    page = ctx.settings.resolve(lk.path)
    if page and isinstance(page.get("file"), dict) and page["file"].get("day"):
        return page["file"]["day"]
    return None


date = builder("date")
date.add("string")(_parse_date_str)
date.add("date")(lambda ctx, d: d)
date.add("link")(_date_from_link)
date.add("null")(_null)
date.vectorize(1, [0])
date.add("string", "string")(lambda ctx, s, f: parse_date_format(s, f, ctx.settings.tz))
date.add("null", "*")(_null)
date.vectorize(2, [0])


def _dur_str(ctx: Context, s: str) -> Any:
    s = s.strip()
    m = match_duration(s, 0)
    return m[0] if m and m[1] == len(s) else None


dur = builder("dur")
dur.add("string")(_dur_str)
dur.add("duration")(lambda ctx, d: d)
dur.add("null")(_null)
dur.vectorize(1, [0])

dateformat = builder("dateformat")
dateformat.add("date", "string")(lambda ctx, d, f: format_date(d, f))
dateformat.add("null", "string")(_null)
dateformat.vectorize(2, [0])


def _durationformat(ctx: Context, d: Duration, fmt: str) -> str:
    """Luxon `Duration.toFormat`: shift into the units the format names, then print them."""
    tokens = {"y": "years", "M": "months", "w": "weeks", "d": "days", "h": "hours", "m": "minutes",
              "s": "seconds", "S": "milliseconds"}  # fmt: skip
    parts: list[tuple[bool, str]] = []
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == "'":
            j = fmt.find("'", i + 1)
            j = len(fmt) if j < 0 else j
            parts.append((True, fmt[i + 1 : j]))
            i = j + 1
            continue
        j = i
        while j < len(fmt) and fmt[j] == ch:
            j += 1
        parts.append((ch not in tokens, fmt[i:j]))
        i = j
    units = [tokens[p[0]] for lit, p in parts if not lit]
    shifted = d.shift_to(*units).as_dict() if units else {}
    out = []
    for lit, p in parts:
        if lit:
            out.append(p)
        else:
            v = math.trunc(shifted.get(tokens[p[0]], 0))
            out.append(str(abs(v)).rjust(len(p), "0") if v >= 0 else "-" + str(abs(v)).rjust(len(p), "0"))
    return "".join(out)


durationformat = builder("durationformat")
durationformat.add("duration", "string")(_durationformat)
durationformat.add("null", "string")(_null)
durationformat.vectorize(2, [0])

localtime = builder("localtime")
localtime.add("date")(lambda ctx, d: d.astimezone(ctx.settings.tz))
localtime.add("null")(_null)
localtime.vectorize(1, [0])


def _number_from_string(ctx: Context, s: str) -> Any:
    m = NUMBER_RE.search(s)
    return _num(float(m.group(0))) if m else None


number = builder("number")
number.add("number")(lambda ctx, a: a)
number.add("string")(_number_from_string)
number.add("null")(_null)
number.vectorize(1, [0])

string = builder("string")
string.add("*")(lambda ctx, a: to_string(a))

FUNCTIONS["typeof"] = lambda ctx, *args: _typeof(args)


def _typeof(args: tuple[Any, ...]) -> str:
    if len(args) != 1:
        raise EvalError(f"No implementation of 'typeof' found for {len(args)} arguments")
    return type_of(args[0])


# --------------------------------------------------------------------------------------- numbers


def _round(ctx: Context, n: float, p: Any = None) -> float:
    if p is None or p <= 0:
        return _num(float(math.floor(n + 0.5)))
    # JavaScript's toFixed rounds the decimal expansion of the double: use Decimal for the same digits.
    from decimal import ROUND_HALF_UP, Decimal

    q = Decimal(n).quantize(Decimal(1).scaleb(-int(p)), rounding=ROUND_HALF_UP)
    return _num(float(q))


round_ = builder("round")
round_.add("number")(lambda ctx, n: _round(ctx, n))
round_.add("null")(_null)
round_.vectorize(1, [0])
round_.add("number", "number")(_round)
round_.add("number", "null")(lambda ctx, n, _p: _round(ctx, n))
round_.add("null", "*")(_null)
round_.vectorize(2, [0])

for _name, _fn in (("trunc", math.trunc), ("floor", math.floor), ("ceil", math.ceil)):
    _b = builder(_name)
    _b.add("number")(lambda ctx, n, f=_fn: n if math.isinf(n) or math.isnan(n) else _num(float(f(n))))
    _b.add("null")(_null)
    _b.vectorize(1, [0])

minimum = builder("min")
minimum.add("*", "null")(lambda ctx, a, _n: a)
minimum.add("null", "*")(lambda ctx, _n, a: a)
minimum.add("*", "*")(lambda ctx, a, b: a if ctx.compare(a, b) <= 0 else b)
minimum.add("array")(lambda ctx, a: minimum(ctx, *a))


@minimum.vararg
def _min_var(ctx: Context, *args: Any) -> Any:
    if not args:
        return None
    acc = args[0]
    for x in args[1:]:
        acc = minimum(ctx, acc, x)
    return acc


maximum = builder("max")
maximum.add("*", "null")(lambda ctx, a, _n: a)
maximum.add("null", "*")(lambda ctx, _n, a: a)
maximum.add("*", "*")(lambda ctx, a, b: a if ctx.compare(a, b) > 0 else b)
maximum.add("array")(lambda ctx, a: maximum(ctx, *a))


@maximum.vararg
def _max_var(ctx: Context, *args: Any) -> Any:
    if not args:
        return None
    acc = args[0]
    for x in args[1:]:
        acc = maximum(ctx, acc, x)
    return acc


def _by(ctx: Context, arr: list[Any], f: Any, want_min: bool) -> Any:
    if not arr:
        return None
    pairs = [(v, f(v)) for v in arr]
    pairs = [p for p in pairs if p[1] is not None]
    if not pairs:
        return arr[0]
    best = pairs[0]
    for p in pairs[1:]:
        c = ctx.compare(best[1], p[1])
        if (c <= 0) if want_min else (c > 0):
            continue
        best = p
    return best[0]


minby = builder("minby")
minby.add("array", "function")(lambda ctx, a, f: _by(ctx, a, f, True))
minby.add("null", "function")(_null)
maxby = builder("maxby")
maxby.add("array", "function")(lambda ctx, a, f: _by(ctx, a, f, False))
maxby.add("null", "function")(_null)


def _reduce_op(ctx: Context, lis: list[Any], op: str) -> Any:
    if not lis:
        return None
    if op not in ("+", "-", "*", "/", "&", "|"):
        raise EvalError("reduce(array, op) supports '+', '-', '/', '*', '&', and '|'")
    value = lis[0]
    for x in lis[1:]:
        value = ctx.binary(op, value, x)
    return value


def _reduce_fn(ctx: Context, lis: list[Any], f: Any) -> Any:
    if not lis:
        return None
    value = lis[0]
    for x in lis[1:]:
        if x is None:
            continue
        value = f(value, x)
    return value


reduce_ = builder("reduce")
reduce_.add("array", "string")(_reduce_op)
reduce_.add("array", "function")(_reduce_fn)
reduce_.add("null", "*")(_null)
reduce_.add("*", "null")(_null)
reduce_.vectorize(2, [1])

sum_ = builder("sum")
sum_.add("array")(lambda ctx, a: _reduce_op(ctx, a, "+"))
sum_.add("*")(lambda ctx, e: e)

product = builder("product")
product.add("array")(lambda ctx, a: _reduce_op(ctx, a, "*"))
product.add("*")(lambda ctx, e: e)


def _average(ctx: Context, arr: list[Any]) -> Any:
    if not arr:
        return None
    total = _reduce_op(ctx, arr, "+")
    if total is None:  # a list of nulls sums to null, and Dataview stops there
        return None
    return ctx.binary("/", total, len(arr))


average = builder("average")
average.add("array")(_average)
average.add("*")(lambda ctx, e: e)

# ------------------------------------------------------------------------------ lists and objects

length = builder("length")
length.add("array")(lambda ctx, a: len(a))
length.add("object")(lambda ctx, a: len(a))
length.add("string")(lambda ctx, a: len(a.encode("utf-16-le")) // 2)
length.add("null")(lambda ctx, a: 0)


def _contains_in_list(ctx: Context, items: list[Any], needle: Any) -> bool:
    """`contains(items, needle)` for a `needle` that is not a list (a list needle is vectorised before
    this variant is chosen, and stays the same down nested lists): for each item what `contains` picks
    by the item's type, in the same order and stopping at the same item, without going through the
    dispatcher for each (a template's WHERE looks through every candidate's list of links: most of a
    build's calls of `contains`)."""
    needle_is_string = type_of(needle) == "string"
    for item in items:
        kind = type_of(item)
        if kind == "array":
            found: Any = _contains_in_list(ctx, item, needle)
        elif needle_is_string and (kind == "string" or kind == "object"):
            found = needle in item
        else:
            found = ctx.binary("=", item, needle)
        if found:
            return True
    return False


contains = builder("contains")
contains.add("array", "*")(_contains_in_list)
contains.add("string", "string")(lambda ctx, h, n: n in h)
contains.add("object", "string")(lambda ctx, o, k: k in o)
contains.add("*", "*")(lambda ctx, a, b: ctx.binary("=", a, b))
contains.vectorize(2, [1])

icontains = builder("icontains")
icontains.add("array", "*")(lambda ctx, lst, e: any(icontains(ctx, x, e) for x in lst))
icontains.add("string", "string")(lambda ctx, h, n: n.lower() in h.lower())
icontains.add("object", "string")(lambda ctx, o, k: k in o)
icontains.add("*", "*")(lambda ctx, a, b: ctx.binary("=", a, b))
icontains.vectorize(2, [1])

econtains = builder("econtains")
econtains.add("array", "*")(lambda ctx, lst, e: any(ctx.binary("=", e, x) for x in lst))
econtains.add("string", "string")(lambda ctx, h, n: n in h)
econtains.add("object", "string")(lambda ctx, o, k: k in o)
econtains.add("*", "*")(lambda ctx, a, b: ctx.binary("=", a, b))
econtains.vectorize(2, [1])

containsword = builder("containsword")
# JavaScript: /.*\bNEEDLE\b.*/i — ASCII word boundaries, case folded per character (not only ASCII).
containsword.add("string", "string")(
    lambda ctx, h, n: re.search(r"\b" + re.escape(n.lower()) + r"\b", h.lower(), re.ASCII) is not None
)
containsword.add("null", "*")(_null)
containsword.add("*", "null")(_null)
containsword.vectorize(2, [0, 1])


def _extract(ctx: Context, *args: Any) -> Any:
    if not args:
        return "extract(object, key1, ...) requires at least 1 argument"
    obj = args[0]
    if isinstance(obj, list):
        return [_extract(ctx, v, *args[1:]) for v in obj]
    out = {}
    for k in args[1:]:
        if not isinstance(k, str):
            raise EvalError("extract(object, key1, ...) must be called with string keys")
        out[k] = ctx.index_value(obj, k)
    return out


FUNCTIONS["extract"] = _extract

reverse = builder("reverse")
reverse.add("array")(lambda ctx, a: list(reversed(a)))
reverse.add("string")(lambda ctx, s: s[::-1])
reverse.add("*")(lambda ctx, e: e)


def _sort(ctx: Context, lst: list[Any], key: Any = None) -> list[Any]:
    import functools

    keyf = key if key is not None else (lambda v: v)
    keyed = [(keyf(v), v) for v in lst]

    def cmp(a: tuple[Any, Any], b: tuple[Any, Any]) -> int:
        return ctx.compare(a[0], b[0])

    return [v for _, v in sorted(keyed, key=functools.cmp_to_key(cmp))]


sort = builder("sort")
sort.add("array")(lambda ctx, a: _sort(ctx, a))
sort.add("array", "function")(_sort)
sort.add("*")(lambda ctx, e: e)


def _unique(ctx: Context, arr: list[Any]) -> list[Any]:
    # Dataview 0.5.70 returns the distinct values in sorted order (see the conformance corpus, q117).
    out: list[Any] = []
    for v in arr:
        if not any(ctx.compare(v, o) == 0 for o in out):
            out.append(v)
    return _sort(ctx, out)


unique = builder("unique")
unique.add("array")(_unique)
unique.add("*")(lambda ctx, e: e)


def _flat(ctx: Context, arr: list[Any], depth: Any = 1) -> list[Any]:
    out: list[Any] = []
    for v in arr:
        if isinstance(v, list) and depth >= 1:
            out.extend(_flat(ctx, v, depth - 1))
        else:
            out.append(v)
    return out


flat = builder("flat")
flat.add("array")(_flat)
flat.add("array", "number")(_flat)
flat.add("*")(lambda ctx, e: e)


def _slice(ctx: Context, arr: list[Any], start: Any = None, end: Any = None) -> list[Any]:
    n = len(arr)

    def norm(i: Any, default: int) -> int:
        if i is None:
            return default
        i = int(i)
        return max(n + i, 0) if i < 0 else min(i, n)

    return arr[norm(start, 0) : norm(end, n)]


slice_ = builder("slice")
slice_.add("array")(_slice)
slice_.add("array", "number")(_slice)
slice_.add("array", "number", "number")(_slice)
slice_.add("null")(_null)
slice_.add("null", "*")(_null)
slice_.add("null", "*", "*")(_null)

nonnull = builder("nonnull")
nonnull.add("array")(lambda ctx, a: [x for x in a if x is not None])
nonnull.vararg(lambda ctx, *args: [a for a in args if a is not None])


def _firstvalue(ctx: Context, arr: list[Any]) -> Any:
    for v in arr:
        if v is not None:
            return v
    return None


firstvalue = builder("firstvalue")
firstvalue.add("array")(_firstvalue)
firstvalue.add("null")(_null)

for _name, _agg, _neg in (("any", any, False), ("all", all, False), ("none", any, True)):
    _b = builder(_name)
    _b.add("array")(lambda ctx, a, g=_agg, n=_neg: n ^ g(truthy(v) for v in a))
    _b.add("array", "function")(lambda ctx, a, f, g=_agg, n=_neg: n ^ g(truthy(f(v)) for v in a))
    _b.vararg(lambda ctx, *a, g=_agg, n=_neg: n ^ g(truthy(v) for v in a))

filter_ = builder("filter")
filter_.add("array", "function")(lambda ctx, a, f: [v for v in a if truthy(f(v))])
filter_.add("null", "*")(_null)

map_ = builder("map")
map_.add("array", "function")(lambda ctx, a, f: [f(v) for v in a])
map_.add("null", "*")(_null)

join = builder("join")
join.add("array", "string")(lambda ctx, a, s: s.join(to_string(e) for e in a))
join.add("array", "null")(lambda ctx, a, _n: ", ".join(to_string(e) for e in a))
join.add("*", "string")(lambda ctx, e, _s: to_string(e))
join.add("array")(lambda ctx, a: ", ".join(to_string(e) for e in a))
join.add("*")(lambda ctx, e: to_string(e))
join.vectorize(2, [1])

meta = builder("meta")
meta.add("link")(
    lambda ctx, lk: {
        "display": lk.display,
        "embed": lk.embed,
        "path": lk.path,
        "subpath": lk.subpath,
        "type": lk.type,
    }
)


# ---------------------------------------------------------------------------------------- strings


def _regextest(ctx: Context, pattern: str, field: str) -> bool:
    return timed(ctx, jsregex(pattern).search, field) is not None


def _regexmatch(ctx: Context, pattern: str, field: str) -> bool:
    if not pattern.startswith("^") and not pattern.endswith("$"):
        pattern = "^" + pattern + "$"
    return timed(ctx, jsregex(pattern).search, field) is not None


for _name, _fn2 in (("regextest", _regextest), ("regexmatch", _regexmatch)):
    _b = builder(_name)
    _b.add("string", "string")(_fn2)
    _b.add("null", "*")(lambda ctx, *_: False)
    _b.add("*", "null")(lambda ctx, *_: False)
    _b.vectorize(2, [0, 1])


def _regexreplace(ctx: Context, field: str, pat: str, rep: str) -> str:
    return timed(ctx, jsregex(pat).sub, js_replacement(rep), field)


regexreplace = builder("regexreplace")
regexreplace.add("string", "string", "string")(_regexreplace)
regexreplace.add("null", "*", "*")(_null)
regexreplace.add("*", "null", "*")(_null)
regexreplace.add("*", "*", "null")(_null)
regexreplace.vectorize(3, [0, 1, 2])

replace = builder("replace")
replace.add("string", "string", "string")(
    lambda ctx, s, pat, rep: rep.join(s.split(pat)) if pat else rep.join(list(s)) if s else s
)
replace.add("null", "*", "*")(_null)
replace.add("*", "null", "*")(_null)
replace.add("*", "*", "null")(_null)
replace.vectorize(3, [0, 1, 2])

lower = builder("lower")
lower.add("string")(lambda ctx, s: s.lower())
lower.add("null")(_null)
lower.vectorize(1, [0])

upper = builder("upper")
upper.add("string")(lambda ctx, s: s.upper())
upper.add("null")(_null)
upper.vectorize(1, [0])


def _split(ctx: Context, s: str, delim: str, limit: Any = None) -> list[str]:
    rx = jsregex(delim)
    if s == "":
        parts = [] if rx.fullmatch("") else [""]
    else:
        parts = [p or "" for p in timed(ctx, rx.split, s)]
        # JavaScript ignores an empty match at the very start and end of the string.
        if rx.match("") is not None and parts and parts[0] == "":
            parts = parts[1:]
        if rx.match("") is not None and parts and parts[-1] == "":
            parts = parts[:-1]
    if limit is not None:
        parts = parts[: max(int(limit), 0)]
    return parts


split = builder("split")
split.add("string", "string")(_split)
split.add("string", "string", "number")(_split)
split.add("null", "*")(_null)
split.add("*", "null")(_null)
split.add("*", "*", "null")(_null)
split.add("*", "null", "*")(_null)
split.add("null", "*", "*")(_null)

startswith = builder("startswith")
startswith.add("string", "string")(lambda ctx, s, p: s.startswith(p))
startswith.add("null", "*")(_null)
startswith.add("*", "null")(_null)
startswith.vectorize(2, [0, 1])

endswith = builder("endswith")
endswith.add("string", "string")(lambda ctx, s, p: s.endswith(p))
endswith.add("null", "*")(_null)
endswith.add("*", "null")(_null)
endswith.vectorize(2, [0, 1])


def _pad(s: str, n: float, pad: str, left: bool) -> str:
    check_size(n)
    n = int(n)
    if n <= len(s) or not pad:
        return s
    need = n - len(s)
    filler = (pad * (need // len(pad) + 1))[:need]
    return filler + s if left else s + filler


for _name, _left in (("padleft", True), ("padright", False)):
    _b = builder(_name)
    _b.add("string", "number")(lambda ctx, s, n, L=_left: _pad(s, n, " ", L))
    _b.add("string", "number", "string")(lambda ctx, s, n, p, L=_left: _pad(s, n, p, L))
    _b.add("null", "*")(_null)
    _b.add("*", "null")(_null)
    _b.add("null", "*", "*")(_null)
    _b.add("*", "null", "*")(_null)
    _b.add("*", "*", "null")(_null)
    _b.vectorize(2, [0, 1])
    _b.vectorize(3, [0, 1, 2])


def _substring(ctx: Context, s: str, start: float, end: Any = None) -> str:
    n = len(s)

    def clamp(i: float) -> int:
        if isinstance(i, float) and math.isnan(i):
            return 0
        return max(0, min(int(i), n))

    a = clamp(start)
    b = n if end is None else clamp(end)
    if a > b:
        a, b = b, a
    return s[a:b]


substring = builder("substring")
substring.add("string", "number")(_substring)
substring.add("string", "number", "number")(_substring)
substring.add("null", "*")(_null)
substring.add("null", "*", "*")(_null)
substring.vectorize(2, [0])
substring.vectorize(3, [0])


def _truncate(ctx: Context, s: str, n: float, suffix: str = "...") -> str:
    n = int(n)
    if len(s) > n:
        return s[: max(n - len(suffix), 0)] + suffix
    return s


truncate = builder("truncate")
truncate.add("string", "number")(_truncate)
truncate.add("string", "number", "string")(_truncate)
truncate.add("null", "*")(_null)
truncate.add("null", "*", "*")(_null)
truncate.vectorize(2, [0])
truncate.vectorize(3, [0])

# ---------------------------------------------------------------------------------------- utility

fdefault = builder("default")
fdefault.add("*", "*")(lambda ctx, v, d: d if v is None else v)
fdefault.vectorize(2, [0, 1])

ldefault = builder("ldefault")
ldefault.add("*", "*")(lambda ctx, v, d: d if v is None else v)

choice = builder("choice")
choice.add("*", "*", "*")(lambda ctx, b, x, y: x if truthy(b) else y)
choice.vectorize(3, [0])

striptime = builder("striptime")
striptime.add("date")(lambda ctx, d: dt.datetime(d.year, d.month, d.day, tzinfo=ctx.settings.tz))
striptime.add("null")(_null)
striptime.vectorize(1, [0])

_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_WIKI = re.compile(r"!?\[\[([^\]]*?)\]\]")
_EMPH = re.compile(r"(\*\*|__|\*|_|~~|==)(.+?)\1")


def _display_text(v: Any) -> str:
    t = type_of(v)
    if t == "null":
        return ""
    if t == "string":
        s = _WIKI.sub(lambda m: m.group(1).split("|", 1)[1] if "|" in m.group(1) else m.group(1), v)
        s = _MD_LINK.sub(lambda m: m.group(1), s)
        prev = None
        while prev != s:
            prev, s = s, _EMPH.sub(lambda m: m.group(2), s)
        return s
    if t == "link":
        return v.display_text()
    if t == "array":
        return ", ".join(_display_text(x) for x in v)
    if t == "widget":
        return v.display or v.url
    return to_string(v)


display = builder("display")
display.add("*")(lambda ctx, v: _display_text(v))


_U32 = 0xFFFFFFFF


def _imul(a: int, b: int) -> int:
    """JavaScript's `Math.imul` on unsigned 32-bit patterns (the low 32 bits are the same)."""
    return (a * b) & _U32


def cyrb53(text: str, seed: float = 0) -> int:
    """bryc's cyrb53, the public-domain 53-bit string hash Dataview's `hash()` uses (`util/hash.ts`).

    Written out here because `hash()` must give Dataview's numbers (results sort and bucket by them)
    and no packaged Python implementation of this exact function exists. JavaScript hashes UTF-16 code
    units and converts the seed with ToInt32; both are reproduced.
    """
    s = 0 if isinstance(seed, float) and not math.isfinite(seed) else int(seed) & _U32
    h1 = 0xDEADBEEF ^ s
    h2 = 0x41C6CE57 ^ s
    units = text.encode("utf-16-le")
    for i in range(0, len(units), 2):
        ch = units[i] | (units[i + 1] << 8)
        h1 = _imul(h1 ^ ch, 2654435761)
        h2 = _imul(h2 ^ ch, 1597334677)
    h1 = _imul(h1 ^ (h1 >> 16), 2246822507)
    h1 ^= _imul(h2 ^ (h2 >> 13), 3266489909)
    h2 = _imul(h2 ^ (h2 >> 16), 2246822507)
    h2 ^= _imul(h1 ^ (h1 >> 13), 3266489909)
    return 4294967296 * (2097151 & h2) + h1


# Dataview's variants: hash(seed, variant), hash(seed, text), hash(seed, text, variant).
hash_ = builder("hash")
hash_.add("string", "number")(lambda ctx, seed, variant: cyrb53(seed, variant))
hash_.add("string", "string")(lambda ctx, seed, text: cyrb53(seed + text))
hash_.add("string", "string", "number")(lambda ctx, seed, text, variant: cyrb53(seed + text, variant))


def _currencyformat(ctx: Context, n: float, currency: str = "USD") -> str:
    symbols = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
    sym = symbols.get(currency.upper(), currency.upper() + "\u00a0")
    digits = 0 if currency.upper() == "JPY" else 2
    body = f"{abs(n):,.{digits}f}"
    return ("-" if n < 0 else "") + sym + body


currencyformat = builder("currencyformat")
currencyformat.add("number")(_currencyformat)
currencyformat.add("number", "string")(_currencyformat)
currencyformat.add("null")(_null)
currencyformat.add("null", "*")(_null)

__all__ = ["FUNCTIONS", "datemath", "jsregex", "normalize_duration"]
