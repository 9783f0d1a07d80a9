"""Frontmatter is read as Obsidian reads it: YAML 1.2, aliases capped, invalid blocks dropped."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from mkdocs_vault.diagnostics import Diagnostics
from mkdocs_vault.vault import frontmatter as fm
from mkdocs_vault.vault import loader
from mkdocs_vault.vault.loader import parse_note

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpora"


def parse(text: str) -> tuple:
    d = Diagnostics()
    note = parse_note("Note.md", text, d)
    return note, list(d)


@pytest.mark.parametrize(
    ("yaml_value", "expected"),
    [
        ("no", "no"),  # YAML 1.1 would say False
        ("yes", "yes"),
        ("off", "off"),
        ("NO", "NO"),  # the Norway problem
        ("12:30", "12:30"),  # 1.1 sexagesimal would give 750
        ("2025-10-06", "2025-10-06"),  # no timestamp type in 1.2 core
        ("1.10", 1.1),
        ("0o17", 15),
        ("0x1F", 31),
        ("017", 17),  # 1.1 would read octal
        ("true", True),
        ("False", False),
        ("~", None),
        ("", None),
        (".inf", math.inf),
        ("1_000", "1_000"),  # 1.1 allowed underscores in numbers
        ("+12", 12),
    ],
)
def test_yaml_12_core_scalars(yaml_value: str, expected: object) -> None:
    assert fm.parse_yaml(f"v: {yaml_value}") == {"v": expected}


def test_keys_that_look_like_numbers_stay_names() -> None:
    assert fm.parse_yaml("2025: a\ntrue: b") == {"2025": "a", "true": "b"}


def test_alias_bomb_is_rejected_not_expanded() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefghijklmnop"):
        prev = "abcdefghijklmnop"[i]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(fm.FrontmatterError, match="aliases"):
        fm.parse_yaml("\n".join(lines))


def test_deep_nesting_is_rejected() -> None:
    with pytest.raises(fm.FrontmatterError):
        fm.parse_yaml("v: " + "[" * 200 + "]" * 200)


def test_invalid_yaml_keeps_body_drops_block_and_names_the_line() -> None:
    note, diags = parse("---\ntitle: ok\nsecret: [unclosed\nother: x\n---\n# Body\ntext\n")
    assert note.frontmatter == {}
    assert not note.frontmatter_valid
    assert note.body == "# Body\ntext\n"
    assert note.body_line == 5
    assert len(diags) == 1
    assert diags[0].kind == "frontmatter" and diags[0].path == "Note.md"
    assert diags[0].line is not None and 2 <= diags[0].line <= 5


def test_frontmatter_that_is_not_a_mapping() -> None:
    note, diags = parse("---\n- a\n- b\n---\nbody\n")
    assert note.frontmatter == {} and note.body == "body\n"
    assert [d.kind for d in diags] == ["frontmatter"]


def test_unclosed_block_is_not_frontmatter() -> None:
    note, diags = parse("---\ntitle: x\nno closing rule\n")
    assert note.frontmatter == {} and note.body.startswith("---") and diags == []


@pytest.mark.parametrize(
    ("text", "yaml_text", "body", "body_line"),
    [
        ("---\n---\nbody", "", "body", 2),  # an empty block: the closing line right after the first
        ("---\na: 1\n...\nbody\n", "a: 1", "body\n", 3),
        ("---\na: 1\n---\r\r\nb", "a: 1", "b", 3),
        ("---\na: 1\n---", "a: 1", "", 3),  # closed by the last line
        ("---\n--- x\n ---\n---\nb", "--- x\n ---", "b", 4),  # only a line of exactly `---` closes
    ],
)
def test_the_block_ends_at_its_first_closing_line(text: str, yaml_text: str, body: str, body_line: int) -> None:
    split = fm.split(text)
    assert (split.yaml_text, split.body, split.body_line) == (yaml_text, body, body_line)


def test_first_line_must_be_exactly_three_dashes() -> None:
    note, _ = parse("\n---\ntitle: x\n---\n")
    assert note.frontmatter == {}


@pytest.mark.parametrize(
    ("yaml_text", "etags"),
    [
        ("tags: [a, b/c]", ["#a", "#b/c"]),
        ("tags:\n  - a\n  - '#b'", ["#a", "#b"]),
        ("tags: a, b c", ["#a", "#b", "#c"]),
        ("tags: a", ["#a"]),
        ("tag: solo", ["#solo"]),
        ("Tags: [Upper]", ["#Upper"]),
        ("tags: 2025", ["#2025"]),
        ("tags:", []),
        ("tags: [a, null, '']", ["#a"]),
    ],
)
def test_every_yaml_form_of_tags(yaml_text: str, etags: list[str]) -> None:
    note, _ = parse(f"---\n{yaml_text}\n---\n")
    assert note.etags == etags


def test_a_list_of_tags_or_aliases_reads_as_its_items_one_by_one() -> None:
    """`_string_list` of a list: what it makes of each item in turn (the strings among them read
    without a call each), for every list in the corpora's frontmatter and some odd ones."""
    lists = [
        ["a", " b ", "c d", "e,f", "", None, 1, 2.5, True, False, ["g", "h i"], {"k": "v"}, "#j", "\u00a0k\u3000l"],
        [" ", ",", ", ,", "a\tb\nc", "x,"],
    ]
    for base in (CORPORA, ROOT / "vault", ROOT / "tests"):
        for path in sorted(base.rglob("*.md")) if base.exists() else ():
            note, _ = parse(path.read_text(encoding="utf-8", errors="replace"))
            lists.extend(v for v in note.frontmatter.values() if isinstance(v, list))
    assert len(lists) > 100
    for separators in (loader._TAG_SEPARATORS, loader._ALIAS_SEPARATORS):
        for value in lists:
            one_by_one = [
                part for item in value if item is not None and item != ""
                for part in loader._string_list(item, separators)
            ]
            assert loader._string_list(value, separators) == one_by_one, value


