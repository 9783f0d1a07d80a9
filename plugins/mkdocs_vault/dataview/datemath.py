"""Calendar arithmetic on dates as Luxon does it: `date + duration`, `date - date`, start/end of units.

Python's `datetime` adds fixed timedeltas only; Luxon adds years and months on the calendar (clamping
Jan 31 + 1 month to Feb 28), days on the local wall clock, and smaller units as elapsed time. Dataview's
`date - date` is Luxon's `diff` in calendar units, so both are reproduced here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math

from .values import Duration, normalize_duration


def _local_to_aware(naive: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    return naive.replace(tzinfo=tz)


def plus(d: dt.datetime, dur: Duration) -> dt.datetime:
    """Luxon's `DateTime.plus(duration)`."""
    v = dur.as_dict()
    g = lambda u: v.get(u, 0)
    year = d.year + math.trunc(g("years"))
    month = d.month + math.trunc(g("months")) + math.trunc(g("quarters")) * 3
    # Normalise the month into 1..12, carrying into the year.
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    base = dt.datetime(year, month, day, d.hour, d.minute, d.second, d.microsecond)
    base += dt.timedelta(days=math.trunc(g("days")) + math.trunc(g("weeks")) * 7)
    result = _local_to_aware(base, d.tzinfo or dt.UTC)
    rest = Duration.of(
        years=g("years") - math.trunc(g("years")),
        quarters=g("quarters") - math.trunc(g("quarters")),
        months=g("months") - math.trunc(g("months")),
        weeks=g("weeks") - math.trunc(g("weeks")),
        days=g("days") - math.trunc(g("days")),
        hours=g("hours"),
        minutes=g("minutes"),
        seconds=g("seconds"),
        milliseconds=g("milliseconds"),
    ).to_millis()
    if rest:
        tz = result.tzinfo
        result = (result.astimezone(dt.UTC) + dt.timedelta(milliseconds=rest)).astimezone(tz)
    return result


def minus(d: dt.datetime, dur: Duration) -> dt.datetime:
    return plus(d, dur.negate())


def _day_diff(a: dt.datetime, b: dt.datetime) -> int:
    return (dt.date(b.year, b.month, b.day) - dt.date(a.year, a.month, a.day)).days


def diff(a: dt.datetime, b: dt.datetime) -> Duration:
    """Dataview's `date - date`: Luxon `a.diff(b, [years..milliseconds])`, normalised."""
    b = b.astimezone(a.tzinfo)
    later_first = b.timestamp() > a.timestamp()
    start, end = (a, b) if later_first else (b, a)
    results: dict[str, float] = {}
    cursor = start

    def add(res: dict[str, float]) -> dt.datetime:
        return plus(start, Duration.of(**res))

    for unit in ("years", "months", "days"):
        if unit == "years":
            amount = end.year - cursor.year
        elif unit == "months":
            amount = end.month - cursor.month + (end.year - cursor.year) * 12
        else:
            amount = _day_diff(cursor, end)
        results[unit] = amount
        high = add(results)
        if high > end:
            results[unit] -= 1
            cursor = add(results)
            if cursor > end:
                results[unit] -= 1
                cursor = add(results)
        else:
            cursor = high
    remaining_ms = round((end.timestamp() - cursor.timestamp()) * 1000)
    low = Duration.of(milliseconds=remaining_ms).shift_to("hours", "minutes", "seconds", "milliseconds")
    results.update(low.as_dict())
    out = Duration.of(**results)
    # Luxon: `a.diff(b)` is negative when `b` is the later one.
    return normalize_duration(out.negate() if later_first else out)


def start_of(d: dt.datetime, unit: str) -> dt.datetime:
    """Luxon's `startOf(unit)` (weeks start on Monday, as in Luxon's ISO default)."""
    if unit == "year":
        return d.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    if unit == "month":
        return d.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if unit == "week":
        day = d.replace(hour=0, minute=0, second=0, microsecond=0)
        return (day.replace(tzinfo=None) - dt.timedelta(days=d.weekday())).replace(tzinfo=d.tzinfo)
    if unit == "day":
        return d.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "hour":
        return d.replace(minute=0, second=0, microsecond=0)
    if unit == "minute":
        return d.replace(second=0, microsecond=0)
    if unit == "second":
        return d.replace(microsecond=0)
    return d


def end_of(d: dt.datetime, unit: str) -> dt.datetime:
    """Luxon's `endOf(unit)`: the last millisecond of the unit."""
    start = start_of(d, unit)
    step = {"year": Duration.of(years=1), "month": Duration.of(months=1), "week": Duration.of(weeks=1)}.get(
        unit, Duration.of(days=1) if unit == "day" else Duration.of(hours=1)
    )
    nxt = plus(start, step)
    return (nxt.replace(tzinfo=None) - dt.timedelta(milliseconds=1)).replace(tzinfo=d.tzinfo)
