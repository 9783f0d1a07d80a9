"""Dataview's value model: order, truthiness, typing of raw values, cells, calendar arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest
from mkdocs_vault.dataview import datemath
from mkdocs_vault.dataview.dateformat import format_date, parse_date_format
from mkdocs_vault.dataview.values import (
    UTC,
    Duration,
    ExternalLink,
    Link,
    canonical_key,
    compare,
    from_cell,
    from_frontmatter,
    from_inline,
    to_cell,
    to_string,
    truthy,
)


def d(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_total_order_across_types() -> None:
    values = ["b", 2, None, True, [1], d(2025, 1, 1), Link("a.md"), {"k": 1}, Duration.of(days=1)]
    ordered = sorted(values, key=__import__("functools").cmp_to_key(compare))
    assert [type(v).__name__ for v in ordered] == [
        "NoneType", "list", "bool", "datetime", "Duration", "Link", "int", "dict", "str",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("a", "b"),
    [("apple", "Banana"), ("a", "A"), ("Oscar", "Óscar"), ("Óscar", "Otto"), ("a", "ab"), ("1", "a")],
)
def test_strings_follow_locale_order(a: str, b: str) -> None:
    assert compare(a, b) < 0 < compare(b, a)


def test_string_equality_is_exact() -> None:
    assert compare("a", "A") != 0 and compare("é", "é") == 0


def test_arrays_compare_elementwise_then_by_length() -> None:
    assert compare([1, 2], [1, 3]) < 0 and compare([1, 2], [1, 2, 0]) < 0


@pytest.mark.parametrize("value", [None, False, 0, "", [], {}, Link(""), Duration.of(seconds=0)])
def test_falsy(value: object) -> None:
    assert not truthy(value)


@pytest.mark.parametrize("value", [True, 1, -0.5, "x", [0], {"a": None}, Link("a.md"), Duration.of(days=1)])
def test_truthy(value: object) -> None:
    assert truthy(value)


def test_from_frontmatter_types_strings_like_dataview() -> None:
    typed = from_frontmatter(
        {"a": "[[People/Ada|Ada]]", "b": "2025-10-06", "c": "2 weeks", "d": 1.1, "e": "no", "f": ["![[x]]"]}
    )
    assert typed["a"] == Link("People/Ada", None, "Ada")
    assert typed["b"] == d(2025, 10, 6)
    assert to_cell(typed["c"]) == {"duration_ms": 14 * 86400000, "duration": "P2W"}
    assert typed["d"] == 1.1 and typed["e"] == "no"
    assert typed["f"][0].embed is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"Swedish", "English"', ["Swedish", "English"]),
        ("12", 12),
        ("-1.5", -1.5),
        ("true", True),
        ("", None),
        ("green", "green"),
        ("10 Downing Street", "10 Downing Street"),
        ("#tag", "#tag"),
        ("1, 2, 3", [1, 2, 3]),
        ("a, b", "a, b"),
    ],
)
def test_from_inline(text: str, expected: object) -> None:
    assert from_inline(text) == expected


def test_from_inline_dates_durations_links() -> None:
    assert from_inline("2025-10-14T15:30:00") == d(2025, 10, 14, 15, 30)
    assert to_cell(from_inline("1h 30m"))["duration_ms"] == 90 * 60000
    assert from_inline("[[Ada]], [[Bo]]") == [Link("Ada"), Link("Bo")]


def test_cells_round_trip() -> None:
    values = [
        None, 1, 2.5, "s", True, d(2025, 11, 1, 12, 30), Duration.of(months=1, days=2),
        Link("a.md", "H", "x", True, "header"), [1, [2]], {"k": Link("b.md")}, ExternalLink("https://e.x", "e"),
    ]  # fmt: skip
    for v in values:
        back = from_cell(to_cell(v))
        assert compare(back, v) == 0, v
    assert to_cell(float("nan")) == {"number": "NaN"}


def test_to_string_matches_dataview_defaults() -> None:
    assert to_string(d(2025, 11, 1)) == "November 01, 2025"
    assert to_string(d(2025, 11, 1, 14, 5)) == "2:05 PM - November 01, 2025"
    assert to_string(None) == "\\-"
    assert to_string(Duration.of(weeks=1, days=2)) == "1 week, 2 days"
    assert to_string([1, [2, "a"]]) == "1, [2, a]"
    assert to_string(Link("P/Ada.md")) == "[[P/Ada.md|Ada]]"


def test_calendar_arithmetic() -> None:
    assert datemath.plus(d(2025, 1, 31), Duration.of(months=1)) == d(2025, 2, 28)
    assert to_cell(datemath.diff(d(2021, 5, 4), d(1997, 5, 17)))["duration"] == "P23Y11M2W3D"
    assert (
        to_cell(datemath.diff(d(2025, 1, 3), d(2025, 10, 6)))["duration"] == "P-9M-3D"
    )  # Luxon signs each unit
    assert datemath.end_of(d(2025, 11, 12), "month") == d(2025, 11, 30, 23, 59, 59, 999000)
    assert datemath.start_of(d(2025, 11, 1), "week") == d(2025, 10, 27)


def test_luxon_formats() -> None:
    assert format_date(d(2025, 11, 1), "kkkk-'W'WW") == "2025-W44"
    assert format_date(d(2025, 12, 15, 9, 5), "EEE dd LLL yyyy HH:mm") == "Mon 15 Dec 2025 09:05"
    assert parse_date_format("12/31/2022", "MM/dd/yyyy", UTC) == d(2022, 12, 31)
    assert parse_date_format("31.12.", "dd.MM.yyyy", UTC) is None


def test_canonical_key() -> None:
    assert canonical_key("Related Page") == "related-page"
    assert canonical_key("What went **well**") == "what-went-well"


def test_format_date_tells_apart_the_same_instant_in_two_zones():
    # format_date keeps each distinct date's text: equal datetimes of different zones must not share it.
    from zoneinfo import ZoneInfo

    utc = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    paris = utc.astimezone(ZoneInfo("Europe/Paris"))
    assert utc == paris
    assert format_date(utc, "HH:mm z") == "12:00 UTC"
    assert format_date(paris, "HH:mm z") == "13:00 Europe/Paris"
    assert format_date(utc, "HH:mm z") == "12:00 UTC"