def test_nested_tags_add_their_parents() -> None:
    note, _ = parse("---\ntags: [type/projects/active]\n---\nBody #inline/tag\n")
    assert note.etags == ["#inline/tag", "#type/projects/active"]
    assert note.tags == ["#inline", "#inline/tag", "#type", "#type/projects", "#type/projects/active"]


@pytest.mark.parametrize(
    ("yaml_text", "aliases"),
    [
        ("aliases: [Ada, 'A. L.']", ["Ada", "A. L."]),
        ("aliases: Ada, Countess", ["Ada", "Countess"]),
        ("alias: Ada", ["Ada"]),
        ("aliases:\n  - Ada\n  - 42", ["Ada", "42"]),
    ],
)
def test_aliases(yaml_text: str, aliases: list[str]) -> None:
    note, _ = parse(f"---\n{yaml_text}\n---\n")
    assert note.aliases == aliases


def test_links_in_frontmatter_are_links_of_the_note_with_their_line() -> None:
    note, _ = parse('---\nowner: "[[Ada Lovelace]]"\nteam:\n  - "[[Bob|B.]]"\n  - plain\n---\nSee [[Carol]].\n')
    got = [(l.target, l.display, l.line, l.origin, l.key) for l in note.links]
    assert got == [
        ("Ada Lovelace", None, 1, "frontmatter", "owner"),
        ("Bob", "B.", 3, "frontmatter", "team"),
        ("Carol", None, 6, "body", None),
    ]


def test_note_day_from_property_or_file_name() -> None:
    note, _ = parse("---\ndate: 2025-10-06\n---\n")
    assert str(note.day) == "2025-10-06"
    d = Diagnostics()
    dated = parse_note("Meetings/2025-10-14 - Kickoff, pricing & scope.md", "x", d)
    assert str(dated.day) == "2025-10-14"
    assert parse_note("Plain.md", "x", d).day is None


