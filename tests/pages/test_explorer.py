"""The file explorer's folder tree (pages/explorer.py): shape, order, URLs, and its size at 10,000 notes."""

from __future__ import annotations

import json

from mkdocs_vault.pages.data import NoteRow
from mkdocs_vault.pages.explorer import explorer_json, explorer_tree


def row(path: str, title: str, url: str) -> NoteRow:
    folder = path.rpartition("/")[0]
    return NoteRow(path, title, None, url, None, folder, (), (), {})


def test_tree_nests_folders_and_orders_by_title() -> None:
    rows = [
        row("index.md", "Home", ""),
        row("People/zoe.md", "Zoë", "people/zoe/"),
        row("People/Alumni/Hugo.md", "Hugo", "people/alumni/hugo/"),
        row("People/ada.md", "ada", "people/ada/"),
        row("Customers/Quarry Lane/Quarry Lane.md", "Quarry Lane", "customers/quarry-lane/quarry-lane/"),
        row("Projects/Odd.md", "Odd one", "elsewhere/odd/"),  # a permalink outside its folder
    ]
    assert explorer_tree(rows) == {
        "n": "",
        "u": "",
        "d": [
            {"n": "Customers", "u": "", "d": [
                {"n": "Quarry Lane", "u": "customers/quarry-lane/", "f": [["Quarry Lane", "quarry-lane"]]},
            ]},
            {"n": "People", "u": "people/", "d": [
                {"n": "Alumni", "u": "people/alumni/", "f": [["Hugo", "hugo"]]},
            ], "f": [["ada", "ada"], ["Zoë", "zoe"]]},
            {"n": "Projects", "u": "elsewhere/", "f": [["Odd one", "odd"]]},
        ],
        "f": [["Home", ""]],
    }


def test_a_permalink_outside_the_folders_prefix_is_kept_whole() -> None:
    rows = [row("P/a.md", "A", "p/a/"), row("P/b.md", "B", "somewhere/else/b/")]
    folder = explorer_tree(rows)["d"][0]
    assert folder["u"] == "p/" and folder["f"] == [["A", "a"], ["B", "/somewhere/else/b"]]


def test_ten_thousand_notes_stay_under_a_megabyte() -> None:
    """Titles of about 30 characters (the benchmark's generated 10,000-note vault averages 23: its tree is
    599 KB). A note costs its title and its URL's last segment, so titles of 60 characters or more on
    every note would pass a megabyte."""
    rows = []
    for i in range(10_000):
        folder = ["Meetings", "People", "Projects", "Daily", "Customers/Accounts"][i % 5]
        title = f"2026-{i % 12 + 1:02d}-{i % 28 + 1:02d} - Sync with client {i}"
        slug = title.lower().replace(" ", "-")
        rows.append(row(f"{folder}/{title}.md", title, f"{folder.lower()}/{slug}/"))
    text = explorer_json(rows)
    assert len(text.encode("utf-8")) < 1_000_000
    assert sum(len(f.get("f", [])) for f in json.loads(text)["d"]) + 2000 == 10_000  # 2,000 one level down
