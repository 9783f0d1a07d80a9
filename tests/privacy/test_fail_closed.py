"""The publish decision fails closed, and private values are taken out of a note before any stage reads
it (`vault.frontmatter.publish_property`, `Note.held`, `privacy.redact`)."""

from __future__ import annotations

import pytest
from mkdocs_vault.diagnostics import Diagnostics
from mkdocs_vault.privacy import private_set, redact
from mkdocs_vault.publish import is_published
from mkdocs_vault.vault.frontmatter import parse_yaml, publish_line_doubt, publish_property
from mkdocs_vault.vault.loader import parse_note


@pytest.mark.parametrize(
    ("yaml_text", "flag", "warns"),
    [
        ("publish: false", False, False),
        ("publish: true", True, False),
        ("Publish: false", False, True),  # another case of the key
        ("PUBLISH: true", True, True),
        ('publish: "false"', False, True),  # text, not a boolean
        ("publish: no", False, True),  # YAML 1.2: the string "no"
        ("publish: Off", False, True),
        ("publish: 0", False, True),
        ("publish: 1", True, True),
        ("publish: maybe", False, True),  # in doubt: held back
        ("publish: [false]", False, True),
        ("publish:", None, False),  # an empty property says nothing
        ("publish: true\nPublish: false", False, True),  # false wins
        ("title: x", None, False),
    ],
)
def test_the_publish_property_is_read_fail_closed(yaml_text: str, flag: bool | None, warns: bool) -> None:
    stated = publish_property(parse_yaml(yaml_text))
    assert stated.flag is flag
    assert (stated.problem is not None) is warns


@pytest.mark.parametrize(
    ("yaml_text", "held"),
    [
        ("publish: false\nx: [unclosed", True),
        ("Publish: 'no'\nx: [unclosed", True),
        ("x: [unclosed\n  publish: off # hidden", True),
        ("publish: perhaps\nx: [unclosed", True),
        ("publish: true\nx: [unclosed", False),
        ("x: [unclosed", False),
        ("republish: false\nx: [unclosed", False),
    ],
)
def test_invalid_yaml_with_a_publish_line_not_plainly_true_is_held(yaml_text: str, held: bool) -> None:
    assert (publish_line_doubt(yaml_text) is not None) is held
    diagnostics = Diagnostics()
    note = parse_note("Note.md", f"---\n{yaml_text}\n---\nBody.\n", diagnostics)
    assert is_published(note)[0] is not held
    [record] = [d for d in diagnostics if d.kind == "frontmatter"]
    assert ("held back" in record.message) is held


def test_a_private_field_is_cut_from_items_and_tasks_keeping_line_numbers() -> None:
    text = (
        "---\ncomp:\n  salary: 5\n  band: B\nhistory:\n  - rate: 1\n    year: 2020\n---\n"
        "- [ ] pay [salary:: 900] now\n"  # file line 8
        "- note (rate:: 5)\n"
        "- salary:: 5\n"
        "- [ ] after ^blk\n"
        "> - [ ] quoted [Rate:: [[Secret link]] #secret-tag]\n"
        "rate:: [[Other secret]] ![[secret.png]]\n"
        "Kept [[Public link]] #public-tag\n"
    )
    note = parse_note("Note.md", text, Diagnostics())
    assert redact(note, private_set(["salary", "rate"]))
    assert note.frontmatter == {"comp": {"band": "B"}, "history": [{"year": 2020}]}
    items = [(i.line, i.status, i.text) for i in note.list_items]
    assert items == [(8, " ", "pay now"), (9, None, "note"), (11, " ", "after ^blk"), (12, " ", "quoted")]
    assert [b.line for b in note.block_ids] == [11]
    assert [lk.target for lk in note.links] == ["Public link"]
    assert note.etags == ["#public-tag"]
    assert all(f.key.lower() not in ("salary", "rate") for f in note.fields)
    assert not redact(note, private_set(["salary", "rate"]))  # nothing more to take out


def test_an_open_comment_on_a_field_line_stays_open() -> None:
    text = "rate:: 5 %% the comment starts\n[[Hidden in comment]]\nends %%\n[[Seen]]\n"
    note = parse_note("Note.md", text, Diagnostics())
    redact(note, private_set(["rate"]))
    assert [lk.target for lk in note.links] == ["Seen"]


def test_no_private_keys_no_change() -> None:
    note = parse_note("Note.md", "---\nsalary: 1\n---\n- [ ] x [salary:: 2]\n", Diagnostics())
    assert not redact(note, private_set([]))
    assert note.frontmatter == {"salary": 1} and note.list_items[0].text == "x [salary:: 2]"
