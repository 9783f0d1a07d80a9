"""Dataview's value model in Python: types, total order, truthiness, typing of raw values, JSON cells.

Python representation of each Dataview type:

| Dataview  | Python                                                                         |
| --------- | ------------------------------------------------------------------------------ |
| null      | `None`                                                                         |
| number    | `int` / `float` (never `bool`)                                                 |
| string    | `str`                                                                          |
| boolean   | `bool`                                                                         |
| date      | aware `datetime.datetime` (the zone it was read in; instants compare)          |
| duration  | `Duration` (Luxon's calendar units, casual conversion)                         |
| link      | `Link`                                                                         |
| array     | `list`                                                                         |
| object    | `dict[str, value]`                                                             |
| function  | `Lambda` (or any Python callable)                                              |
| widget    | `ExternalLink` (the result of `elink()`)                                       |

Dates are plain aware datetimes: Dataview itself does not remember whether a date "had a time"; it
renders the time part only when hour, minute and second are not all zero, and so do we.

String order. Dataview orders strings with JavaScript's `localeCompare` (ICU collation, en-US). ICU is
not in the standard library, so `collation_key` approximates its three levels: (1) base characters
with accents stripped (NFD) and case folded, where whitespace < punctuation/symbols < digits <
letters, (2) the accents, (3) case, lower before upper; ties fall back to code points. This agrees with
ICU on the orders Dataview users meet (`apple < Banana`, `Oscar < Óscar < Otto`, `a < A`) and is
deterministic; it differs for contractions, expansions (`æ`, `ß`) and some punctuation orders.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = dt.UTC

# --------------------------------------------------------------------------------------- durations

# Luxon's unit order and its "casual" conversion matrix (1 year = 365 days, 1 month = 30 days).
UNITS = ("years", "quarters", "months", "weeks", "days", "hours", "minutes", "seconds", "milliseconds")
_UNIT_MS = {
    "years": 365 * 86400000,
    "quarters": 91 * 86400000,
    "months": 30 * 86400000,
    "weeks": 7 * 86400000,
    "days": 86400000,
    "hours": 3600000,
    "minutes": 60000,
    "seconds": 1000,
    "milliseconds": 1,
}
_CASUAL = {
    "years": {"quarters": 4, "months": 12, "weeks": 52, "days": 365},
    "quarters": {"months": 3, "weeks": 13, "days": 91},
    "months": {"weeks": 4, "days": 30},
    "weeks": {"days": 7},
}


def _conv(big: str, small: str) -> float:
    """How many `small` units one `big` unit holds in Luxon's casual matrix."""
    if big in _CASUAL and small in _CASUAL[big]:
        return _CASUAL[big][small]
    return _UNIT_MS[big] / _UNIT_MS[small]


def _trunc(x: float) -> float:
    return float(math.trunc(x))


