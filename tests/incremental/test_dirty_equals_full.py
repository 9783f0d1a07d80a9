"""After each edit, a `mkdocs serve --dirty` rebuild leaves the site exactly as a full build of the edited
vault writes it. The dependency tracking decides which pages render again and which listings are made
again (`incremental.py`); a page it misses keeps its old HTML, and shows up here as a difference.

The sample vault is copied and edited the ways a team edits: a property, a date, a task, a tag, a
link, a type, prose, a title. Sitemaps are left out of the comparison and the search index's entries
are compared in an order of their own (their order follows the order pages were rendered in); the
global graph's JSON is compared.

A few notes are added to the copy (`EXTRA_NOTES`) for what a rebuild keeps and updates rather than
makes again: three notes whose names slugify alike, so that their URLs (`urls.UrlMap.updated`) depend
on each other, tags only one note has, whose pages go when it is unpublished (`pages.tags.TagTree`),
and a folder note that shows its folder's listing."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from tests.conftest import ROOT, build_site

SERVE_URL = "http://127.0.0.1:8000/"
PROJECT = "Projects/Saltmarsh Route Optimisation.md"
MEETING = "Meetings/2026-11-03 - Weekly delivery sync.md"
PERSON = "People/Freya Mørk.md"
# `reference/wave-plan/` is taken by the first in path order ("!" sorts before "."); the second gets
# `wave-plan-2/`, which pushes "Wave plan 2" (whose own slug that is) to `wave-plan-2-2/`. Unpublishing
# the first moves both of the others.
WAVE_FIRST = "Reference/Wave plan!.md"
EXTRA_NOTES = {
    # `#Wave` names the tag page of #wave (it sorts before `wave`) until this note goes.
    WAVE_FIRST: "---\ntags: [solo-tag, Wave/first]\n---\n\nThe first plan, with [[Wave plan]] beside it.\n",
    "Reference/Wave plan.md": "---\ntags: [wave]\n---\n\nThe second plan.\n",
    "Reference/Wave plan 2.md": "---\ntags: [wave]\n---\n\nThe third, after [[Wave plan]].\n",
    # Links to all three on one line: the page of each shows the others as links, then not.
    "Reference/Wave index.md": "All the plans: [[Wave plan!]], [[Wave plan]] and [[Wave plan 2]].\n",
    # Set-based queries (`dataview/narrowing.py`) on a crew's pages, and a meeting whose attendees and
    # action item owner change (`CREW_MEETING`): the pages of the people added and removed render again.
    **{
        f"Crew/{name}.md": (
            "---\ntype: crew\n---\n\n```dataview\nLIST FROM \"Crew/Meets\" WHERE contains(attendees, this.file.link)\n```\n"
            "\n```dataview\nTASK FROM \"Crew/Meets\" WHERE contains(owner, this.file.link) AND !completed\n```\n"
            "\n```dataview\nLIST FROM \"Crew/Meets\" WHERE contains(this.file.inlinks, file.link)\n```\n"
            f'\n```dataview\nLIST FROM "Crew/Meets" WHERE contains(file.tags, "#crew/{name.lower()}")\n```\n'
        )
        for name in ("Ottoline", "Perrin", "Quade", "Rhosyn")
    },
    # No link to anyone: only the query log can tell that Perrin's and Rhosyn's pages change.
    "Crew/Meets/Standup.md": "---\ntype: crew-meeting\ntags: [crew/perrin]\n---\n\nA standup.\n",
    "Crew/Meets/Kickoff.md": (
        '---\ntype: crew-meeting\nattendees:\n- "[[Ottoline]]"\n- "[[Perrin]]"\n---\n\n'
        "- [ ] Send the notes [owner:: [[Ottoline]]]\n"
    ),
    # A folder note at the top-level folder's URL shows the folder's listing below its text: the edits to
    # the notes above (a permalink moving one, one unpublished) change it without touching this note.
    "Reference/Reference.md": "The shelf of how-tos and plans.\n",
}
CREW_MEETING = "Crew/Meets/Kickoff.md"


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


EDITS = [
    ("a property", PROJECT, lambda t: _replace(t, "status: active", "status: blocked")),
    ("a date", MEETING, lambda t: _replace(t, "date: 2026-11-03", "date: 2026-11-04")),
    ("a task", PROJECT, lambda t: t + "\n- [ ] Book the wave 3 readout 📅 2026-12-01\n"),
    ("a tag", PERSON, lambda t: _replace(t, "---\n", "---\ntags: [mentor]\n") if "tags:" not in t else t),
    ("a link", MEETING, lambda t: t + "\nAlso discussed with [[Maren Holtby]].\n"),
    ("a type", PERSON, lambda t: _replace(t, "type: people", "type: contractor")),
    ("prose", PROJECT, lambda t: t + "\nA sentence with no links.\n"),
    ("unpublished", MEETING, lambda t: _replace(t, "---\n", "---\npublish: false\n")),
    ("published again", MEETING, lambda t: _replace(t, "publish: false\n", "")),
    ("a person unpublished", PERSON, lambda t: _replace(t, "---\n", "---\npublish: false\n")),
    # Frees `reference/wave-plan/` for the second, whose URL the third takes; tags #solo-tag and
    # #wave/first are left with no note, #wave with fewer and spelt `wave` only.
    ("a note others' URLs depend on unpublished", WAVE_FIRST,
     lambda t: _replace(t, "---\n", "---\npublish: false\n")),
    ("it published again", WAVE_FIRST, lambda t: _replace(t, "publish: false\n", "")),
    ("a permalink taking another's URL", "Reference/Wave plan 2.md",
     lambda t: _replace(t, "tags: [wave]", "tags: [wave]\npermalink: reference/wave-plan")),
    ("a tag only one note had removed", WAVE_FIRST, lambda t: _replace(t, "solo-tag, ", "")),
    ("attendees and an owner changed", CREW_MEETING,
     lambda t: _replace(_replace(t, '"[[Ottoline]]"\n- "[[Perrin]]"', '"[[Perrin]]"\n- "[[Quade]]"'),
                        "[owner:: [[Ottoline]]]", "[owner:: [[Rhosyn]]]")),
    # Rows that read the same to the queries showing them (`dataview.reads`): those pages stay as they are.
    ("a property no query reads, above an action item", CREW_MEETING,
     lambda t: _replace(t, "type: crew-meeting\n", "type: crew-meeting\nmood: calm\n")),
    ("an action item's text", CREW_MEETING, lambda t: _replace(t, "Send the notes", "Send the minutes")),
    ("a tag that a set-based query reads changed", "Crew/Meets/Standup.md",
     lambda t: _replace(t, "tags: [crew/perrin]", "tags: [crew/rhosyn]")),
    # Its folder's section page lists it by its new title, in a new place.
    ("a title", PROJECT, lambda t: _replace(t, "title: Saltmarsh Route Optimisation", "title: Aardvark routing")),
]


def _search_entries(site: Path) -> list[str]:
    """The search index's entries, in an order of their own (a rebuild merges its pages' entries into
    the last build's, so the order differs from a full build's)."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return sorted(json.dumps(entry, sort_keys=True) for entry in index["docs"])


