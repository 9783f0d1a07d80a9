"""The functions of Bases' help page "Functions": the global ones and the methods of each type.

Dates are formatted with Moment.js tokens (`YYYY-MM-DD`), which `arrow` implements (its `format`
tokens are Moment's), and `relative()` is arrow's `humanize`, Moment's wording ("3 days ago").
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import arrow

from ..dataview.functions import js_replacement
from .rows import Scope, link_value
from .values import (
    DURATION_UNITS_MS,
    Duration,
    EvalError,
    FileRef,
    Html,
    Icon,
    Image,
    Link,
    Pattern,
    as_moment,
    equals,
    is_date,
    is_number,
    number_text,
    parse_date,
    parse_duration,
    sort_key,
    to_text,
    truthy,
    type_name,
)

# `ev` below is the `evaluate.Evaluator` calling: typed `Any` since evaluate imports this module (the
# import contract forbids cycles, type-checking imports included).
Evaluator = Any

MAX_REPEAT = 100_000  # characters `repeat()` may produce: a base must not exhaust the build's memory


def _need(args: list[Any], n_min: int, n_max: int, name: str) -> None:
    if not n_min <= len(args) <= n_max:
        want = str(n_min) if n_min == n_max else f"{n_min} to {n_max}"
        raise EvalError(f"{name}() takes {want} argument{'s' if n_max != 1 else ''}, got {len(args)}")


def _number(v: Any, name: str) -> float:
    if isinstance(v, bool) or not is_number(v):
        raise EvalError(f"{name}() needs a number, got {type_name(v)}")
    return v


def _text(v: Any, name: str) -> str:
    if not isinstance(v, str):
        raise EvalError(f"{name}() needs text, got {type_name(v)}")
    return v


def to_date(value: Any, tz: dt.tzinfo) -> dt.date:
    if is_date(value):
        return value
    if isinstance(value, str):
        found = parse_date(value.strip().replace("/", "-"), tz)
        if found is not None:
            return found
        raise EvalError(f'"{value}" is not a date (expected YYYY-MM-DD HH:mm:ss)')
    if is_number(value):
        return dt.datetime.fromtimestamp(value / 1000, tz)
    raise EvalError(f"Cannot make a date of {type_name(value)}")


def date_field(d: dt.date, name: str, tz: dt.tzinfo) -> Any:
    moment = as_moment(d, tz)
    fields = {
        "year": moment.year,
        "month": moment.month,
        "day": moment.day,
        "hour": moment.hour,
        "minute": moment.minute,
        "second": moment.second,
        "millisecond": moment.microsecond // 1000,
    }
    if name not in fields:
        raise EvalError(f"date has no property '{name}'")
    return fields[name]


def duration_field(d: Duration | float, name: str) -> Any:
    """`.days`, `.years`, ... of a duration (or of `date - date`): the total in that unit."""
    if name not in DURATION_UNITS_MS:
        raise EvalError(f"duration has no property '{name}'")
    total = (d.total_ms() if isinstance(d, Duration) else float(d)) / DURATION_UNITS_MS[name]
    return int(total) if total.is_integer() else total


# ------------------------------------------------------------------------------------------ global


def call_global(ev: Evaluator, name: str, arg_nodes: tuple[Any, ...], scope: Scope) -> Any:
    if name == "if":
        if not 2 <= len(arg_nodes) <= 3:
            raise EvalError(f"if() takes 2 to 3 arguments, got {len(arg_nodes)}")
        if truthy(ev.eval(arg_nodes[0], scope)):
            return ev.eval(arg_nodes[1], scope)
        return ev.eval(arg_nodes[2], scope) if len(arg_nodes) == 3 else None
    args = ev.args(arg_nodes, scope)
    if name == "now":
        _need(args, 0, 0, name)
        return ev.now.astimezone(ev.tz)
    if name == "today":
        _need(args, 0, 0, name)
        return ev.today()
    if name == "date":
        _need(args, 1, 1, name)
        return to_date(args[0], ev.tz)
    if name == "duration":
        _need(args, 1, 1, name)
        if isinstance(args[0], Duration):
            return args[0]
        found = parse_duration(_text(args[0], name))
        if found is None:
            raise EvalError(f'"{args[0]}" is not a duration')
        return found
    if name == "number":
        _need(args, 1, 1, name)
        return to_number(args[0], ev.tz)
    if name in ("min", "max"):
        if not args:
            raise EvalError(f"{name}() needs at least one number")
        numbers = [_number(a, name) for a in args]
        return min(numbers) if name == "min" else max(numbers)
    if name == "list":
        _need(args, 1, 1, name)
        return args[0] if isinstance(args[0], list) else [args[0]]
    if name == "link":
        _need(args, 1, 2, name)
        return make_link(ev, args[0], args[1] if len(args) == 2 else None)
    if name == "file":
        _need(args, 1, 1, name)
        row = ev.rows.file_of(args[0])
        if row is None:
            raise EvalError(f'No published file "{to_text(args[0])}"')
        return FileRef(row.path)
    if name == "image":
        _need(args, 1, 1, name)
        return Image(args[0])
    if name == "icon":
        _need(args, 1, 1, name)
        return Icon(_text(args[0], name))
    if name == "html":
        _need(args, 1, 1, name)
        return Html(to_text(args[0]))
    if name == "escapeHTML":
        _need(args, 1, 1, name)
        return ev.escape(to_text(args[0]))
    raise EvalError(f'Unknown function "{name}"')


def to_number(v: Any, tz: dt.tzinfo) -> Any:
    if isinstance(v, bool):
        return 1 if v else 0
    if is_number(v):
        return v
    if is_date(v):
        ms = as_moment(v, tz).timestamp() * 1000
        return int(ms) if ms.is_integer() else ms
    if isinstance(v, Duration):
        return v.total_ms()
    if isinstance(v, str):
        try:
            n = float(v.strip())
        except ValueError:
            raise EvalError(f'Cannot convert "{v}" to a number') from None
        if math.isnan(n) or not v.strip():
            raise EvalError(f'Cannot convert "{v}" to a number')
        return int(n) if n.is_integer() and "." not in v and "e" not in v.lower() else n
    if v is None:
        return None
    raise EvalError(f"Cannot convert {type_name(v)} to a number")


def make_link(ev: Evaluator, target: Any, display: Any) -> Link:
    if isinstance(target, FileRef):
        return Link(target.path.removesuffix(".md"), target.path, display)
    if isinstance(target, Link):
        return Link(target.target, target.path, display if display is not None else target.display)
    text = to_text(target)
    source = ev.this.path if ev.this is not None else ""
    found = link_value(text, source, ev.rows.resolve)
    if found is not None:
        return Link(found.target, found.path, display if display is not None else found.display)
    row = ev.rows.file_of(text)
    return Link(text, row.path if row is not None else None, display)


# ----------------------------------------------------------------------------------------- methods


def call_method(ev: Evaluator, receiver: Any, name: str, arg_nodes: tuple[Any, ...], scope: Scope) -> Any:
    if isinstance(receiver, list) and name in ("map", "filter", "reduce"):
        return _list_lambda(ev, receiver, name, arg_nodes, scope)
    args = ev.args(arg_nodes, scope)
    # Any value.
    if name == "isTruthy":
        _need(args, 0, 0, name)
        return truthy(receiver)
    if name == "isType":
        _need(args, 1, 1, name)
        return type_name(receiver) == _text(args[0], name).lower()
    if name == "toString":
        _need(args, 0, 0, name)
        return to_text(receiver) if receiver is not None else ""
    if name == "isEmpty":
        _need(args, 0, 0, name)
        if receiver is None:
            return True
        if isinstance(receiver, (str, list, dict)):
            return len(receiver) == 0
        return False
    if receiver is None:
        return None  # a missing property: see values.py
    if isinstance(receiver, str):
        return _string_method(ev, receiver, name, args)
    if isinstance(receiver, bool):
        raise EvalError(f'boolean has no method "{name}"')
    if is_number(receiver):
        return _number_method(receiver, name, args)
    if is_date(receiver):
        return _date_method(ev, receiver, name, args)
    if isinstance(receiver, list):
        return _list_method(ev, receiver, name, args)
    if isinstance(receiver, FileRef):
        return _file_method(ev, receiver, name, args)
    if isinstance(receiver, Link):
        return _link_method(ev, receiver, name, args)
    if isinstance(receiver, dict):
        if name == "keys":
            return list(receiver)
        if name == "values":
            return list(receiver.values())
    if isinstance(receiver, Pattern) and name == "matches":
        _need(args, 1, 1, name)
        return receiver.search(_text(args[0], name)) is not None
    raise EvalError(f'{type_name(receiver)} has no method "{name}"')


def _string_method(ev: Evaluator, s: str, name: str, args: list[Any]) -> Any:
    if name == "contains":
        _need(args, 1, 1, name)
        return to_text(args[0]) in s
    if name == "containsAll":
        return all(to_text(a) in s for a in args)
    if name == "containsAny":
        return any(to_text(a) in s for a in args)
    if name == "startsWith":
        _need(args, 1, 1, name)
        return s.startswith(to_text(args[0]))
    if name == "endsWith":
        _need(args, 1, 1, name)
        return s.endswith(to_text(args[0]))
    if name == "lower":
        return s.lower()
    if name == "upper":
        return s.upper()
    if name == "title":
        return " ".join(w[:1].upper() + w[1:] for w in s.split(" "))
    if name == "trim":
        return s.strip()
    if name == "reverse":
        return s[::-1]
    if name == "repeat":
        _need(args, 1, 1, name)
        count = int(_number(args[0], name))
        if count < 0 or count * len(s) > MAX_REPEAT:
            raise EvalError("repeat() count is out of range")
        return s * count
    if name == "slice":
        _need(args, 1, 2, name)
        return s[_slice(args, len(s))]
    if name == "replace":
        _need(args, 2, 2, name)
        pattern, replacement = args[0], to_text(args[1])
        if isinstance(pattern, Pattern):
            count = 0 if "g" in pattern.flags else 1
            try:
                return pattern.compiled.sub(
                    js_replacement(replacement), s, count=count, timeout=_timeout()
                )
            except TimeoutError:
                raise EvalError(f"Regular expression /{pattern.source}/ took too long") from None
        return s.replace(to_text(pattern), replacement)
    if name == "split":
        _need(args, 1, 2, name)
        sep = args[0]
        if isinstance(sep, Pattern):
            try:
                parts = sep.compiled.split(s, timeout=_timeout())
            except TimeoutError:
                raise EvalError(f"Regular expression /{sep.source}/ took too long") from None
        else:
            sep_text = to_text(sep)
            parts = list(s) if sep_text == "" else s.split(sep_text)
        if len(args) == 2:
            parts = parts[: max(int(_number(args[1], name)), 0)]
        return parts
    if name == "matches":  # not in the help for strings; regular expressions have it
        raise EvalError('string has no method "matches" (use /regex/.matches(text))')
    raise EvalError(f'string has no method "{name}"')


def _timeout() -> float:
    from .values import REGEX_TIMEOUT

    return REGEX_TIMEOUT


def _slice(args: list[Any], length: int) -> slice:
    start = int(_number(args[0], "slice"))
    end = int(_number(args[1], "slice")) if len(args) > 1 and args[1] is not None else length
    return slice(start, end)


def _number_method(n: float, name: str, args: list[Any]) -> Any:
    if name == "abs":
        return abs(n)
    if name == "ceil":
        return math.ceil(n)
    if name == "floor":
        return math.floor(n)
    if name == "round":
        _need(args, 0, 1, name)
        digits = int(_number(args[0], name)) if args else 0
        if math.isnan(n) or math.isinf(n):
            return n
        # JavaScript's Math.round: halves go up (2.5 -> 3, -2.5 -> -2), not to the even neighbour.
        factor = 10**digits
        rounded = math.floor(n * factor + 0.5) / factor
        return int(rounded) if digits <= 0 else rounded
    if name == "toFixed":
        _need(args, 1, 1, name)
        digits = int(_number(args[0], name))
        if not 0 <= digits <= 100:
            raise EvalError("toFixed() digits must be between 0 and 100")
        return f"{n:.{digits}f}"
    raise EvalError(f'number has no method "{name}"')


def _date_method(ev: Evaluator, d: dt.date, name: str, args: list[Any]) -> Any:
    if name == "date":
        return ev.moment(d).date()
    if name == "time":
        return ev.moment(d).strftime("%H:%M:%S")
    if name == "format":
        _need(args, 1, 1, name)
        return arrow.get(ev.moment(d)).format(_text(args[0], name))
    if name == "relative":
        return arrow.get(ev.moment(d)).humanize(arrow.get(ev.now))
    raise EvalError(f'date has no method "{name}"')


def _contains(ev: Evaluator, items: list[Any], value: Any) -> bool:
    return any(equals(item, value, ev.tz) for item in items)


def _list_method(ev: Evaluator, items: list[Any], name: str, args: list[Any]) -> Any:
    if name == "contains":
        _need(args, 1, 1, name)
        return _contains(ev, items, args[0])
    if name == "containsAll":
        return all(_contains(ev, items, a) for a in args)
    if name == "containsAny":
        return any(_contains(ev, items, a) for a in args)
    if name == "join":
        _need(args, 0, 1, name)
        sep = to_text(args[0]) if args else ","
        return sep.join(to_text(x) if x is not None else "" for x in items)
    if name == "flat":
        out: list[Any] = []
        for x in items:
            out.extend(x if isinstance(x, list) else [x])
        return out
    if name == "reverse":
        return list(reversed(items))
    if name == "slice":
        _need(args, 1, 2, name)
        return items[_slice(args, len(items))]
    if name == "sort":
        return sorted(items, key=lambda v: sort_key(v, ev.tz))
    if name == "unique":
        out = []
        for x in items:
            if not _contains(ev, out, x):
                out.append(x)
        return out
    raise EvalError(f'list has no method "{name}"')


def _list_lambda(ev: Evaluator, items: list[Any], name: str, arg_nodes: tuple[Any, ...], scope: Scope) -> Any:
    if name == "reduce":
        if len(arg_nodes) != 2:
            raise EvalError(f"reduce() takes 2 arguments, got {len(arg_nodes)}")
        acc = ev.eval(arg_nodes[1], scope)
        for i, value in enumerate(items):
            local = {**scope.locals, "value": value, "index": i, "acc": acc}
            acc = ev.eval(arg_nodes[0], Scope(scope.row, local))
        return acc
    if len(arg_nodes) != 1:
        raise EvalError(f"{name}() takes 1 argument, got {len(arg_nodes)}")
    out = []
    for i, value in enumerate(items):
        result = ev.eval(arg_nodes[0], Scope(scope.row, {**scope.locals, "value": value, "index": i}))
        if name == "map":
            out.append(result)
        elif truthy(result):
            out.append(value)
    return out


def _file_method(ev: Evaluator, ref: FileRef, name: str, args: list[Any]) -> Any:
    row = ev.rows.get(ref.path)
    if name == "asLink":
        _need(args, 0, 1, name)
        return Link(ref.path.removesuffix(".md"), ref.path, args[0] if args else None)
    if row is None:
        return None
    if name == "hasTag":
        return any(row.has_tag(_text(a, name)) for a in args)
    if name == "inFolder":
        _need(args, 1, 1, name)
        return row.in_folder(_text(args[0], name))
    if name == "hasProperty":
        _need(args, 1, 1, name)
        return _text(args[0], name) in row.properties
    if name == "hasLink":
        _need(args, 1, 1, name)
        target = ev.rows.file_of(args[0])
        wanted = target.path if target is not None else to_text(args[0])
        return any(lk.path == wanted or (lk.path is None and lk.target == wanted) for lk in row.links)
    raise EvalError(f'file has no method "{name}"')


def _link_method(ev: Evaluator, link: Link, name: str, args: list[Any]) -> Any:
    if name == "asFile":
        row = ev.rows.file_of(link)
        return FileRef(row.path) if row is not None else None
    if name == "linksTo":
        _need(args, 1, 1, name)
        row = ev.rows.file_of(link)
        if row is None:
            return False
        target = ev.rows.file_of(args[0])
        return target is not None and any(lk.path == target.path for lk in row.links)
    # A link to a published note answers what the note's file would.
    row = ev.rows.file_of(link)
    if row is not None and name in ("hasTag", "inFolder", "hasProperty", "hasLink"):
        return _file_method(ev, FileRef(row.path), name, args)
    if name in ("contains", "containsAny", "containsAll", "startsWith", "endsWith", "lower"):
        return _string_method(ev, link.target, name, args)
    raise EvalError(f'link has no method "{name}"')


__all__ = ["call_global", "call_method", "date_field", "duration_field", "number_text", "to_date"]