@dataclass(frozen=True, slots=True)
class Duration:
    """A Luxon-style duration: a mapping of calendar units to numbers, only the units it was given."""

    values: tuple[tuple[str, float], ...] = ()

    @staticmethod
    def of(**units: float) -> Duration:
        return Duration(tuple((u, units[u]) for u in UNITS if u in units))

    def as_dict(self) -> dict[str, float]:
        return dict(self.values)

    def get(self, unit: str) -> float:
        return self.as_dict().get(unit, 0)

    def to_millis(self) -> float:
        """Luxon's `toMillis()`: casual conversion of every unit."""
        return sum(v * _UNIT_MS[u] for u, v in self.values)

    def map_units(self, fn: Callable[[float], float]) -> Duration:
        return Duration(tuple((u, fn(v)) for u, v in self.values))

    def negate(self) -> Duration:
        return self.map_units(lambda v: -v)

    def plus(self, other: Duration) -> Duration:
        a = self.as_dict()
        for u, v in other.values:
            a[u] = a.get(u, 0) + v
        return Duration.of(**a)

    def minus(self, other: Duration) -> Duration:
        return self.plus(other.negate())

    def shift_to(self, *units: str) -> Duration:
        """Luxon's `shiftTo`: boil larger units down into the requested ones, then normalise."""
        vals = self.as_dict()
        built: dict[str, float] = {}
        accumulated: dict[str, float] = {}
        last = None
        for k in UNITS:
            if k in units:
                last = k
                own = 0.0
                for ak in list(accumulated):
                    own += _conv(ak, k) * accumulated[ak]
                    accumulated[ak] = 0
                own += vals.get(k, 0)
                i = _trunc(own)
                built[k] = i
                accumulated[k] = (own * 1000 - i * 1000) / 1000
            elif k in vals:
                accumulated[k] = vals[k]
        for key, v in accumulated.items():
            if v != 0 and last is not None:
                built[last] += v if key == last else v / _conv(last, key)
        _normalize_values(built)
        return Duration.of(**built)

    def shift_to_all(self) -> Duration:
        return self.shift_to(
            "years", "months", "weeks", "days", "hours", "minutes", "seconds", "milliseconds"
        )

    def normalize(self) -> Duration:
        vals = self.as_dict()
        _normalize_values(vals)
        return Duration.of(**vals)

    def as_unit(self, unit: str) -> float:
        """Luxon's `as(unit)` / `shiftTo(unit)[unit]`."""
        return self.shift_to(unit).get(unit)

    def luxon_equals(self, other: Duration) -> bool:
        """Luxon's `equals`: unit by unit, a missing unit counting as 0."""
        a, b = self.as_dict(), other.as_dict()
        return all(a.get(u, 0) == b.get(u, 0) for u in UNITS)

    def to_iso(self) -> str:
        """Luxon's `toISO()`."""
        d = self.as_dict()
        g = lambda u: d.get(u, 0)
        s = "P"
        if g("years"):
            s += num_to_str(g("years")) + "Y"
        if g("months") or g("quarters"):
            s += num_to_str(g("months") + g("quarters") * 3) + "M"
        if g("weeks"):
            s += num_to_str(g("weeks")) + "W"
        if g("days"):
            s += num_to_str(g("days")) + "D"
        if g("hours") or g("minutes") or g("seconds") or g("milliseconds"):
            s += "T"
        if g("hours"):
            s += num_to_str(g("hours")) + "H"
        if g("minutes"):
            s += num_to_str(g("minutes")) + "M"
        if g("seconds") or g("milliseconds"):
            s += num_to_str(round(g("seconds") + g("milliseconds") / 1000, 3)) + "S"
        if s == "P":
            s += "T0S"
        return s

    def to_human(self) -> str:
        """Luxon's `toHuman()` in en-US with the narrow list style ("1 week, 2 days")."""
        parts = []
        for u, v in self.values:
            name = u[:-1]
            shown = _format_grouped(v)
            parts.append(f"{shown} {name}" + ("" if v == 1 else "s"))
        return ", ".join(parts)


def _format_grouped(v: float) -> str:
    """Intl.NumberFormat en-US default: grouping, at most 3 fraction digits."""
    r = round(v, 3)
    if r == int(r):
        return f"{int(r):,}"
    return f"{r:,.3f}".rstrip("0").rstrip(".")


def _normalize_values(vals: dict[str, float]) -> None:
    """Luxon's `normalizeValues`: roll small units up into larger present ones, then push fractions down."""
    factor = -1 if sum(v * _UNIT_MS[u] for u, v in vals.items()) < 0 else 1
    present = [u for u in UNITS if u in vals]
    previous = None
    for current in reversed(present):
        if previous is not None:
            prev_val = vals[previous] * factor
            conv = _conv(current, previous)
            roll = math.floor(prev_val / conv)
            vals[current] += roll * factor
            vals[previous] -= roll * conv * factor
        previous = current
    previous = None
    for current in present:
        if previous is not None:
            fraction = math.fmod(vals[previous], 1)
            vals[previous] -= fraction
            vals[current] += fraction * _conv(previous, current)
        previous = current
    for u in present:
        v = vals[u]
        if isinstance(v, float) and v.is_integer():
            vals[u] = int(v)


def normalize_duration(d: Duration) -> Duration:
    """Dataview's `normalizeDuration`: `shiftToAll().normalize()`."""
    return d.shift_to_all().normalize()


# --------------------------------------------------------------------------------- links, widgets


