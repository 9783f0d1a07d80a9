"""The Bases expression language against the examples of Obsidian's help pages ("Bases syntax",
"Functions", "Formulas"), each with the result the help states for it, over one fictional note."""

from __future__ import annotations

import datetime as dt

import pytest
from mkdocs_vault.bases.evaluate import Evaluator
from mkdocs_vault.bases.expr import (
    Binary,
    Call,
    ExprSyntaxError,
    Literal,
    Member,
    Name,
    RegexLiteral,
    Unary,
    parse_expression,
)
from mkdocs_vault.bases.rows import FileRow, RowSet
from mkdocs_vault.bases.values import Duration, EvalError, FileRef, Link

TZ = dt.UTC
NOW = dt.datetime(2026, 3, 14, 9, 30, 15, tzinfo=TZ)

KETTLE = FileRow(
    "Kitchen/Copper Kettle.md",
    properties={
        "price": 12.5,
        "age": 4,
        "quantity": 3,
        "status": "ordered",
        "first_name": "Oona",
        "last_name": "Brask",
        "tags": ["urgent", "kitchen"],
        "maker": Link("Workshops/Brask Forge", "Workshops/Brask Forge.md"),
        "bought": dt.date(2026, 1, 31),
        "impact": 6,
        "urgency": 4,
        "effort": 3,
    },
    size=2048,
    ctime=dt.datetime(2025, 12, 1, 8, 0, tzinfo=TZ),
    mtime=dt.datetime(2026, 3, 10, 17, 45, tzinfo=TZ),
    tags=["#kitchen/brass", "#gift"],
    links=[Link("Brask Forge", "Workshops/Brask Forge.md")],
    embeds=[Link("Attachments/kettle.jpg", None)],
)
FORGE = FileRow("Workshops/Brask Forge.md", properties={"city": "Tarn"}, tags=["#maker"])
ROWS = RowSet({r.path: r for r in (KETTLE, FORGE)}, tz=TZ)


def ev(text: str, row: FileRow = KETTLE, this: FileRef | None = None) -> object:
    return Evaluator(ROWS, {}, this, NOW, TZ).evaluate(parse_expression(text), row)


# --------------------------------------------------------------------------------------- parsing


def test_precedence_follows_the_operator_table():
    tree = parse_expression("a || b && c == d + e * f")
    assert tree == Binary(
        "||",
        Name("a"),
        Binary("&&", Name("b"), Binary("==", Name("c"), Binary("+", Name("d"), Binary("*", Name("e"), Name("f"))))),
    )
    assert parse_expression("!file.hasTag('x')") == Unary(
        "!", Call(Member(Name("file"), "hasTag"), (Literal("x"),))
    )


def test_slash_opens_a_regex_where_an_operand_is_expected_and_divides_elsewhere():
    assert parse_expression("/a\\/b[/]/gi") == RegexLiteral("a\\/b[/]", "gi")
    assert parse_expression("price / age") == Binary("/", Name("price"), Name("age"))
    assert parse_expression("(price) / 2 / 4") == Binary("/", Binary("/", Name("price"), Literal(2)), Literal(4))


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ('"a" +', 5),
        ("if(price, ", 10),
        ("price.toFixed(2", 15),
        ("'unterminated", 0),
        ("price # 2", 6),
        ("a b", 2),
        ("", 0),
    ],
)
def test_syntax_errors_say_where(text, column):
    with pytest.raises(ExprSyntaxError) as caught:
        parse_expression(text)
    assert caught.value.column == column


def test_deep_nesting_is_refused_not_a_crash():
    with pytest.raises(ExprSyntaxError, match="nested too deeply"):
        parse_expression("(" * 5000 + "1" + ")" * 5000)
    with pytest.raises(ExprSyntaxError, match="nested too deeply"):
        parse_expression("!" * 5000 + "true")


# ------------------------------------------------------------------------- "Bases syntax" examples


def test_date_arithmetic_examples():
    # "date("2024-12-01") + "1M" + "4h" + "3m" returns a Date object representing 2025-01-01 04:03:00"
    assert ev('date("2024-12-01") + "1M" + "4h" + "3m"') == dt.datetime(2025, 1, 1, 4, 3, tzinfo=TZ)
    # "(now() + "1d") - now() returns 86400000 milliseconds"
    assert ev('(now() + "1d") - now()') == 86400000
    # "now() + "1 day" returns a datetime exactly 24 hours from the time of execution"
    assert ev('now() + "1 day"') == NOW + dt.timedelta(days=1)
    # "file.mtime > now() - "1 week" returns true if the file was modified within the last week"
    assert ev('file.mtime > now() - "1 week"') is True
    assert ev('file.ctime > now() - "1 week"') is False
    assert ev('today() + "7d"') == dt.date(2026, 3, 21)
    # "date + "1M" adds 1 month", "date - "2h" subtracts 2 hours"
    assert ev('bought + "1M"') == dt.date(2026, 2, 28)  # January 31st + 1 month: the last of February
    assert ev('bought - "2h"') == dt.datetime(2026, 1, 30, 22, 0, tzinfo=TZ)
    assert ev('now() + (duration("1d") * 2)') == NOW + dt.timedelta(days=2)
    assert ev('duration("5h") * 2') == Duration(0, 0, 10 * 3_600_000)
    # Every unit of the help's table, long and short.
    for text, days in [("1y", 365), ("1 year", 365), ("2 weeks", 14), ("3d", 3), ("1 days", 1)]:
        assert ev(f'date("2027-01-01") + "{text}"') == dt.date(2027, 1, 1) + dt.timedelta(days=days)
    assert ev('date("2027-01-01 00:00:00") + "90s"') == dt.datetime(2027, 1, 1, 0, 1, 30, tzinfo=TZ)
    assert ev('date("2027-01-01 00:00:00") + "2 minutes"') == dt.datetime(2027, 1, 1, 0, 2, tzinfo=TZ)


