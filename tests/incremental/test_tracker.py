"""The pieces of `incremental.py` on their own: the link graph, the query log and output removal."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs_vault.incremental import LinkGraph, QueryLog, remove_outputs
from mkdocs_vault.pipeline import Options, VaultState
from mkdocs_vault.vault.model import Link, Note

from tests.incremental.affected_reference import affected_page_by_page


def _note(path: str, *targets: str, embed: str | None = None) -> Note:
    links = [
        Link(target=t.rpartition("/")[2][:-3], subpath=None, display=None, embed=False, line=0)
        for t in targets
    ]
    for link, target in zip(links, targets, strict=True):
        link.resolved = target
    if embed:
        link = Link(target=embed[:-3], subpath=None, display=None, embed=True, line=1)
        link.resolved = embed
        links.append(link)
    return Note(path=path, links=links)


def test_link_graph_reports_old_and_new_targets_and_follows_embeds() -> None:
    graph = LinkGraph()
    notes = {"a.md": _note("a.md", "b.md"), "b.md": _note("b.md"), "c.md": _note("c.md", embed="a.md")}
    graph.update(notes, notes)
    assert graph.linking_to("b.md") == {"a.md"}
    notes["a.md"] = _note("a.md", "c.md")
    changes = graph.update(notes, ["a.md"])
    assert changes == {"a.md": frozenset({"b.md", "c.md"})}
    assert graph.linking_to("b.md") == set()
    assert graph.linking_to("c.md") == {"a.md"}
    # Unchanged links: nothing to report.
    assert graph.update(notes, ["a.md", "b.md"]) == {}
    # c embeds a, d embeds c: both show a's content.
    notes["d.md"] = _note("d.md", embed="c.md")
    graph.update(notes, ["d.md"])
    assert graph.embedders(["a.md"]) == {"c.md", "d.md"}
    # A removed note loses its links.
    del notes["a.md"]
    assert graph.update(notes, ["a.md"]) == {"a.md": frozenset({"c.md"})}
    assert graph.linking_to("c.md") == {"d.md"}


def test_a_first_refresh_leaves_the_link_graph_to_its_first_use(tmp_path: Path) -> None:
    """Only what follows a first refresh reads the graph (a one-off build never does), so it is filled
    then; and before the next refresh resolves links anew, so that refresh still sees which links now
    lead elsewhere: here `[[x]]` of an unchanged note, once `x.md` exists."""
    (tmp_path / "a.md").write_text("[[x]] and [[b]]\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("![[a]]\n", encoding="utf-8")
    state = VaultState(tmp_path, Options(today="2026-01-01", timezone="UTC")).refresh()
    tracker = state.tracker
    assert not tracker._graph.seq  # (not filled yet)
    assert tracker.links.linking_to("b.md") == {"a.md"} and tracker.links.embedders(["a.md"]) == {"b.md"}

    state = VaultState(tmp_path, Options(today="2026-01-01", timezone="UTC")).refresh()
    (tmp_path / "x.md").write_text("new\n", encoding="utf-8")
    state.refresh()
    assert state.tracker.link_changes["a.md"] == frozenset({"b.md", "x.md"})
    assert state.tracker.links.linking_to("x.md") == {"a.md"}


def test_query_log_replaces_a_pages_records_when_it_renders_again() -> None:
    log = QueryLog()
    log.start_build()
    log.query("p.md", object(), {"x.md", "y.md"})
    log.narrow("p.md", {"x.md"})
    log.deref("p.md", "z.md")
    assert log.records["p.md"][0].rows == {"x.md"}
    log.start_build()
    log.query("p.md", object(), {"w.md"})
    assert [r.rows for r in log.records["p.md"]] == [{"w.md"}]
    assert "p.md" not in log.derefs


def test_remove_outputs_deletes_only_inside_the_site_and_prunes_empty_folders(tmp_path: Path) -> None:
    site = tmp_path / "site"
    page = site / "people" / "ada" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("x")
    keep = site / "people" / "bob" / "index.html"
    keep.parent.mkdir(parents=True)
    keep.write_text("x")
    outside = tmp_path / "outside.html"
    outside.write_text("x")
    removed = remove_outputs([str(page), str(outside), str(site / "missing.html")], str(site))
    assert removed == [str(page)]
    assert not (site / "people" / "ada").exists()
    assert keep.exists() and outside.exists()


def test_query_log_affected_tries_each_distinct_source_once_with_the_same_answer(tmp_path: Path) -> None:
    """`affected` tries a FROM shared by many pages once (a `[[link]]` by who links to its note); the
    pages it names must be those trying every page's FROM on every changed note names."""

    from mkdocs_vault.dataview.batch import context_for_state
    from mkdocs_vault.dataview.engine import run_query
    from mkdocs_vault.pipeline import Options, VaultState

    from tests.conftest import write_vault

    people = ["Ada", "Bob", "Carol", "Dan", "Eve", "Finn"]
    # One query per page, so that no broad one hides what a narrow one must catch.
    queries = [
        'LIST FROM [[]] WHERE type = "meeting"',
        "LIST FROM outgoing([[]])",
        'LIST FROM "Meetings" WHERE project = [[Apollo]]',
        "LIST FROM #team AND [[]]",
        "LIST FROM [[Ada]]",
        "LIST FROM [[]]",
    ]
    query_of = {f"People/{p}.md": q for p, q in zip(people, queries, strict=True)}
    query_of["Projects/Apollo.md"] = 'LIST FROM "Meetings" WHERE project = this.file.link'
    files = {
        path: f"---\ntype: person\ntags: [{'team' if path < 'People/D' else 'ops'}]\n---\n\n```dataview\n{q}\n```\n"
        for path, q in query_of.items()
    }
    files["Meetings/M1.md"] = '---\ntype: meeting\nproject: "[[Apollo]]"\n---\nWith [[Ada]].\n'
    files["Meetings/M2.md"] = "---\ntype: meeting\n---\nWith [[Bob]] and [[Carol]].\n"
    vault = write_vault(tmp_path / "vault", files)
    state = VaultState(vault, Options(today="2026-11-24", timezone="UTC"))
    state.refresh()
    state.tracker.recording = True

    def record() -> None:
        log = state.tracker.queries
        log.start_build()
        ctx = context_for_state(state)
        for origin, query in query_of.items():
            run_query(query, origin, ctx)

    edits = [
        # M1 now links to Dan and Finn (their backlinks), Carol's tagged M2 joins "#team AND [[]]".
        ("Meetings/M1.md", '---\ntype: meeting\nproject: "[[Apollo]]"\n---\nWith [[Ada]], [[Dan]], [[Finn]].\n'),
        ("Meetings/M2.md", '---\ntype: meeting\nproject: "[[Apollo]]"\ntags: [team]\n---\nWith [[Carol]].\n'),
        ("Meetings/M3.md", "---\ntype: meeting\n---\nA new meeting with [[Ada]] and [[Bob]].\n"),
    ]
    record()
    for rel, text in edits:
        _save_and_refresh(state, rel, text)
        ctx = context_for_state(state)
        for changed in ({rel}, {rel, "People/Ada.md"}, {rel, "People/Bob.md", "Projects/Apollo.md"}):
            want = affected_page_by_page(state.tracker.queries, changed, ctx, narrow=False)
            assert state.tracker.queries.affected(set(changed), ctx) == want, (rel, changed)
            # Pages reached only through their FROM (the changed note was not among their rows).
            rows = {o for o, records in state.tracker.queries.records.items() for r in records if rel in r.rows}
            assert want - rows, (rel, changed)
        record()


