"""Luxon's date formatting and format-driven parsing, the subset Dataview users write (en-US).

Written by hand because no Python library speaks Luxon's token language (`yyyy-MM-dd`, `LLL`,
`kkkk-'W'WW`, `'literal'`); `strftime` differs in tokens and in locale handling.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# Longest tokens first so that `MMMM` wins over `MM`.
_TOKENS = sorted(
    [
        "yyyyyy", "yyyy", "yy", "y", "kkkk", "kk", "WW", "W",
        "MMMMM", "MMMM", "MMM", "MM", "M", "LLLLL", "LLLL", "LLL", "LL", "L",
        "dd", "d", "ooo", "o", "EEEEE", "EEEE", "EEE", "E", "ccccc", "cccc", "ccc", "c",
        "HH", "H", "hh", "h", "mm", "m", "ss", "s", "SSS", "S", "u", "a",
        "ZZZ", "ZZ", "Z", "z", "q", "qq", "X", "x", "D", "DD", "DDD", "DDDD", "t", "T",
    ],
    key=len,
    reverse=True,
)  # fmt: skip


def _tokenize(fmt: str) -> list[tuple[bool, str]]:
    """Split a Luxon format into (is_literal, text) parts; `'...'` quotes literals, `''` is a quote."""
    out: list[tuple[bool, str]] = []
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == "'":
            j = fmt.find("'", i + 1)
            if j == i + 1:
                out.append((True, "'"))
                i += 2
                continue
            if j < 0:
                out.append((True, fmt[i + 1 :]))
                break
            out.append((True, fmt[i + 1 : j]))
            i = j + 1
            continue
        # Luxon groups runs of the same letter into one token.
        j = i
        while j < len(fmt) and fmt[j] == ch:
            j += 1
        run = fmt[i:j]
        if ch.isalpha():
            out.append((False, run))
        else:
            out.append((True, run))
        i = j
    return out


def _offset(d: dt.datetime, colon: bool) -> str:
    off = d.utcoffset() or dt.timedelta(0)
    mins = int(off.total_seconds() // 60)
    sign = "+" if mins >= 0 else "-"
    mins = abs(mins)
    h, m = divmod(mins, 60)
    if colon is None:
        return f"{sign}{h}" + (f":{m:02d}" if m else "")
    return f"{sign}{h:02d}:{m:02d}" if colon else f"{sign}{h:02d}{m:02d}"


# Formatted dates, kept across builds (a result of 10,000 file times is rendered again after each edit
# under `mkdocs serve`): keyed by the instant as written in its own zone, and the zone, since datetimes
# equal as instants in two zones are equal keys.
_FORMATTED: dict[tuple[str, str, str], str] = {}


def format_date(d: dt.datetime, fmt: str) -> str:
    """Luxon's `DateTime.toFormat(fmt)` in en-US."""
    key = (d.isoformat(), str(getattr(d, "tzinfo", None)), fmt)
    found = _FORMATTED.get(key)
    if found is None:
        if len(_FORMATTED) >= 200_000:
            _FORMATTED.clear()
        found = _FORMATTED[key] = _format_date(d, fmt)
    return found


def _format_date(d: dt.datetime, fmt: str) -> str:
    out = []
    iso = d.isocalendar()
    for literal, tok in _tokenized(fmt):
        if literal:
            out.append(tok)
            continue
        text = _TOKEN_TEXT.get(tok)
        # Unknown letter runs: Luxon emits them as they are.
        out.append(tok if text is None else text(d, iso))
    return "".join(out)


@functools.lru_cache(maxsize=1024)
def _tokenized(fmt: str) -> tuple[tuple[bool, str], ...]:
    return tuple(_tokenize(fmt))


def _h12(d: dt.datetime) -> int:
    return d.hour % 12 or 12


def _ampm(d: dt.datetime) -> str:
    return "AM" if d.hour < 12 else "PM"