def test_date_differences_are_milliseconds_with_duration_fields():
    # The help: "Subtract two dates to get the millisecond difference"; real bases also read fields
    # of it (kepano-obsidian's People.base: `(now() - birthday).years.floor()`).
    assert ev('(now() - date("2026-03-12 21:30:15")) / 3600000') == 36
    assert ev('(now() - date("2026-03-12 21:30:15")).days') == 1.5
    assert ev('(today() - date("2000-03-20")).years.floor()') == 25  # 26 years less six days
    assert ev('(today() - date("2000-03-10")).years.floor()') == 26
    assert ev("now() - missing") is None


def test_date_fields_and_functions():
    assert ev("now().hour") == 9
    assert ev("bought.month") == 1
    assert ev("now().time()") == "09:30:15"
    # `now().date().format("YYYY-MM-DD HH:mm:ss")` "returns a string such as 2025-12-31 00:00:00"
    assert ev('now().date().format("YYYY-MM-DD HH:mm:ss")') == "2026-03-14 00:00:00"
    assert ev('date("2025-05-27").format("YYYY-MM-DD")') == "2025-05-27"
    assert ev('bought.format("dddd, MMMM Do YYYY")') == "Saturday, January 31st 2026"
    assert ev("file.mtime.relative()") == "3 days ago"
    assert ev("bought.isEmpty()") is False


def test_comparison_and_boolean_operators():
    assert ev('status == "ordered" && price > 10') is True
    assert ev('status != "ordered" || !(price > 10)') is False
    assert ev("price >= 12.5 && age <= 4 && age < 5") is True
    assert ev("bought < today()") is True
    assert ev('bought == date("2026-01-31")') is True


def test_links_equal_files_they_resolve_to():
    forge = FileRef(FORGE.path)
    # "Links can be compared to files such as file or this. They will equate if the link resolves to the file."
    assert ev("maker == this", this=forge) is True
    assert ev("list(maker).contains(this)", this=forge) is True
    assert ev("file.hasLink(this)", this=forge) is True
    assert ev("maker == this", this=FileRef(KETTLE.path)) is False
    assert ev("this.file.name", this=forge) == "Brask Forge.md"
    with pytest.raises(EvalError, match="file has no property 'city'"):
        ev("maker.asFile().city")  # a file's own properties are under `properties` (or `note`)
    assert ev("maker.asFile().properties.city") == "Tarn"


# ------------------------------------------------------------------------------ "Functions" examples