# Blocks of the simple shape `_simple_block` reads by hand, and near misses it must hand to PyYAML.
SIMPLE_OR_NOT = [
    'type: meeting\ntitle: "Weekly sync"\ndate: 2021-01-29\nattendees:\n- "[[Ada]]"\n- "[[Bob]]"\ntags:\n  - a/b\n  - c',
    "n: 12\nf: 1.5\ng: .inf\nh: 0x1F\ni: 0o17\nj: +3\nb: true\nc: False\nz: ~\ne:\nq: ''\nd: \"\"",
    "no: no\nyes: off\ntime: 12:30\nurl: https://x.example/a?b=c\nlang: C#\nname: Zoltán Ó\nweird: a'b\"c",
    "k: a # comment", "k: a: b", "k: a:", "k: [a, b]", "k: {a: 1}", "k: a [b]", "k: |\n  text", "k: >\n  text",
    "k: &x a\nj: *x", "k: !!str 1", "k: 'it''s'", 'k: "a\\"b"', 'k: "tab\\tx"', "k: \"a\" b", "k: 'a", "k: -1",
    "k:\n- a\n  - b", "k:\n  - a\n- b", "k:\n- a\n  more", "k: a\n  more", "k: a\n- b", "k:\n- - a", "k:\n- a: 1",
    "k:\n-", "k:\n- \n- x", "k:\n\nj: 1", "# c\nk: 1", "k:\ta", "k: a\tb", "k: a\u00a0b", "k: a\u2028b", "k: a\x85b",
    "k : 1", "a  b: 1", "a b: 1", '"k": 1', "2025: a\ntrue: b", "k: 1\nk: 2\nj: 3", "k: ...", "- a", "k:a", "k: `x`",
    "k: @x", "k: %x", "k: ?x", "k: ,x", "k: ~x", "k: .5", "k: 1e3", "k: 1_000", "k: NaN", "k: .NaN", "x" * 200 + ": 1",
]


def _typed(value: object) -> object:
    """A value with every scalar's type spelt out (True == 1 and 1.0 == 1 in Python)."""
    if isinstance(value, dict):
        return [(k, _typed(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value).__name__, repr(value))


@pytest.mark.parametrize("block", SIMPLE_OR_NOT)
def test_the_hand_reader_of_simple_blocks_agrees_with_pyyaml(block: str) -> None:
    simple = fm._simple_block(block)
    if simple is None:
        return  # PyYAML reads it
    assert _typed(simple) == _typed(yaml.load(block, Loader=fm.Yaml12Loader))


def test_the_hand_reader_takes_what_the_properties_editor_writes() -> None:
    assert fm._simple_block(SIMPLE_OR_NOT[0]) == {
        "type": "meeting", "title": "Weekly sync", "date": "2021-01-29", "attendees": ["[[Ada]]", "[[Bob]]"],
        "tags": ["a/b", "c"],
    }
    assert fm._simple_block("k: a # comment") is None and fm._simple_block("k: [a, b]") is None


def test_a_note_keeps_its_text_as_frontmatter_block_and_body() -> None:
    """A note's whole text is its frontmatter block and its body, kept as those two strings: a third,
    whole copy held every note's body twice."""
    from dataclasses import fields

    from mkdocs_vault.vault.model import Note

    d = Diagnostics()
    text = "---\ntitle: A\n---\n# A\n\nbody 📅 2026-01-01\n"
    note = parse_note("A.md", text, d)
    assert (note.head, note.body, note.text) == ("---\ntitle: A\n---\n", "# A\n\nbody 📅 2026-01-01\n", text)
    assert "text" not in {f.name for f in fields(Note)}
    plain = parse_note("B.md", "# B\n", d)
    assert plain.head == "" and plain.text is plain.body