@dataclass(frozen=True, slots=True)
class Link:
    """An Obsidian link: `path` is the resolved vault path (or the text, when unresolved)."""

    path: str
    subpath: str | None = None
    display: str | None = None
    embed: bool = False
    type: str = "file"  # "file", "header" or "block"

    @staticmethod
    def infer(linkpath: str, embed: bool = False, display: str | None = None) -> Link:
        if "#^" in linkpath:
            path, _, sub = linkpath.partition("#^")
            return Link(path, sub.split("#^")[0], display, embed, "block")
        if "#" in linkpath:
            parts = linkpath.split("#")
            return Link(parts[0], normalize_header(parts[1]), display, embed, "header")
        return Link(linkpath, None, display, embed, "file")

    def with_path(self, path: str) -> Link:
        return Link(path, self.subpath, self.display, self.embed, self.type)

    def with_display(self, display: str | None) -> Link:
        return Link(self.path, self.subpath, display, self.embed, self.type)

    def with_embed(self, embed: bool) -> Link:
        return Link(self.path, self.subpath, self.display, embed, self.type)

    def file_title(self) -> str:
        return file_title(self.path)

    def markdown(self) -> str:
        inner = self.path.replace("|", "\\|")
        if self.type == "header":
            inner += "#" + (self.subpath or "").replace("|", "\\|")
        elif self.type == "block":
            inner += "#^" + (self.subpath or "").replace("|", "\\|")
        text = self.display
        if not text:
            text = file_title(self.path)
            if self.type in ("header", "block"):
                text += " > " + (self.subpath or "")
        return ("!" if self.embed else "") + "[[" + inner + "|" + text + "]]"

    def display_text(self) -> str:
        """What Dataview shows for the link: its display, else the file title (and subpath)."""
        if self.display:
            return self.display
        text = file_title(self.path)
        if self.type in ("header", "block") and self.subpath:
            text += " > " + self.subpath
        return text


@dataclass(frozen=True, slots=True)
class ExternalLink:
    """Dataview's external-link widget, the value of `elink(url, display)`."""

    url: str
    display: str | None = None


@dataclass(slots=True)
class Lambda:
    """A DQL lambda `(a, b) => expr`; called by the evaluator with positional values."""

    params: tuple[str, ...]
    body: Any  # a parser node
    scope: dict[str, Any] = field(default_factory=dict)
    call: Callable[..., Any] | None = None  # set by the evaluator

    def __call__(self, *args: Any) -> Any:
        assert self.call is not None
        return self.call(*args)


def file_title(path: str) -> str:
    """Dataview's `getFileTitle`: the last path segment without `.md`."""
    if "/" in path:
        path = path[path.rfind("/") + 1 :]
    path = path.removesuffix(".md")
    return path


_HEADER_TOKEN = re.compile(r"[\w-]+|\s+|.", re.UNICODE)


def normalize_header(header: str) -> str:
    """Dataview's header normalisation for links: keep letters/digits/_/-, collapse the rest to spaces."""
    out = []
    for tok in _HEADER_TOKEN.findall(header):
        if tok[0].isalnum() or tok[0] in "_-" or _is_emoji(tok[0]):
            out.append(tok)
        else:
            out.append(" ")
    return " ".join("".join(out).split())


def _is_emoji(ch: str) -> bool:
    return unicodedata.category(ch) == "So" or 0x1F000 <= ord(ch) <= 0x1FAFF


_CANON_TOKEN = re.compile(r"[^\W]+|[-]+|\s+|.", re.UNICODE)


@functools.lru_cache(maxsize=16384)
def canonical_key(name: str) -> str:
    """Dataview's `canonicalizeVarName`: letters/digits/_/- lower-cased, whitespace to '-', rest dropped."""
    out = []
    for ch in name:
        if ch.isalnum() or ch in "_-":
            out.append(ch.lower())
        elif _is_emoji(ch):
            out.append(ch)
        elif ch.isspace():
            out.append("-")
    return "".join(out)


# ----------------------------------------------------------------------------------- type and order


def type_of(v: Any) -> str:
    """Dataview's `Values.typeOf` names."""
    # The name depends on the value's type alone (`callable` asks the type too): looked up by type,
    # since sorting and filtering ask it millions of times in a build.
    name = _TYPE_NAMES.get(type(v))
    if name is None:
        name = _TYPE_NAMES[type(v)] = _type_of(v)
    return name


_TYPE_NAMES: dict[type, str] = {}


def _type_of(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dt.datetime):
        return "date"
    if isinstance(v, Duration):
        return "duration"
    if isinstance(v, Link):
        return "link"
    if isinstance(v, list):
        return "array"
    if isinstance(v, ExternalLink):
        return "widget"
    if isinstance(v, dict):
        return "object"
    if callable(v):
        return "function"
    return "null"