_Iso = tuple[int, int, int]  # ISO year, week, weekday
# Each token's text, computed only for the tokens a format has (a table of every token built for each
# token cost more than the rest of a result's rendering).
_TOKEN_TEXT: dict[str, Callable[[dt.datetime, _Iso], str]] = {
    "y": lambda d, iso: str(d.year),
    "yy": lambda d, iso: f"{d.year % 100:02d}",
    "yyyy": lambda d, iso: f"{d.year:04d}",
    "yyyyyy": lambda d, iso: f"{d.year:06d}",
    "kk": lambda d, iso: f"{iso[0] % 100:02d}",
    "kkkk": lambda d, iso: f"{iso[0]:04d}",
    "W": lambda d, iso: str(iso[1]),
    "WW": lambda d, iso: f"{iso[1]:02d}",
    "M": lambda d, iso: str(d.month),
    "MM": lambda d, iso: f"{d.month:02d}",
    "MMM": lambda d, iso: MONTHS[d.month - 1][:3],
    "MMMM": lambda d, iso: MONTHS[d.month - 1],
    "MMMMM": lambda d, iso: MONTHS[d.month - 1][0],
    "L": lambda d, iso: str(d.month),
    "LL": lambda d, iso: f"{d.month:02d}",
    "LLL": lambda d, iso: MONTHS[d.month - 1][:3],
    "LLLL": lambda d, iso: MONTHS[d.month - 1],
    "LLLLL": lambda d, iso: MONTHS[d.month - 1][0],
    "d": lambda d, iso: str(d.day),
    "dd": lambda d, iso: f"{d.day:02d}",
    "o": lambda d, iso: str(d.timetuple().tm_yday),
    "ooo": lambda d, iso: f"{d.timetuple().tm_yday:03d}",
    "E": lambda d, iso: str(iso[2]),
    "c": lambda d, iso: str(iso[2]),
    "EEE": lambda d, iso: WEEKDAYS[iso[2] - 1][:3],
    "ccc": lambda d, iso: WEEKDAYS[iso[2] - 1][:3],
    "EEEE": lambda d, iso: WEEKDAYS[iso[2] - 1],
    "cccc": lambda d, iso: WEEKDAYS[iso[2] - 1],
    "EEEEE": lambda d, iso: WEEKDAYS[iso[2] - 1][0],
    "ccccc": lambda d, iso: WEEKDAYS[iso[2] - 1][0],
    "H": lambda d, iso: str(d.hour),
    "HH": lambda d, iso: f"{d.hour:02d}",
    "h": lambda d, iso: str(_h12(d)),
    "hh": lambda d, iso: f"{_h12(d):02d}",
    "m": lambda d, iso: str(d.minute),
    "mm": lambda d, iso: f"{d.minute:02d}",
    "s": lambda d, iso: str(d.second),
    "ss": lambda d, iso: f"{d.second:02d}",
    "S": lambda d, iso: str(d.microsecond // 1000),
    "SSS": lambda d, iso: f"{d.microsecond // 1000:03d}",
    "u": lambda d, iso: f"{d.microsecond // 1000:03d}",
    "a": lambda d, iso: _ampm(d),
    "q": lambda d, iso: str((d.month - 1) // 3 + 1),
    "qq": lambda d, iso: f"{(d.month - 1) // 3 + 1:02d}",
    "Z": lambda d, iso: _offset(d, None),  # type: ignore[arg-type]
    "ZZ": lambda d, iso: _offset(d, True),
    "ZZZ": lambda d, iso: _offset(d, False),
    "z": lambda d, iso: str(d.tzinfo),
    "X": lambda d, iso: str(int(d.timestamp())),
    "x": lambda d, iso: str(round(d.timestamp() * 1000)),
    "D": lambda d, iso: f"{d.month}/{d.day}/{d.year}",
    "DD": lambda d, iso: f"{MONTHS[d.month - 1][:3]} {d.day}, {d.year}",
    "DDD": lambda d, iso: f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
    "DDDD": lambda d, iso: f"{WEEKDAYS[iso[2] - 1]}, {MONTHS[d.month - 1]} {d.day}, {d.year}",
    "t": lambda d, iso: f"{_h12(d)}:{d.minute:02d} {_ampm(d)}",
    "T": lambda d, iso: f"{d.hour:02d}:{d.minute:02d}",
}


_PARSE_PATTERNS = {
    "yyyy": r"(?P<year>\d{4})",
    "yy": r"(?P<year2>\d{2})",
    "y": r"(?P<year>\d{1,6})",
    "MM": r"(?P<month>\d{2})",
    "M": r"(?P<month>\d{1,2})",
    "LL": r"(?P<month>\d{2})",
    "L": r"(?P<month>\d{1,2})",
    "MMMM": r"(?P<monthname>[A-Za-z]+)",
    "MMM": r"(?P<monthabbr>[A-Za-z]{3})",
    "LLLL": r"(?P<monthname>[A-Za-z]+)",
    "LLL": r"(?P<monthabbr>[A-Za-z]{3})",
    "dd": r"(?P<day>\d{2})",
    "d": r"(?P<day>\d{1,2})",
    "HH": r"(?P<hour>\d{2})",
    "H": r"(?P<hour>\d{1,2})",
    "hh": r"(?P<hour12>\d{2})",
    "h": r"(?P<hour12>\d{1,2})",
    "mm": r"(?P<minute>\d{2})",
    "m": r"(?P<minute>\d{1,2})",
    "ss": r"(?P<second>\d{2})",
    "s": r"(?P<second>\d{1,2})",
    "SSS": r"(?P<ms>\d{3})",
    "S": r"(?P<ms>\d{1,3})",
    "a": r"(?P<ampm>AM|PM|am|pm)",
    "EEEE": r"[A-Za-z]+",
    "EEE": r"[A-Za-z]{3}",
    "cccc": r"[A-Za-z]+",
    "ccc": r"[A-Za-z]{3}",
    "X": r"(?P<epoch>-?\d+)",
    "x": r"(?P<epochms>-?\d+)",
}


def parse_date_format(text: str, fmt: str, tz: dt.tzinfo) -> dt.datetime | None:
    """Luxon's `DateTime.fromFormat(text, fmt)` for the common tokens; None when it does not match."""
    pattern = ""
    for literal, tok in _tokenize(fmt):
        if literal:
            pattern += re.escape(tok)
        elif tok in _PARSE_PATTERNS:
            pattern += _PARSE_PATTERNS[tok]
        else:
            return None
    try:
        m = re.fullmatch(pattern, text)
    except re.error:
        return None
    if not m:
        return None
    g = {k: v for k, v in m.groupdict().items() if v is not None}
    if "epoch" in g:
        return dt.datetime.fromtimestamp(int(g["epoch"]), dt.UTC).astimezone(tz)
    if "epochms" in g:
        return dt.datetime.fromtimestamp(int(g["epochms"]) / 1000, dt.UTC).astimezone(tz)
    year = (
        int(g["year"]) if "year" in g else (2000 + int(g["year2"]) if "year2" in g else dt.date.today().year)
    )
    month = 1
    if "month" in g:
        month = int(g["month"])
    elif "monthname" in g or "monthabbr" in g:
        name = (g.get("monthname") or g.get("monthabbr") or "").lower()
        found = [i for i, n in enumerate(MONTHS) if n.lower() == name or n[:3].lower() == name]
        if not found:
            return None
        month = found[0] + 1
    hour = int(g.get("hour", 0))
    if "hour12" in g:
        hour = int(g["hour12"]) % 12 + (12 if g.get("ampm", "AM").upper() == "PM" else 0)
    try:
        return dt.datetime(
            year,
            month,
            int(g.get("day", 1)),
            hour,
            int(g.get("minute", 0)),
            int(g.get("second", 0)),
            int(g.get("ms", "0").ljust(3, "0")) * 1000,
            tzinfo=tz,
        )
    except ValueError:
        return None