def test_an_attendee_change_reaches_the_people_added_and_removed_only(tmp_path: Path) -> None:
    """`contains(attendees, this.file.link)` on every person page, and the task form: changing a
    meeting's attendees from Ada and Bob to Bob and Carol, and its action item's owner from Ada to
    Eve, re-renders Ada (removed), Bob (whose row changed), Carol (added) and Eve, and not Dan; the narrowing checks agree with evaluating every
    page's WHEREs on the changed note."""
    import os
    import time

    from mkdocs_vault.dataview.batch import context_for_state
    from mkdocs_vault.dataview.engine import run_query
    from mkdocs_vault.pipeline import Options, VaultState

    from tests.conftest import write_vault

    people = ["Ada", "Bob", "Carol", "Dan", "Eve"]
    queries = [
        'LIST FROM "Meetings" WHERE contains(attendees, this.file.link)',
        'TASK FROM "Meetings" WHERE contains(owner, this.file.link) AND !completed',
    ]
    files = {
        f"People/{p}.md": "---\ntype: person\n---\n" + "".join(f"\n```dataview\n{q}\n```\n" for q in queries)
        for p in people
    }

    def meeting(attendees: list[str], owner: str) -> str:
        listed = "".join(f'\n- "[[{a}]]"' for a in attendees)
        return f"---\ntype: meeting\nattendees:{listed}\n---\n- [ ] follow up [owner:: [[{owner}]]]\n"

    files["Meetings/M1.md"] = meeting(["Ada", "Bob"], "Ada")
    files["Meetings/M2.md"] = meeting(["Dan"], "Dan")
    vault = write_vault(tmp_path / "vault", files)
    state = VaultState(vault, Options(today="2026-11-24", timezone="UTC"))
    state.refresh()
    state.tracker.recording = True

    def record() -> None:
        state.tracker.queries.start_build()
        ctx = context_for_state(state)
        for p in people:
            for q in queries:
                run_query(q, f"People/{p}.md", ctx)

    record()
    path = vault / "Meetings/M1.md"
    path.write_text(meeting(["Bob", "Carol"], "Eve"), encoding="utf-8")
    later = time.time() + 5
    os.utime(path, (later, later))
    state.refresh()
    ctx = context_for_state(state)
    got = state.tracker.queries.affected({"Meetings/M1.md"}, ctx)
    # Eve through the task query alone: the action item is hers now.
    assert got == {"People/Ada.md", "People/Bob.md", "People/Carol.md", "People/Eve.md"}
    assert got == affected_page_by_page(state.tracker.queries, {"Meetings/M1.md"}, ctx, narrow=False)