def _char_class(ch: str) -> int:
    if ch.isspace():
        return 0
    if ch.isdigit():
        return 2
    if ch.isalpha():
        return 3
    return 1


@functools.lru_cache(maxsize=65536)
def collation_key(s: str) -> tuple:
    """Deterministic approximation of ICU en-US collation (see the module docstring)."""
    primary = []
    secondary = []
    tertiary = []
    for ch in s:
        decomposed = unicodedata.normalize("NFD", ch)
        base = decomposed[0]
        marks = decomposed[1:]
        folded = base.casefold()
        cls = _char_class(base)
        primary.append((cls, folded if cls == 3 else base))
        secondary.append(marks)
        tertiary.append(1 if base.isupper() else 0)
    return (primary, secondary, tertiary, s)


def compare_strings(a: str, b: str) -> int:
    if a == b:
        return 0
    ka, kb = collation_key(a), collation_key(b)
    return -1 if ka < kb else (1 if ka > kb else 0)


def _cmp(a: Any, b: Any) -> int:
    return -1 if a < b else (1 if a > b else 0)


def compare(a: Any, b: Any, normalize_link: Callable[[str], str] | None = None) -> int:
    """Dataview's `compareValue`: a total order over every value (nulls first, then by type name)."""
    if a is None and b is None:
        return 0
    if a is None:
        return -1
    if b is None:
        return 1
    ta, tb = type_of(a), type_of(b)
    if ta != tb:
        return compare_strings(ta, tb)
    if a is b:
        return 0
    if ta == "string":
        return compare_strings(a, b)
    if ta == "number":
        if a < b:
            return -1
        return 0 if a == b else 1
    if ta == "boolean":
        return 0 if a == b else (1 if a else -1)
    if ta == "link":
        norm = normalize_link or (lambda x: x)
        c = compare_strings(norm(a.path), norm(b.path))
        if c:
            return c
        c = compare_strings(a.type, b.type)
        if c:
            return c
        if a.subpath and not b.subpath:
            return 1
        if not a.subpath and b.subpath:
            return -1
        if not a.subpath and not b.subpath:
            return 0
        return compare_strings(a.subpath or "", b.subpath or "")
    if ta == "date":
        return _cmp(a.timestamp(), b.timestamp())
    if ta == "duration":
        ma, mb = a.to_millis(), b.to_millis()
        if ma < mb:
            return -1
        return 0 if a.luxon_equals(b) else 1
    if ta == "array":
        for x, y in zip(a, b):
            c = compare(x, y, normalize_link)
            if c:
                return c
        return _cmp(len(a), len(b))
    if ta == "object":
        ka, kb = sorted(a), sorted(b)
        c = compare(ka, kb)
        if c:
            return c
        for k in ka:
            c = compare(a[k], b[k], normalize_link)
            if c:
                return c
        return 0
    return 0


def truthy(v: Any) -> bool:
    """Dataview's `isTruthy`."""
    if v is None or v is False:  # (the commonest answers of a WHERE's terms, first)
        return False
    if v is True:
        return True
    t = type_of(v)
    if t == "null":
        return False
    if t == "number":
        return v != 0 and not (isinstance(v, float) and math.isnan(v))
    if t in ("string", "array", "object"):
        return len(v) > 0
    if t == "boolean":
        return v
    if t == "link":
        return bool(v.path)
    if t == "date":
        return v.timestamp() != 0
    if t == "duration":
        return v.as_unit("seconds") != 0
    return True


# ------------------------------------------------------------------------------------ to string


def num_to_str(n: float) -> str:
    """JavaScript's `String(number)`."""
    if isinstance(n, bool):
        return "true" if n else "false"
    if isinstance(n, int):
        return str(n)
    if math.isnan(n):
        return "NaN"
    if math.isinf(n):
        return "Infinity" if n > 0 else "-Infinity"
    if n.is_integer() and abs(n) < 1e21:
        return str(int(n))
    r = repr(n)
    if "e" in r:
        mant, _, exp = r.partition("e")
        sign = "-" if exp.startswith("-") else "+"
        exp = exp.lstrip("+-").lstrip("0") or "0"
        r = f"{mant}e{sign}{exp}"
    return r


DEFAULT_DATE_FORMAT = "MMMM dd, yyyy"
DEFAULT_DATETIME_FORMAT = "h:mm a - MMMM dd, yyyy"
RENDER_NULL_AS = "\\-"