def _html(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and (p.suffix not in (".json", ".xml", ".gz") or p.name == "graph.json")
    }


def copy_sample_vault(vault: Path) -> None:
    """The sample vault with `EXTRA_NOTES`, at `vault`."""
    shutil.copytree(ROOT / "vault", vault)
    for rel, text in EXTRA_NOTES.items():
        (vault / rel).parent.mkdir(parents=True, exist_ok=True)
        (vault / rel).write_text(text, encoding="utf-8")


@pytest.fixture
def config_text(tmp_path: Path) -> str:
    vault = tmp_path / "vault"
    copy_sample_vault(vault)
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    return text.replace("docs_dir: vault", f"docs_dir: {vault.as_posix()}")


def test_each_dirty_rebuild_equals_a_full_build(tmp_path: Path, config_text: str) -> None:
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(config_text, encoding="utf-8")
    served, fresh = tmp_path / "served", tmp_path / "fresh"
    config = load_config(config_file=str(config_file), site_dir=str(served))
    config.plugins.on_startup(command="serve", dirty=True)
    plugins = config.plugins
    build(config, serve_url=SERVE_URL, dirty=True)
    for label, rel, edit in EDITS:
        path = tmp_path / "vault" / rel
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
        later = time.time() + 5  # newer than every output, whatever the file system's resolution
        os.utime(path, (later, later))
        # As `mkdocs serve` does: a new config per rebuild, the kept plugin instances in it.
        config = load_config(config_file=str(config_file), site_dir=str(served))
        config.plugins = plugins
        build(config, serve_url=SERVE_URL, dirty=True)
        shutil.rmtree(fresh, ignore_errors=True)
        # In another process: MkDocs keeps a plugin with on_startup for the whole process.
        result = build_site(config_file, fresh)
        assert result.returncode == 0, result.stderr[-3000:]
        got, want = _html(served), _html(fresh)
        assert sorted(set(got) ^ set(want)) == [], label
        diff = [rel for rel in want if got[rel] != want[rel]]
        assert diff == [], (label, diff)
        assert _search_entries(served) == _search_entries(fresh), label
