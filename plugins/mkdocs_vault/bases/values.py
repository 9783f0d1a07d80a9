"""Bases' value model in Python: types, truthiness, equality, order, text, durations and dates.

| Bases    | Python                                                                     |
| -------- | -------------------------------------------------------------------------- |
| null     | `None`                                                                     |
| number   | `int` / `float` (never `bool`)                                             |
| string   | `str`                                                                      |
| boolean  | `bool`                                                                     |
| date     | `datetime.date` (a day) or an aware `datetime.datetime` (a moment)         |
| duration | `Duration` (calendar months and days, and exact milliseconds)              |
| link     | `Link` (the target as written, the published path it resolves to, if any)  |
| file     | `FileRef` (a vault path; its fields come from the row set)                 |
| list     | `list`; object: `dict`                                                     |
| regexp   | `Pattern` (the `regex` package, which can stop a match after a time limit) |
| html, image, icon | `Html`, `Image`, `Icon`                                           |

Where the help is silent this module follows JavaScript, which the app's expressions are written in
(`"a" + 1` is `"a1"`, `&&` / `||` give one of their operands), with two choices of ours, both in the
README: arithmetic, comparison and method calls on a missing value (null) give null rather than an
error, so a note without a property shows an empty cell; and an empty list is falsy.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

import regex

REGEX_TIMEOUT = 0.25  # seconds one match of a base's regular expression may take


class EvalError(Exception):
    """An expression that cannot be evaluated for one row: the cell shows it, a filter drops the row."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Duration:
    """A length of time as date arithmetic uses it: whole months and days move along the calendar
    (`"1M"` from January 31st lands on the last day of February), milliseconds are exact."""

    months: int = 0
    days: int = 0
    ms: float = 0.0

    def total_ms(self) -> float:
        """Milliseconds, counting a month as 30 days (only for comparing and scaling durations)."""
        return (self.months * 30 + self.days) * 86_400_000 + self.ms

    def scaled(self, factor: float) -> Duration:
        months, days = float(self.months * factor), float(self.days * factor)
        if months.is_integer() and days.is_integer():
            return Duration(int(months), int(days), self.ms * factor)
        return Duration(0, 0, self.total_ms() * factor)

    def negated(self) -> Duration:
        return Duration(-self.months, -self.days, -self.ms)

    def __add__(self, other: Duration) -> Duration:
        return Duration(self.months + other.months, self.days + other.days, self.ms + other.ms)


class Millis(float):
    """`date - date`: milliseconds, as the help's "Bases syntax" says (`(now() + "1d") - now()` is
    86400000), that also answers the duration fields real bases read from it (`(now() - birthday).years`,
    `.days`, ... as fractional totals, a year and a month being their Gregorian averages, 365.2425 and
    30.436875 days, as Moment.js (the app's date library) converts them).
    In arithmetic it is a plain number."""

    __slots__ = ()


DURATION_UNITS_MS: dict[str, float] = {
    "years": 365.2425 * 86_400_000,
    "months": 30.436875 * 86_400_000,
    "weeks": 7 * 86_400_000,
    "days": 86_400_000,
    "hours": 3_600_000,
    "minutes": 60_000,
    "seconds": 1000,
    "milliseconds": 1,
}


@dataclass(frozen=True, slots=True)
class Link:
    """A link value: `target` as written (a note name, path or URL), `path` the published vault path
    it resolves to (None when it does not resolve, or leads to an unpublished note)."""

    target: str
    path: str | None = None
    display: Any = None  # text (or an Icon) to show instead of the target's name

    @property
    def is_url(self) -> bool:
        return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", self.target))


@dataclass(frozen=True, slots=True)
class FileRef:
    path: str


@dataclass(frozen=True, slots=True)
class Pattern:
    source: str
    flags: str
    compiled: Any  # regex.Pattern

    def search(self, text: str) -> Any:
        try:
            return self.compiled.search(text, timeout=REGEX_TIMEOUT)
        except TimeoutError:
            raise EvalError(f"Regular expression /{self.source}/ took too long") from None


@dataclass(frozen=True, slots=True)
class Html:
    html: str


@dataclass(frozen=True, slots=True)
class Image:
    src: Any  # a string (path or URL), a Link or a FileRef


@dataclass(frozen=True, slots=True)
class Icon:
    name: str


def make_pattern(source: str, flags: str) -> Pattern:
    """A JavaScript regular expression literal as a `regex` pattern (Python's `regex` accepts the
    syntax JavaScript uses: look-behind, named groups `(?<n>...)`, `\\d`, `\\b`, Unicode classes)."""
    options = regex.V0
    if "i" in flags:
        options |= regex.IGNORECASE
    if "m" in flags:
        options |= regex.MULTILINE
    if "s" in flags:
        options |= regex.DOTALL
    try:
        return Pattern(source, flags, regex.compile(source, options))
    except regex.error as exc:
        raise EvalError(f"Invalid regular expression /{source}/: {exc}") from None


# ----------------------------------------------------------------------------------------- types


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def is_date(v: Any) -> bool:
    return isinstance(v, dt.date)