def render_minimal_duration(d: Duration) -> str:
    """Dataview's `renderMinimalDuration`: normalised, zero (and negative) units dropped, `toHuman()`."""
    n = normalize_duration(d)
    return Duration(tuple((u, v) for u, v in n.values if v > 0)).to_human()


def to_string(v: Any, recursive: bool = False, null_as: str = RENDER_NULL_AS) -> str:
    """Dataview's `Values.toString` with the default settings."""
    from .dateformat import format_date  # local: dateformat imports this module

    t = type_of(v)
    if t == "null":
        return null_as
    if t == "string":
        return v
    if t == "number":
        return num_to_str(v)
    if t == "boolean":
        return "true" if v else "false"
    if t == "link":
        return v.markdown()
    if t == "widget":
        return f"[{v.display or v.url}]({v.url})"
    if t == "function":
        return "<function>"
    if t == "array":
        inner = ", ".join(to_string(x, True, null_as) for x in v)
        return "[" + inner + "]" if recursive else inner
    if t == "object":
        return "{ " + ", ".join(f"{k}: {to_string(x, True, null_as)}" for k, x in v.items()) + " }"
    if t == "date":
        if v.hour == 0 and v.minute == 0 and v.second == 0:
            return format_date(v, DEFAULT_DATE_FORMAT)
        return format_date(v, DEFAULT_DATETIME_FORMAT)
    if t == "duration":
        return render_minimal_duration(v)
    return null_as


# --------------------------------------------------------------------------------------- cells


def _date_cell(d: dt.datetime) -> str:
    u = d.astimezone(UTC)
    return u.strftime("%Y-%m-%dT%H:%M:%S.") + f"{u.microsecond // 1000:03d}Z"


def to_cell(v: Any) -> Any:
    """Encode a value in the conformance JSON cell format (see the corpus README)."""
    t = type_of(v)
    if t == "null":
        return None
    if t == "number":
        if isinstance(v, float):
            if math.isnan(v):
                return {"number": "NaN"}
            if math.isinf(v):
                return {"number": "Infinity" if v > 0 else "-Infinity"}
            if v.is_integer() and abs(v) < 2**53:
                return int(v)
        return v
    if t in ("boolean", "string"):
        return v
    if t == "date":
        return {"date": _date_cell(v)}
    if t == "duration":
        ms = v.to_millis()
        return {"duration_ms": int(ms) if float(ms).is_integer() else ms, "duration": v.to_iso()}
    if t == "link":
        return {"link": v.path, "subpath": v.subpath, "display": v.display, "embed": v.embed}
    if t == "array":
        return [to_cell(x) for x in v]
    if t == "object":
        return {"object": {str(k): to_cell(x) for k, x in v.items()}}
    if t == "widget":
        return {"widget": "external-link", "url": v.url, "display": v.display}
    if t == "function":
        return {"function": True}
    return None


_ISO_DUR = re.compile(
    r"^(-)?P(?:(-?[\d.]+)Y)?(?:(-?[\d.]+)M)?(?:(-?[\d.]+)W)?(?:(-?[\d.]+)D)?"
    r"(?:T(?:(-?[\d.]+)H)?(?:(-?[\d.]+)M)?(?:(-?[\d.]+)S)?)?$"
)


def _num(s: str) -> float:
    f = float(s)
    return int(f) if f.is_integer() else f


def from_cell(cell: Any, tz: dt.tzinfo = UTC) -> Any:
    """Decode a JSON cell back into a value; dates come back in `tz`."""
    if cell is None or isinstance(cell, (bool, int, float, str)):
        return cell
    if isinstance(cell, list):
        return [from_cell(x, tz) for x in cell]
    if isinstance(cell, dict):
        if "date" in cell:
            d = dt.datetime.fromisoformat(cell["date"])
            if d.tzinfo is None:
                d = d.replace(tzinfo=UTC)
            return d.astimezone(tz)
        if "duration" in cell or "duration_ms" in cell:
            iso = cell.get("duration")
            m = _ISO_DUR.match(iso or "")
            if not m:
                return Duration.of(milliseconds=cell.get("duration_ms", 0))
            sign = -1 if m.group(1) else 1
            units = {}
            for name, g in zip(("years", "months", "weeks", "days", "hours", "minutes"), m.groups()[1:7]):
                if g is not None:
                    units[name] = sign * _num(g)
            if m.group(8) is not None:
                secs = float(m.group(8))
                whole = math.trunc(secs)
                units["seconds"] = sign * whole
                ms = round((secs - whole) * 1000)
                if ms:
                    units["milliseconds"] = sign * ms
            return Duration.of(**units)
        if "link" in cell:
            sub = cell.get("subpath")
            kind = "file" if sub is None else ("block" if cell.get("type") == "block" else "header")
            return Link(
                cell["link"], sub, cell.get("display"), bool(cell.get("embed")), cell.get("type", kind)
            )
        if "object" in cell:
            return {k: from_cell(x, tz) for k, x in cell["object"].items()}
        if "widget" in cell:
            return ExternalLink(cell.get("url", ""), cell.get("display"))
        if "number" in cell:
            return float(cell["number"].replace("Infinity", "inf"))
        if "function" in cell:
            return None
    return None


