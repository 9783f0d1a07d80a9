"""A serve rebuild renders again the pages whose query results show a changed note only when the
query reads something of that note that changed (`dataview.reads`): a meeting's prose, a link in its
text or a property no query names leave the project's other meetings as they were, while its
`project`, a task's text or a tag its FROM selects by do not. Every rebuild still equals a full
build of the edited vault (compared page by page)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from mkdocs_vault.dataview.engine import _parse
from mkdocs_vault.dataview.reads import reads_same, row_reads

from tests.conftest import build_site
from tests.incremental.test_dirty_equals_full import _html
from tests.incremental.test_serve_rebuild import _build, _edit, _page, _read, _served_vault

SIBLINGS = 'LIST FROM "Meetings" WHERE project = this.project AND file.name != this.file.name'
MEETING = "---\nproject: \"[[Portal]]\"\n{extra}---\n# {name}\n\n```dataview\n" + SIBLINGS + "\n```\n\n{body}"
VAULT = {
    "Projects/Portal.md": "# Portal\n\nThe customer portal.\n",
    "Projects/Other.md": "# Other\n\nAnother project.\n",
    "Lists/Open.md": "# Open\n\n```dataview\nTASK FROM \"Meetings\" WHERE !completed\n```\n",
    "People/Bob.md": "# Bob\n\n```dataview\nLIST FROM #followup\n```\n",
    "Meetings/Kickoff.md": MEETING.format(
        name="Kickoff", extra="", body="- [ ] Send the notes\n"
    ),
    "Meetings/Review.md": MEETING.format(name="Review", extra="", body="Reviewed.\n"),
}


def _same_as_full(config: Path, site: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    result = build_site(config, fresh)
    assert result.returncode == 0, result.stderr[-3000:]
    got, want = _html(site), _html(fresh)
    assert sorted(set(got) ^ set(want)) == []
    assert [rel for rel in want if got[rel] != want[rel]] == []


def test_rows_that_read_the_same_leave_the_pages_showing_them_alone(tmp_path: Path) -> None:
    vault, config, site = _served_vault(tmp_path, VAULT)
    review, opened, bob = _page(site, "meetings/review"), _page(site, "lists/open"), _page(site, "people/bob")
    assert "Kickoff" in _read(site, "meetings/review")
    kickoff = VAULT["Meetings/Kickoff.md"]

    # Prose, a link in the text and a property no query names: Review lists Kickoff by its link only,
    # and the open task keeps its text (its position in the file moved: the HTML does not show it).
    written = {p: p.stat().st_mtime_ns for p in (review, opened, bob)}
    kickoff = kickoff.replace("---\n#", "mood: calm\n---\n#").replace("- [ ]", "Met about [[Other]].\n\n- [ ]")
    _edit(vault, "Meetings/Kickoff.md", kickoff)
    _build(config, site)
    assert {p: p.stat().st_mtime_ns for p in (review, opened, bob)} == written
    _same_as_full(config, site, tmp_path)

    # The task's text: the list of open tasks shows it.
    kickoff = kickoff.replace("Send the notes", "Send the minutes")
    _edit(vault, "Meetings/Kickoff.md", kickoff)
    _build(config, site)
    assert "Send the minutes" in _read(site, "lists/open")
    assert review.stat().st_mtime_ns == written[review]
    _same_as_full(config, site, tmp_path)

    # A tag Bob's FROM selects by, then the project Review's WHERE reads.
    kickoff = kickoff.replace("mood: calm\n", "mood: calm\ntags: [followup]\n")
    _edit(vault, "Meetings/Kickoff.md", kickoff)
    _build(config, site)
    assert "Kickoff" in _read(site, "people/bob")
    _same_as_full(config, site, tmp_path)
    _edit(vault, "Meetings/Kickoff.md", kickoff.replace("[[Portal]]", "[[Other]]"))
    _build(config, site)
    assert "Kickoff" not in _read(site, "meetings/review")
    _same_as_full(config, site, tmp_path)


def _reads(text: str):
    return row_reads(_parse(text, dt.UTC))


def test_what_a_query_reads_of_its_rows() -> None:
    assert _reads(SIBLINGS) == {("project",), ("file", "link"), ("file", "path"), ("file", "name")}
    # A FROM of a tag or of links selects by the row's tags or its own links.
    assert ("file", "tags") in _reads("LIST FROM #followup")
    assert ("file", "outlinks") in _reads("LIST FROM [[]]")
    # Read off another note, or whole rows: no answer.
    assert _reads("LIST FROM outgoing([[Portal]])") is None
    assert _reads('LIST rows.file.link FROM "" GROUP BY project') is None
    assert _reads("LIST WHERE row") is None
    # `this` is the page the query is on, not a row.
    assert ("attendees",) in _reads("LIST WHERE contains(attendees, this.file.link)")
    assert not any(key[0] == "this" for key in _reads("LIST WHERE contains(attendees, this.file.link)"))


def test_values_are_told_apart_by_type() -> None:
    reads = frozenset({("n",)})
    assert not reads_same({"n": 1}, {"n": True}, reads)
    assert not reads_same({"n": 1}, {"n": 1.0}, reads)
    assert not reads_same({"n": 1}, {}, reads)
    assert reads_same({"n": 1, "other": 2}, {"n": 1}, reads)
    utc = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
    assert not reads_same({"n": utc}, {"n": utc.astimezone(dt.timezone(dt.timedelta(hours=1)))}, reads)


def test_a_task_query_compares_tasks_without_their_place_unless_it_reads_it() -> None:
    task = {"text": "Send", "position": {"start": {"line": 3}}, "children": []}
    moved = {**task, "position": {"start": {"line": 4}}}
    page, later = {"file": {"tasks": [task]}}, {"file": {"tasks": [moved]}}
    assert reads_same(page, later, _reads("TASK WHERE !completed"), "task")
    assert not reads_same(page, later, _reads("TASK WHERE position.start.line > 1"), "task")
    assert not reads_same(page, later, _reads('TABLE file.tasks FROM ""'), "table")


LINKED = {
    "People/Ada.md": "# Ada\n\nWorks on [[Portal]].\n\nLikes tea. ^tea\n",
    "Meetings/Sync.md": "# Sync\n\nWith [[Ada]].\n",
    "Meetings/Ref.md": "# Ref\n\nSee [[Ada#^tea]].\n",
    "Projects/Portal.md": "# Portal\n\nThe portal.\n",
}


def test_a_prose_edit_leaves_the_pages_linking_to_the_note_alone(tmp_path: Path) -> None:
    """A page linking to a note shows its title, type, URL and links (a link; a node and edges of its
    local graph): prose or a property change none of them. A link to a block takes its anchor from
    the text."""
    vault, config, site = _served_vault(tmp_path, LINKED)
    sync, ref, portal = (_page(site, url) for url in ("meetings/sync", "meetings/ref", "projects/portal"))
    written = {page: page.stat().st_mtime_ns for page in (sync, ref)}
    _edit(vault, "People/Ada.md", LINKED["People/Ada.md"].replace("[[Portal]].", "[[Portal]]. Daily."))
    _build(config, site)
    assert sync.stat().st_mtime_ns == written[sync]
    assert "Daily" in portal.read_text(encoding="utf-8")  # its linked mentions quote the line
    _same_as_full(config, site, tmp_path)

    # The block's id goes: the link to it loses its fragment.
    _edit(vault, "People/Ada.md", LINKED["People/Ada.md"].replace(" ^tea", ""))
    _build(config, site)
    assert sync.stat().st_mtime_ns == written[sync]
    assert ref.stat().st_mtime_ns != written[ref]
    _same_as_full(config, site, tmp_path)

    # A property no page linking to it shows.
    _edit(vault, "People/Ada.md", "---\nstatus: busy\n---\n" + LINKED["People/Ada.md"])
    _build(config, site)
    assert sync.stat().st_mtime_ns == written[sync]
    _same_as_full(config, site, tmp_path)

    # A new title: every page linking to it shows it (the local graph's node).
    _edit(vault, "People/Ada.md", "---\ntitle: Ada Lovelace\n---\n" + LINKED["People/Ada.md"])
    _build(config, site)
    assert sync.stat().st_mtime_ns != written[sync]
    _same_as_full(config, site, tmp_path)
