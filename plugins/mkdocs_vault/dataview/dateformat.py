"""Luxon's date formatting and format-driven parsing, the subset Dataview users write (en-US).

Written by hand because no Python library speaks Luxon's token language (`yyyy-MM-dd`, `LLL`,
`kkkk-'W'WW`, `'literal'`); `strftime` differs in tokens and in locale handling.
"""

from __future__ import annotations

import datetime as dt
import re

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
    iso_year, iso_week, iso_wd = d.isocalendar()
    for literal, tok in _tokenize(fmt):
        if literal:
            out.append(tok)
            continue
        out.append(_format_token(d, tok, iso_year, iso_week, iso_wd))
    return "".join(out)


def _format_token(d: dt.datetime, tok: str, iso_year: int, iso_week: int, iso_wd: int) -> str:
    h12 = d.hour % 12 or 12
    table = {
        "y": str(d.year),
        "yy": f"{d.year % 100:02d}",
        "yyyy": f"{d.year:04d}",
        "yyyyyy": f"{d.year:06d}",
        "kk": f"{iso_year % 100:02d}",
        "kkkk": f"{iso_year:04d}",
        "W": str(iso_week),
        "WW": f"{iso_week:02d}",
        "M": str(d.month),
        "MM": f"{d.month:02d}",
        "MMM": MONTHS[d.month - 1][:3],
        "MMMM": MONTHS[d.month - 1],
        "MMMMM": MONTHS[d.month - 1][0],
        "L": str(d.month),
        "LL": f"{d.month:02d}",
        "LLL": MONTHS[d.month - 1][:3],
        "LLLL": MONTHS[d.month - 1],
        "LLLLL": MONTHS[d.month - 1][0],
        "d": str(d.day),
        "dd": f"{d.day:02d}",
        "o": str(d.timetuple().tm_yday),
        "ooo": f"{d.timetuple().tm_yday:03d}",
        "E": str(iso_wd),
        "c": str(iso_wd),
        "EEE": WEEKDAYS[iso_wd - 1][:3],
        "ccc": WEEKDAYS[iso_wd - 1][:3],
        "EEEE": WEEKDAYS[iso_wd - 1],
        "cccc": WEEKDAYS[iso_wd - 1],
        "EEEEE": WEEKDAYS[iso_wd - 1][0],
        "ccccc": WEEKDAYS[iso_wd - 1][0],
        "H": str(d.hour),
        "HH": f"{d.hour:02d}",
        "h": str(h12),
        "hh": f"{h12:02d}",
        "m": str(d.minute),
        "mm": f"{d.minute:02d}",
        "s": str(d.second),
        "ss": f"{d.second:02d}",
        "S": str(d.microsecond // 1000),
        "SSS": f"{d.microsecond // 1000:03d}",
        "u": f"{d.microsecond // 1000:03d}",
        "a": "AM" if d.hour < 12 else "PM",
        "q": str((d.month - 1) // 3 + 1),
        "qq": f"{(d.month - 1) // 3 + 1:02d}",
        "Z": _offset(d, None),  # type: ignore[arg-type]
        "ZZ": _offset(d, True),
        "ZZZ": _offset(d, False),
        "z": str(d.tzinfo),
        "X": str(int(d.timestamp())),
        "x": str(round(d.timestamp() * 1000)),
        "D": f"{d.month}/{d.day}/{d.year}",
        "DD": f"{MONTHS[d.month - 1][:3]} {d.day}, {d.year}",
        "DDD": f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
        "DDDD": f"{WEEKDAYS[iso_wd - 1]}, {MONTHS[d.month - 1]} {d.day}, {d.year}",
        "t": f"{h12}:{d.minute:02d} {'AM' if d.hour < 12 else 'PM'}",
        "T": f"{d.hour:02d}:{d.minute:02d}",
    }
    if tok in table:
        return table[tok]
    # Unknown letter runs: Luxon emits them as they are.
    return tok


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