# ------------------------------------------------------------------------ typing of raw values

DURATION_UNITS: dict[str, str] = {}
for _unit, _names in {
    "years": ("year", "years", "yr", "yrs"),
    "months": ("month", "months", "mo", "mos"),
    "weeks": ("week", "weeks", "wk", "wks", "w"),
    "days": ("day", "days", "d"),
    "hours": ("hour", "hours", "hr", "hrs", "h"),
    "minutes": ("minute", "minutes", "min", "mins", "m"),
    "seconds": ("second", "seconds", "sec", "secs", "s"),
}.items():
    for _n in _names:
        DURATION_UNITS[_n] = _unit
# Longest names first, as Dataview's parser tries them.
_UNIT_ALT = "|".join(sorted(DURATION_UNITS, key=len, reverse=True))
NUMBER_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_DUR_PART = re.compile(rf"(-?[0-9]+(?:\.[0-9]+)?)\s*({_UNIT_ALT})")
_DUR_SEP = re.compile(r"\s*,\s*|\s*")


def parse_number(s: str) -> float:
    f = float(s)
    return int(f) if f.is_integer() and "." not in s else f


def match_duration(text: str, pos: int = 0) -> tuple[Duration, int] | None:
    """Dataview's duration syntax (`4hr`, `2 days, 6 minutes`) at `pos`; returns (duration, end)."""
    m = _DUR_PART.match(text, pos)
    if not m:
        return None
    total = Duration.of(**{DURATION_UNITS[m.group(2)]: parse_number(m.group(1))})
    end = m.end()
    while True:
        sep = _DUR_SEP.match(text, end)
        nxt = _DUR_PART.match(text, sep.end()) if sep else None
        if not nxt:
            break
        total = total.plus(Duration.of(**{DURATION_UNITS[nxt.group(2)]: parse_number(nxt.group(1))}))
        end = nxt.end()
    return total, end


_DATE_RE = re.compile(
    r"(\d{4})-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{3}))?)?)?)?)?"
    r"(?:([+-])(\d{1,2})(?::(\d{2}))?|(Z)|\[([0-9A-Za-z+\-/_]+)\])?"
)


def match_date(text: str, pos: int = 0, tz: dt.tzinfo = UTC) -> tuple[dt.datetime, int] | None:
    """Dataview's date literal syntax `YYYY-MM[-DD[THH[:mm[:ss[.SSS]]]]][Z|+hh:mm|[zone]]` at `pos`."""
    m = _DATE_RE.match(text, pos)
    if not m:
        return None
    y, mo, d, h, mi, s, ms = (int(g) if g else None for g in m.groups()[:7])
    zone: dt.tzinfo = tz
    if m.group(8):
        sign = 1 if m.group(8) == "+" else -1
        zone = dt.timezone(sign * dt.timedelta(hours=int(m.group(9)), minutes=int(m.group(10) or 0)))
    elif m.group(11):
        zone = UTC
    elif m.group(12):
        try:
            zone = ZoneInfo(m.group(12))
        except (ZoneInfoNotFoundError, ValueError):
            return None
    try:
        value = dt.datetime(y, mo, d or 1, h or 0, mi or 0, s or 0, (ms or 0) * 1000, tzinfo=zone)
    except ValueError:
        return None
    return value, m.end()


_QUOTED = re.compile(r'"((?:\\.|[^"\\])*)"')
_TAG = re.compile(r"#[\w/-]*", re.UNICODE)
_LINK = re.compile(r"(!?)\[\[([^\[\]]*?)\]\]")
_BOOL = re.compile(r"true|false|True|False")