def type_name(v: Any) -> str:
    """The name `isType()` compares with."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if is_number(v):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dt.date):
        return "date"
    if isinstance(v, Duration):
        return "duration"
    if isinstance(v, Link):
        return "link"
    if isinstance(v, FileRef):
        return "file"
    if isinstance(v, list):
        return "list"
    if isinstance(v, dict):
        return "object"
    if isinstance(v, Pattern):
        return "regexp"
    return type(v).__name__.lower()


def truthy(v: Any) -> bool:
    if v is None:
        return False
    if isinstance(v, bool):
        return v
    if is_number(v):
        return v != 0 and not math.isnan(v)
    if isinstance(v, (str, list, dict)):
        return len(v) > 0
    return True


def as_moment(v: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """A date as the moment it starts in `tz`; a moment as it is."""
    if isinstance(v, dt.datetime):
        return v if v.tzinfo else v.replace(tzinfo=tz)
    return dt.datetime(v.year, v.month, v.day, tzinfo=tz)


def link_key(v: Any) -> str | None:
    """What a link or file is equal by: the resolved path, else the link's text."""
    if isinstance(v, FileRef):
        return v.path
    if isinstance(v, Link):
        return v.path if v.path is not None else v.target
    return None


def equals(a: Any, b: Any, tz: dt.tzinfo) -> bool:
    """`==`: by value; a link equals a file it resolves to, or a link with the same target."""
    if a is None or b is None:
        return a is None and b is None
    ka, kb = link_key(a), link_key(b)
    if ka is not None or kb is not None:
        if ka is None or kb is None:
            return False
        if isinstance(a, Link) and isinstance(b, Link) and (a.path is None or b.path is None):
            return a.target == b.target if a.path is None and b.path is None else ka == kb
        return ka == kb
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if is_number(a) and is_number(b):
        return a == b
    if is_date(a) and is_date(b):
        return as_moment(a, tz) == as_moment(b, tz)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(equals(x, y, tz) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(equals(a[k], b[k], tz) for k in a)
    if isinstance(a, Duration) and isinstance(b, Duration):
        return a.total_ms() == b.total_ms()
    if type(a) is type(b):
        return bool(a == b)
    return False


def compare(a: Any, b: Any, tz: dt.tzinfo) -> int:
    """`<` and friends between two values of one kind (numbers, text, dates, durations); raises
    `EvalError` for kinds that have no order between them."""
    if is_number(a) and is_number(b) or isinstance(a, bool) and isinstance(b, bool):
        return (a > b) - (a < b)
    if isinstance(a, str) and isinstance(b, str):
        return (a > b) - (a < b)
    if is_date(a) and is_date(b):
        x, y = as_moment(a, tz), as_moment(b, tz)
        return (x > y) - (x < y)
    if isinstance(a, Duration) and isinstance(b, Duration):
        x, y = a.total_ms(), b.total_ms()
        return (x > y) - (x < y)
    raise EvalError(f"Cannot compare {type_name(a)} with {type_name(b)}")


_TYPE_RANK = {"null": 9, "boolean": 1, "number": 2, "date": 3, "duration": 4, "string": 5, "link": 6}


def sort_key(v: Any, tz: dt.tzinfo) -> tuple:
    """A total order for sorting rows and groups: missing values last, then by kind, then by value
    (text case-insensitively, as the app sorts A→Z)."""
    kind = type_name(v)
    rank = _TYPE_RANK.get(kind, 7)
    if v is None:
        return (rank, 0)
    if isinstance(v, bool) or is_number(v):
        return (rank, float(v))
    if isinstance(v, str):
        return (rank, v.casefold(), v)
    if isinstance(v, dt.date):
        return (rank, as_moment(v, tz).timestamp())
    if isinstance(v, Duration):
        return (rank, v.total_ms())
    return (rank, to_text(v).casefold())


# ----------------------------------------------------------------------------------------- text


def number_text(n: float) -> str:
    """A number as JavaScript prints it: `3`, `2.5`, `0.1`, `1e+21`, `NaN`, `Infinity`."""
    if isinstance(n, int):
        return str(n)
    if math.isnan(n):
        return "NaN"
    if math.isinf(n):
        return "Infinity" if n > 0 else "-Infinity"
    if n.is_integer() and abs(n) < 1e21:
        return str(int(n))
    text = repr(n)
    if "e" in text:
        mantissa, exp = text.split("e")
        exp_n = int(exp)
        if -7 < exp_n < 21:
            return format(n, "f").rstrip("0").rstrip(".")
        return f"{mantissa.removesuffix('.0')}e{'+' if exp_n > 0 else '-'}{abs(exp_n)}"
    return text


def date_text(v: dt.date) -> str:
    """A day as `2025-10-06`, a moment as `2025-10-06 14:30` (seconds when it has them)."""
    if isinstance(v, dt.datetime):
        if v.second or v.microsecond:
            return v.strftime("%Y-%m-%d %H:%M:%S")
        return v.strftime("%Y-%m-%d %H:%M")
    return v.isoformat()


def link_text(v: Link) -> str:
    if v.display is not None:
        return to_text(v.display)
    target = v.target
    return target.rpartition("/")[2].removesuffix(".md") if not v.is_url else target


def file_name(path: str) -> str:
    return path.rpartition("/")[2]


def to_text(v: Any) -> str:
    """`toString()`, `+` with text, `join()`: the value as plain text."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if is_number(v):
        return number_text(v)
    if isinstance(v, str):
        return v
    if isinstance(v, dt.date):
        return date_text(v)
    if isinstance(v, Link):
        return link_text(v)
    if isinstance(v, FileRef):
        return file_name(v.path).removesuffix(".md")
    if isinstance(v, list):
        return ", ".join(to_text(x) for x in v)
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {to_text(x)}" for k, x in v.items()) + "}"
    if isinstance(v, Duration):
        return duration_text(v)
    if isinstance(v, Pattern):
        return f"/{v.source}/{v.flags}"
    if isinstance(v, Html):
        return v.html
    if isinstance(v, Image):
        return to_text(v.src)
    if isinstance(v, Icon):
        return v.name
    return str(v)


def duration_text(d: Duration) -> str:
    parts = []
    if d.months:
        parts.append(f"{d.months}M")
    if d.days:
        parts.append(f"{d.days}d")
    if d.ms or not parts:
        parts.append(f"{number_text(d.ms / 1000)}s")
    return " ".join(parts)


# ------------------------------------------------------------------------------------ durations

_UNITS = {
    "y": "y", "year": "y", "years": "y",
    "M": "M", "month": "M", "months": "M",
    "w": "w", "week": "w", "weeks": "w",
    "d": "d", "day": "d", "days": "d",
    "h": "h", "hour": "h", "hours": "h",
    "m": "m", "minute": "m", "minutes": "m",
    "s": "s", "second": "s", "seconds": "s",
}  # fmt: skip
_PART = re.compile(r"\s*([+-]?\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*")
_MS = {"h": 3_600_000, "m": 60_000, "s": 1000}


def parse_duration(text: str) -> Duration | None:
    """`"7d"`, `"1 day"`, `"2h 30m"`, `"-1w"` as a Duration (units from the help's table; only `M` is
    months and `m` minutes, the long names in any case); None when it is not one."""
    pos, total = 0, Duration()
    text = text.strip()
    if not text:
        return None
    while pos < len(text):
        m = _PART.match(text, pos)
        if m is None:
            return None
        amount, unit = float(m.group(1)), m.group(2)
        key = _UNITS.get(unit) or (_UNITS.get(unit.lower()) if len(unit) > 1 else None)
        if key is None:
            return None
        if key in ("y", "M"):
            months = amount * (12 if key == "y" else 1)
            part = Duration(int(months)) if months.is_integer() else Duration(0, 0, months * 30 * 86_400_000)
        elif key in ("w", "d"):
            days = amount * (7 if key == "w" else 1)
            part = Duration(0, int(days)) if days.is_integer() else Duration(0, 0, days * 86_400_000)
        else:
            part = Duration(0, 0, amount * _MS[key])
        total = total + part
        pos = m.end()
    return total


def _add_months(d: dt.date, months: int) -> dt.date:
    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    if not 1 <= year <= 9999:
        raise EvalError("Date out of range")
    last = [31, 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31,
            30, 31, 30, 31][month - 1]  # fmt: skip
    return d.replace(year=year, month=month, day=min(d.day, last))


def shift(d: dt.date, by: Duration, tz: dt.tzinfo) -> dt.date:
    """`date + duration`: months, then days along the calendar (a day stays a day), then the exact
    milliseconds (a day becomes a moment when there are any)."""
    try:
        out = _add_months(d, by.months) + dt.timedelta(days=by.days)
        if by.ms:
            moment = as_moment(out, tz)
            out = (moment.astimezone(dt.UTC) + dt.timedelta(milliseconds=by.ms)).astimezone(moment.tzinfo)
        return out
    except OverflowError:
        raise EvalError("Date out of range") from None


def date_diff_ms(a: dt.date, b: dt.date, tz: dt.tzinfo) -> Millis:
    """`a - b` for two dates: milliseconds, as the help says (see `Millis`)."""
    delta = as_moment(a, tz) - as_moment(b, tz)
    return Millis(delta.total_seconds() * 1000)


# ---------------------------------------------------------------------------------------- dates

_DATE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?)?$"
)


def parse_date(text: str, tz: dt.tzinfo) -> dt.date | None:
    """`2025-10-06` as a day; `2025-10-06 14:30`, `2025-10-06T14:30:00` (optionally with a zone) as a
    moment, in `tz` when it names none. None when the text is not one of these."""
    m = _DATE.match(text.strip())
    if m is None:
        return None
    year, month, day, hour, minute, second, frac, zone = m.groups()
    try:
        if hour is None:
            return dt.date(int(year), int(month), int(day))
        micro = int((frac or "0").ljust(6, "0"))
        zinfo: dt.tzinfo = tz
        if zone == "Z":
            zinfo = dt.UTC
        elif zone:
            sign = 1 if zone[0] == "+" else -1
            digits = zone[1:].replace(":", "")
            zinfo = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
        return dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro, tzinfo=zinfo
        )
    except ValueError:
        return None