HELP_EXAMPLES = [
    # Global
    ('if(price, price.toFixed(2) + " dollars")', "12.50 dollars"),
    ('if(missing, "yes")', None),
    ('if(quantity > 5, "bulk", "single")', "single"),
    ('list("value")', ["value"]),
    ('list(tags)', ["urgent", "kitchen"]),
    ("max(3, 9, 4)", 9),
    ("min(3, 9, 4)", 3),
    ('number("3.4")', 3.4),
    ("number(true)", 1),
    ('number(date("1970-01-02"))', 86400000),
    ('escapeHTML("<b>&</b>")', "&lt;b&gt;&amp;&lt;/b&gt;"),
    # Any
    ("1.isTruthy()", True),
    ('"example".isType("string")', True),
    ("true.isType(\"boolean\")", True),
    ("123.toString()", "123"),
    # String
    ('"hello".contains("ell")', True),
    ('"hello".containsAll("h", "e")', True),
    ('"hello".containsAny("x", "y", "e")', True),
    ('"hello".endsWith("lo")', True),
    ('"Hello world".isEmpty()', False),
    ('"".isEmpty()', True),
    ('"Hello".lower()', "hello"),
    ('"a:b:c:d".replace(/:/, "-")', "a-b:c:d"),
    ('"a:b:c:d".replace(/:/g, "-")', "a-b-c-d"),
    ('"a:b:c:d".replace(":", "-")', "a-b-c-d"),
    ('"123".repeat(2)', "123123"),
    ('"hello".reverse()', "olleh"),
    ('"hello".slice(1, 4)', "ell"),
    ('"hello".slice(1)', "ello"),
    ('"a,b,c,d".split(",", 3)', ["a", "b", "c"]),
    ('"a,b,c,d".split(/,/, 3)', ["a", "b", "c"]),
    ('"hello".startsWith("he")', True),
    ('"hello world".title()', "Hello World"),
    ('"  hi  ".trim()', "hi"),
    ('"hello".length', 5),
    # Number
    ("(-5).abs()", 5),
    ("(2.1).ceil()", 3),
    ("(2.9).floor()", 2),
    ("5.isEmpty()", False),
    ("(2.5).round()", 3),
    ("(2.3333).round(2)", 2.33),
    ("(3.14159).toFixed(2)", "3.14"),
    # List
    ("[1,2,3].contains(2)", True),
    ("[1,2,3].containsAll(2,3)", True),
    ("[1,2,3].containsAny(3,4)", True),
    ("[1,2,3,4].filter(value > 2)", [3, 4]),
    ("[1,[2,3]].flat()", [1, 2, 3]),
    ("[1,2,3].isEmpty()", False),
    ('[1,2,3].join(",")', "1,2,3"),
    ("[1,2,3,4].map(value + 1)", [2, 3, 4, 5]),
    ("[1,2,3].reduce(acc + value, 0)", 6),
    ('[1, "x", 7, 3].filter(value.isType("number")).reduce(if(acc == null || value > acc, value, acc), null)', 7),
    ("[1,2,3].reverse()", [3, 2, 1]),
    ("[1,2,3,4].slice(1,3)", [2, 3]),
    ("[3, 1, 2].sort()", [1, 2, 3]),
    ('["c", "a", "b"].sort()', ["a", "b", "c"]),
    ("[1,2,2,3].unique()", [1, 2, 3]),
    ("[10, 20, 30].map(index)", [0, 1, 2]),
    ("[1,2,3].length", 3),
    # File
    ("file.name", "Copper Kettle.md"),
    ("file.basename", "Copper Kettle"),
    ("file.path", "Kitchen/Copper Kettle.md"),
    ("file.folder", "Kitchen"),
    ("file.ext", "md"),
    ("file.size", 2048),
    ('file.hasTag("kitchen")', True),  # "It also includes any nested tags"
    ('file.hasTag("brass", "gift")', True),
    ('file.hasTag("kitch")', False),
    ('file.inFolder("Kitchen")', True),
    ('file.inFolder("Kit")', False),
    ('file.hasProperty("price")', True),
    ('file.hasProperty("colour")', False),
    ('file.hasLink("Brask Forge")', False),  # a name resolves only through the vault's resolver
    ("file.tags", ["#kitchen/brass", "#gift"]),  # with '#', unlike the `tags` property
    # Object
    ('{"a": 1, "b": 2}.keys()', ["a", "b"]),
    ('{"a": 1, "b": 2}.values()', [1, 2]),
    ("{}.isEmpty()", True),
    # Regular expression
    ('/abc/.matches("abcde")', True),
    ('/^\\d{4}-\\d{2}-\\d{2}$/.matches("2026-03-14")', True),
    ('/ABC/i.matches("xabcx")', True),
    # "Formulas" page
    ("price * quantity", 37.5),
    ('file.name + " - " + status', "Copper Kettle.md - ordered"),
    ("(impact * urgency) / effort", 8),
    ('first_name + " " + last_name', "Oona Brask"),
    ("tags.length", 2),
    ('tags.contains("urgent")', True),
    ('if(price, "$" + price.toFixed(2), "")', "$12.50"),
    ('note["price"] + note.age', 16.5),
]


@pytest.mark.parametrize(("text", "expected"), HELP_EXAMPLES, ids=[t for t, _ in HELP_EXAMPLES])
def test_help_examples(text, expected):
    result = ev(text)
    assert result == expected and type(result) is type(expected)


def test_errors_are_per_evaluation():
    with pytest.raises(EvalError, match="Unknown function"):
        ev("nosuch(1)")
    with pytest.raises(EvalError, match="has no method"):
        ev("price.lower()")
    with pytest.raises(EvalError, match="not a duration"):
        ev('bought + "soon"')
    with pytest.raises(EvalError, match="Cannot convert"):
        ev('number("twelve")')


def test_missing_values_give_null_not_errors():
    assert ev("missing.contains('x')") is None
    assert ev("missing * 2") is None
    assert ev("missing.isEmpty()") is True
    assert ev("missing > 3") is False


def test_a_regex_that_runs_away_is_stopped():
    with pytest.raises(EvalError, match="took too long"):
        ev('/(a|aa)+$/.matches("' + "a" * 40 + 'b")')  # exponential backtracking


def test_regex_replacement_patterns_follow_javascript():
    assert ev('"2026-03-14".replace(/(\\d+)-(\\d+)-(\\d+)/, "$3.$2.$1")') == "14.03.2026"
    assert ev('"a-b".replace(/-/g, "[$&]")') == "a[-]b"
    assert ev('"cost".replace(/o/, "$$")') == "c$st"