def unescape_string(raw: str) -> str:
    """Dataview's string escapes: `\\"` and `\\\\` unescape, any other `\\x` stays as written."""
    return re.sub(
        r"\\(.)", lambda m: m.group(1) if m.group(1) in '"\\' else "\\" + m.group(1), raw, flags=re.DOTALL
    )


def split_pipe(inner: str) -> tuple[str, str | None]:
    i = -1
    while True:
        i = inner.find("|", i + 1)
        if i < 0:
            return inner.replace("\\|", "|"), None
        if i > 0 and inner[i - 1] == "\\":
            continue
        return inner[:i].replace("\\|", "|"), inner[i + 1 :]


def parse_inner_link(inner: str, embed: bool = False) -> Link:
    target, display = split_pipe(inner)
    return Link.infer(target, embed, display)


def _atom_inline(text: str, pos: int, tz: dt.tzinfo) -> tuple[Any, int] | None:
    """One value of an inline field, in Dataview's order: date, duration, string, tag, link, bool, number, null."""
    d = match_date(text, pos, tz)
    if d:
        return d
    du = match_duration(text, pos)
    if du:
        return normalize_duration(du[0]), du[1]
    m = _QUOTED.match(text, pos)
    if m:
        return unescape_string(m.group(1)), m.end()
    m = _TAG.match(text, pos)
    if m:
        return m.group(0), m.end()
    m = _LINK.match(text, pos)
    if m:
        return parse_inner_link(m.group(2), bool(m.group(1))), m.end()
    m = _BOOL.match(text, pos)
    if m:
        return m.group(0).lower() == "true", m.end()
    m = NUMBER_RE.match(text, pos)
    if m:
        return parse_number(m.group(0)), m.end()
    if text.startswith("null", pos):
        return None, pos + 4
    return None


_COMMA = re.compile(r"\s*,\s*")


def from_inline(text: str, tz: dt.tzinfo = UTC) -> Any:
    """Type the raw text of an inline field (`key:: value`) as Dataview does.

    Whole-value dates, durations, quoted strings, tags, links, booleans, numbers; `a, b, c` of such
    atoms becomes a list; anything else stays the trimmed text; empty text is null.
    """
    trimmed = text.strip()
    if not trimmed:
        return None
    first = _atom_inline(trimmed, 0, tz)
    if first is None:
        return trimmed
    value, pos = first
    if pos == len(trimmed):
        return value
    items = [value]
    while True:
        sep = _COMMA.match(trimmed, pos)
        if not sep:
            break
        nxt = _atom_inline(trimmed, sep.end(), tz)
        if nxt is None:
            break
        items.append(nxt[0])
        pos = nxt[1]
    if len(items) > 1 and pos == len(trimmed):
        return items
    return trimmed


def parse_string_value(s: str, tz: dt.tzinfo = UTC) -> Any:
    """A frontmatter string: a whole date, duration or (embed) link becomes that value."""
    d = match_date(s, 0, tz)
    if d and d[1] == len(s):
        return d[0]
    du = match_duration(s, 0)
    if du and du[1] == len(s):
        return du[0]
    m = _LINK.fullmatch(s)
    if m:
        return parse_inner_link(m.group(2), bool(m.group(1)))
    return s


def from_frontmatter(obj: Any, tz: dt.tzinfo = UTC) -> Any:
    """Type a raw YAML value as Dataview's `parseFrontmatter` does (recursively)."""
    if obj is None:
        return None
    if isinstance(obj, bool):
        return obj
    if isinstance(obj, (int, float)):
        return obj
    if isinstance(obj, str):
        return parse_string_value(obj, tz)
    if isinstance(obj, dt.datetime):
        return obj if obj.tzinfo else obj.replace(tzinfo=tz)
    if isinstance(obj, dt.date):
        return dt.datetime(obj.year, obj.month, obj.day, tzinfo=tz)
    if isinstance(obj, (list, tuple)):
        return [from_frontmatter(x, tz) for x in obj]
    if isinstance(obj, dict):
        return {str(k): from_frontmatter(v, tz) for k, v in obj.items()}
    return str(obj)


def map_leaves(v: Any, fn: Callable[[Any], Any]) -> Any:
    """Apply `fn` to every non-container value inside lists and objects."""
    if isinstance(v, list):
        return [map_leaves(x, fn) for x in v]
    if isinstance(v, dict):
        return {k: map_leaves(x, fn) for k, x in v.items()}
    return fn(v)