@pytest.mark.parametrize("wide", [500, 1])  # (1: most pages asked every time rather than filed by row)
def test_the_first_wheres_inverses_are_kept_and_refreshed_across_rebuilds(tmp_path: Path, monkeypatch, wide) -> None:
    """Under serve the query log keeps each template's inverse (`narrowing.Inverse`) from one rebuild
    to the next and files anew only the pages whose page changed or which recorded anew: after every
    edit, the pages it names are those the plain check names, and no inverse is made again. The same
    for its index of the records (`_RecordIndex`): after the first call no call goes through them all."""

    from mkdocs_vault.dataview import narrowing
    from mkdocs_vault.dataview.batch import context_for_state
    from mkdocs_vault.dataview.engine import run_query
    from mkdocs_vault.incremental import _RecordIndex
    from mkdocs_vault.pipeline import Options, VaultState

    monkeypatch.setattr(_RecordIndex, "WIDE", wide)

    from tests.conftest import write_vault

    people = ["Ada", "Bob", "Carol", "Dan", "Eve"]
    queries = [
        'LIST FROM "Meetings" WHERE contains(attendees, this.file.link)',
        'TASK FROM "Meetings" WHERE contains(owner, this.file.link) AND !completed',
        'LIST FROM "Meetings" WHERE contains(file.tags, this.topic)',
    ]

    def person(name: str, topic: str) -> str:
        blocks = "".join(f"\n```dataview\n{q}\n```\n" for q in queries)
        return f'---\ntype: person\ntopic: "#{topic}"\n---\n{name}.\n{blocks}'

    def meeting(attendees: list[str], owner: str, tag: str) -> str:
        listed = "".join(f'\n- "[[{a}]]"' for a in attendees)
        return f"---\ntype: meeting\ntags: [{tag}]\nattendees:{listed}\n---\n- [ ] follow up [owner:: [[{owner}]]]\n"

    files = {f"People/{p}.md": person(p, p.lower()) for p in people}
    files["Meetings/M1.md"] = meeting(["Ada", "Bob"], "Ada", "ada")
    files["Meetings/M2.md"] = meeting(["Dan"], "Dan", "dan")
    vault = write_vault(tmp_path / "vault", files)
    state = VaultState(vault, Options(today="2026-11-24", timezone="UTC"))
    state.refresh()
    state.tracker.recording = True
    log = state.tracker.queries

    def record(origins) -> None:
        log.start_build()
        ctx = context_for_state(state)
        for origin in sorted(origins):
            for q in queries:
                run_query(q, origin, ctx)

    record(files.keys() - {"Meetings/M1.md", "Meetings/M2.md"})
    made = []
    real_init = narrowing.Inverse.__init__

    def counting_init(self, *args, **kwargs) -> None:
        made.append(1)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(narrowing.Inverse, "__init__", counting_init)
    edits = [
        ("Meetings/M1.md", meeting(["Bob", "Carol"], "Eve", "ada")),
        # Dan's own page: his topic is now Bob's, so M1, none of his rows, enters his results when it
        # is tagged #bob (only his K, filed anew, can tell).
        ("People/Dan.md", person("Dan", "bob")),
        ("Meetings/M1.md", meeting(["Bob", "Carol"], "Eve", "bob")),
        ("Meetings/M2.md", meeting(["Dan", "Eve"], "Carol", "eve")),
        ("People/Dan.md", person("Dan", "dan")),
        ("Meetings/M1.md", meeting(["Ada"], "Ada", "dan")),
        # Unpublished and published again: links to it resolve to text, then to it.
        ("People/Carol.md", person("Carol", "carol").replace("---\n", "---\npublish: false\n", 1)),
        ("Meetings/M2.md", meeting(["Carol", "Bob"], "Carol", "eve")),
        ("People/Carol.md", person("Carol", "carol")),
        ("Meetings/M2.md", meeting(["Carol"], "Carol", "carol")),
    ]
    for n, (rel, text) in enumerate(edits):
        _save_and_refresh(state, rel, text)
        ctx = context_for_state(state)
        linked = {rel} | set(state.tracker.link_changes.get(rel, ()))
        want = affected_page_by_page(log, linked, ctx, narrow=False)
        scans = getattr(log.records, "scans", 0)
        got = log.affected(set(linked), ctx, keep=not state.tracker.names_changed)
        assert got == want, (n, rel)
        if n == 0:
            log.records = _Watched(log.records)
        else:  # the records are looked up by the index kept since, not gone through (`_RecordIndex`)
            assert log.records.scans == scans, (n, rel)
        if n == 2:
            assert "People/Dan.md" in got
        if n == 0:
            made_first = len(made)
            assert made_first > 0
        # As a serve rebuild: the pages named, and the edited note, render again and record anew.
        record((got | {rel}) & {f"People/{p}.md" for p in people})
    assert len(made) == made_first  # kept and refreshed, never made again


class _Watched(dict):
    """A dict that counts how often it is gone through whole."""

    scans = 0

    def _scan(self) -> None:
        self.scans += 1

    def __iter__(self):
        self._scan()
        return super().__iter__()

    def items(self):
        self._scan()
        return super().items()

    def values(self):
        self._scan()
        return super().values()


def _save_and_refresh(state, rel: str, text: str) -> None:
    """Save an edit with an mtime newer than any output, and refresh the state as a rebuild does."""
    import os
    import time

    path = state.root / rel
    path.write_text(text, encoding="utf-8")
    later = time.time() + 5
    os.utime(path, (later, later))
    state.refresh()
