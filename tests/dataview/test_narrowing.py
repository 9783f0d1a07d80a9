"""Set-based narrowing (`dataview.narrowing`) against the row-by-row path, shape by shape, on random vaults.

Every query runs from every note of a random vault twice: narrowed, and with `QueryContext(narrow=False)`
(every WHERE evaluated on every row). The results must be equal (the same rows in the same order, the
same error when every row fails), and so must what the query log records per page (the rows the
leading WHEREs kept), which is what serve re-renders by. The vaults mix what makes narrowing hard:
links that resolve and links that do not, links to headings, lists nested in lists, strings that are
equal only after NFC, numbers as strings, missing fields, a field called `this`, values on which the
WHERE fails, and tasks with their own fields.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs_vault.dataview import narrowing
from mkdocs_vault.dataview.batch import load_pages
from mkdocs_vault.dataview.engine import QueryContext, run_query, to_expect
from mkdocs_vault.dataview.parser import parse_expression
from mkdocs_vault.dataview.values import UTC
from mkdocs_vault.incremental import QueryLog

from tests.incremental.affected_reference import affected_page_by_page

NOW = dt.datetime(2026, 3, 1, tzinfo=UTC)
NAMES = ["Ada", "Bob", "Cé", "A/Dan", "B/Eve", "B/Fay"]
FOLDERS = ["", "A", "B"]

LINKS = st.sampled_from(
    [
        "[[Ada]]",
        "[[Bob]]",
        "[[Cé]]",
        "[[Dan]]",
        "[[Eve]]",
        "[[Fay]]",
        "[[Ghost]]",
        "[[Ada#Notes]]",
        "[[A/Dan]]",
    ]
)
SCALARS = st.one_of(
    LINKS.map(lambda x: f'"{x}"'),
    st.sampled_from(
        ['"active"', '"Active"', '"done"', '"Caf\u00e9"', '"Cafe\u0301"', "3", "'3'", "null", "true"]
    ),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
    st.lists(st.lists(SCALARS, max_size=2), min_size=1, max_size=2).map(
        lambda xss: "[" + ", ".join("[" + ", ".join(xs) + "]" for xs in xss) + "]"
    ),
)
FIELDS = ["rel", "status", "num", "label", "tagname", "this"]


@st.composite
def vaults(draw: st.DrawFn) -> dict[str, str]:
    notes = {}
    for name in draw(st.lists(st.sampled_from(NAMES), min_size=2, max_size=6, unique=True)):
        fm = []
        for key in draw(st.lists(st.sampled_from(FIELDS), max_size=4, unique=True)):
            if key == "label":
                value = draw(st.sampled_from(['"Ada"', '"Bob"', '"Dan"', '"Zed"', "4"]))
            elif key == "tagname":
                value = draw(st.sampled_from(['"#t"', '"#t/sub"', '"t"', '"#u"']))
            elif key == "this" and not draw(st.booleans()):
                continue
            else:
                value = draw(VALUES)
            fm.append(f"{key}: {value}")
        tags = draw(st.lists(st.sampled_from(["t", "t/sub", "u", "T"]), max_size=2))
        if tags:
            fm.append("tags: [" + ", ".join(tags) + "]")
        body = [f"Links {' '.join(draw(st.lists(LINKS, max_size=3)))}"]
        for _ in range(draw(st.integers(0, 2))):
            box = draw(st.sampled_from([" ", "x"]))
            owner = draw(st.one_of(st.just(""), LINKS.map(lambda x: f" [owner:: {x}]")))
            due = draw(st.sampled_from(["", " [due:: 2026-02-01]", " [due:: 2026-04-01]"]))
            body.append(f"- [{box}] task{owner}{due}")
        notes[f"{name}.md"] = ("---\n" + "\n".join(fm) + "\n---\n" if fm else "") + "\n".join(body) + "\n"
    return notes


# One query per shape the issue names, alone and combined with AND / OR and row filters, and
# conditions that fail on some rows (`num - 1` on a string or null) to exercise "every row failed".
SHAPES = {
    "eq": 'LIST FROM "" WHERE rel = this.file.link',
    "eq-reversed": 'LIST FROM "" WHERE this.rel = rel',
    "eq-literal-nfc": 'LIST FROM "" WHERE status = "Café"',
    "contains-link": 'LIST FROM "" WHERE contains(rel, this.file.link)',
    "econtains-link": 'LIST FROM "" WHERE econtains(rel, this.file.link)',
    "icontains-link": 'LIST FROM "" WHERE icontains(rel, [[Ada]])',
    "contains-string": 'LIST FROM "" WHERE contains(rel, "ct")',
    "icontains-string": 'LIST FROM "" WHERE icontains(status, "ACT")',
    "econtains-string": 'LIST FROM "" WHERE econtains(status, "Café")',
    "contains-number": 'LIST FROM "" WHERE contains(rel, 3)',
    "contains-null": 'LIST FROM "" WHERE contains(rel, null)',
    "contains-list-needle": 'LIST FROM "" WHERE contains(rel, this.rel)',
    "outlinks": 'LIST FROM "" WHERE contains(file.outlinks, this.file.link)',
    "inlinks": 'LIST FROM "" WHERE contains(file.inlinks, this.file.link)',
    "this-inlinks": 'LIST FROM "" WHERE contains(this.file.inlinks, file.link)',
    "this-list": 'LIST FROM "" WHERE contains(this.rel, file.link)',
    "this-list-e": 'LIST FROM "" WHERE econtains(this.rel, file.name)',
    "this-string": 'LIST FROM "" WHERE icontains(this.status, file.name)',
    "file-name": 'LIST FROM "" WHERE file.name = this.label',
    "tags-literal": 'LIST FROM "" WHERE contains(file.tags, "#t")',
    "tags-this": 'LIST FROM "" WHERE contains(file.tags, this.tagname)',
    "truthy": 'LIST FROM "" WHERE rel AND rel = this.rel',
    "from-link": 'LIST FROM [[]] WHERE status = "active"',
    "from-link-folder": 'LIST FROM [[]] AND "B" WHERE contains(rel, this.file.link) OR status = "done"',
    "from-tag": "LIST FROM #t WHERE contains(file.outlinks, this.file.link)",
    "and-filter": 'LIST FROM "" WHERE contains(rel, this.file.link) AND status = "active"',
    "or": 'LIST FROM "" WHERE contains(rel, this.file.link) OR file.name = this.label',
    "or-unnarrowable": 'LIST FROM "" WHERE contains(rel, this.file.link) OR !status',
    "date": 'LIST FROM "" WHERE contains(file.outlinks, this.file.link) AND file.mtime < date(today) + dur(1 year)',
    "fails-some": 'LIST FROM "" WHERE contains(rel, this.file.link) AND num - 1 > 0',
    "fails-always": 'LIST FROM "" WHERE contains(rel, this.file.link) AND this.nothing - 1 > 0',
    "fails-needle": 'LIST FROM "" WHERE rel = this.num - 1',
    "table-sort": 'TABLE rel FROM "" WHERE contains(rel, this.file.link) OR rel = this.file.link SORT file.name DESC',
    "task-contains": 'TASK FROM "" WHERE contains(owner, this.file.link) AND !completed',
    "task-eq": "TASK WHERE owner = this.file.link OR due = date(2026-02-01)",
    "task-fails": "TASK WHERE contains(owner, this.file.link) AND due - 1 > 0",
}


def _run_all(pages, narrow: bool, query: str) -> tuple[dict[str, object], dict[str, object]]:
    log = QueryLog()
    out = {}
    for origin in pages.pages:
        ctx = QueryContext(pages, NOW, UTC, recorder=log, narrow=narrow)
        out[origin] = to_expect(run_query(query, origin, ctx))
    kept = {o: [(r.rows, r.cutoff) for r in recs] for o, recs in log.records.items()}
    return out, kept


@pytest.mark.parametrize("shape", list(SHAPES))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(vault=vaults())
def test_narrowed_equals_row_by_row(shape: str, vault: dict[str, str]) -> None:
    query = SHAPES[shape]
    with tempfile.TemporaryDirectory() as tmp:
        for rel, text in vault.items():
            path = Path(tmp) / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        pages = load_pages(tmp)
        narrowed = _run_all(pages, True, query)
        reference = _run_all(pages, False, query)
    assert narrowed == reference


@pytest.mark.parametrize("shape", list(SHAPES))
@settings(max_examples=10, deadline=None)
@given(vault=vaults())
def test_a_page_set_never_updated_narrows_as_one_that_is(shape: str, vault: dict[str, str]) -> None:
    """A one-shot build's page set is never updated (`PageSet.updatable` False): its row indexes keep
    no record of each row's keys and each bucket read once, and narrow to the same rows."""
    with tempfile.TemporaryDirectory() as tmp:
        _write(Path(tmp), vault)
        updatable, fixed = load_pages(tmp), load_pages(tmp)
        fixed.updatable = False
        assert _run_all(fixed, True, SHAPES[shape]) == _run_all(updatable, True, SHAPES[shape])
    for index in fixed.__dict__.get("_row_indexes", {}).values():
        assert not index.rows_of


def test_a_row_index_never_updated_keeps_a_bucket_once(tmp_path: Path) -> None:
    """Read from an index that is never updated, a bucket is kept as the frozen set it is read as, not
    beside it; refiling such an index (which nothing does) still gives every row where it belongs."""
    for name, rel in (("Ada", "[[Bob]]"), ("Bob", "[[Ada]]"), ("Cy", "[[Bob]]"), ("Dee", '"x"')):
        (tmp_path / f"{name}.md").write_text(f'---\nrel: "{rel}"\n---\n', encoding="utf-8")
    pages = load_pages(tmp_path)
    kept = narrowing.RowIndex("page", ("rel",), "deep", pages.pages)
    fixed = narrowing.RowIndex("page", ("rel",), "deep", pages.pages, updatable=False)
    assert fixed.members == kept.members and kept.rows_of and not fixed.rows_of
    bob = next(k for k in fixed.members if k[0] == "link" and k[1] == "Bob.md")
    rows = fixed.rows(bob)
    assert rows == kept.rows(bob) == {"Ada.md", "Cy.md"}
    assert fixed.members[bob] is rows  # one copy of the bucket
    pages.pages["Dee.md"]["rel"] = pages.pages["Ada.md"]["rel"]
    fixed.update(pages.pages, ["Dee.md"])
    kept.update(pages.pages, ["Dee.md"])
    assert fixed.members == kept.members and fixed.rows(bob) == {"Ada.md", "Cy.md", "Dee.md"}


@pytest.mark.parametrize(
    ("where", "kind"),
    [
        ("contains(attendees, this.file.link)", "set-based"),
        ("contains(this.file.inlinks, file.link) AND !completed", "set-based"),
        ("project AND project = this.project", "set-based"),
        ("contains(team, this.file.link) OR owner = this.file.link", "set-based"),
        ("contains(team, this.file.link) OR !completed", "row by row"),
        ("!completed", "row by row"),
        ("length(file.outlinks) > 3", "row by row"),
        ("contains(lower(name), this.x)", "row by row"),
    ],
)
def test_which_shapes_are_set_based(where: str, kind: str) -> None:
    assert narrowing.describe(parse_expression(where)) == kind


def test_a_page_that_could_fail_is_never_left_out_when_none_remain(tmp_path: Path) -> None:
    """No candidate, but a row outside them fails: Dataview reports the query as failed when every
    row fails, so the engine must look at every row (here: every row fails, so the query fails)."""
    (tmp_path / "Ada.md").write_text("---\nnum: x\n---\n", encoding="utf-8")
    (tmp_path / "Bob.md").write_text("---\nnum: y\n---\n", encoding="utf-8")
    pages = load_pages(tmp_path)
    query = 'LIST FROM "" WHERE contains(rel, this.file.link) AND num - 1 > 0'
    result = run_query(query, "Ada.md", QueryContext(pages, NOW, UTC))
    assert result.type == "error" and "Every row during where failed" in str(result.error)


def test_strings_equal_after_nfc_are_candidates(tmp_path: Path) -> None:
    """`econtains` of a list and `=` compare strings after NFC: a decomposed "Café" in a note matches
    the composed one in the query, narrowed as row by row."""
    (tmp_path / "Ada.md").write_text(
        '---\nstatus: ["Cafe\u0301", "x"]\nmood: "Cafe\u0301"\n---\n', encoding="utf-8"
    )
    (tmp_path / "Bob.md").write_text('---\nstatus: ["Café"]\nmood: "Café"\n---\n', encoding="utf-8")
    pages = load_pages(tmp_path)
    for query in ('LIST WHERE econtains(status, "Café")', 'LIST WHERE mood = "Café"'):
        got = to_expect(run_query(query, "Ada.md", QueryContext(pages, NOW, UTC)))
        assert got == to_expect(run_query(query, "Ada.md", QueryContext(pages, NOW, UTC, narrow=False)))
        assert len(got["items"]) == 2, query


# Shapes with AND / OR, whose set operations `narrowing._combine` keeps by their operands' identity.
COMBINED = [
    "truthy",
    "from-link-folder",
    "and-filter",
    "or",
    "table-sort",
    "task-contains",
    "task-eq",
]
COMBINED_EXTRA = {
    "truthy-not-self": 'LIST FROM "" WHERE rel AND rel = this.rel AND file.name != this.file.name',
    "or-and": 'LIST FROM "" WHERE (contains(rel, this.file.link) OR status = "active") AND status',
}


@pytest.mark.parametrize("query", [SHAPES[s] for s in COMBINED] + list(COMBINED_EXTRA.values()))
@settings(max_examples=25, deadline=None)
@given(vault=vaults())
def test_kept_set_operations_narrow_as_row_by_row(query: str, vault: dict[str, str]) -> None:
    """Every intersection and union kept (`_MEMO_MIN` 0, as for the long ones of a big vault): the
    same results as row by row, on every page of the vault in turn."""
    with tempfile.TemporaryDirectory() as tmp, mock.patch.object(narrowing, "_MEMO_MIN", 0):
        _write(Path(tmp), vault)
        pages = load_pages(tmp)
        narrowed = _run_all(pages, True, query)
        reference = _run_all(pages, False, query)
    assert narrowed == reference


def test_a_template_intersects_the_same_two_sets_once(tmp_path: Path) -> None:
    """`rel AND rel = this.rel` on the pages without `rel`: each asks for the rows with a truthy `rel`
    and those whose `rel` is null, the same two sets; their intersection is made once and kept with
    the page set until its pages are updated (serve), as its operands are then the old index's."""
    for n in range(6):
        rel = '"[[Ada]]"' if n % 2 else "null"
        (tmp_path / f"N{n}.md").write_text(f"---\nrel: {rel}\n---\n", encoding="utf-8")
    (tmp_path / "Ada.md").write_text("Ada.\n", encoding="utf-8")
    pages = load_pages(tmp_path)
    query = 'LIST FROM "" WHERE rel AND rel = this.rel'
    with mock.patch.object(narrowing, "_MEMO_MIN", 0):
        results = {p: to_expect(run_query(query, p, QueryContext(pages, NOW, UTC))) for p in pages.pages}
    memo = pages.__dict__["_set_memo"]
    intersections = [k for k in memo.entries if k[0] == "&"]
    # Three `this.rel` values (null, missing on Ada, the link): null and missing look up one key.
    assert len(intersections) == 2
    counts = {p: len(r["items"]) for p, r in results.items()}
    assert counts == {"Ada.md": 0, "N0.md": 0, "N1.md": 3, "N2.md": 0, "N3.md": 3, "N4.md": 0, "N5.md": 3}
    narrowing.update_indexes(pages, ["N0.md"])
    assert "_set_memo" not in pages.__dict__


# ------------------------------------------------------------------------- page-independent results

SHARED = {
    "all-open-tasks": 'TASK FROM "" WHERE !completed SORT due ASC',
    "all-by-mtime": 'TABLE file.mtime AS "Modified" FROM "" WHERE status != "done" SORT file.mtime DESC',
    "link-by-folder": "LIST FROM [[Dan]]",  # resolves by the linking page's folder
    "link-literal": "LIST WHERE contains(rel, [[Ada]]) OR rel = [[Dan]]",
    "deref": 'TABLE rel.status FROM "" WHERE rel',
    "fails": 'LIST FROM "" WHERE file.name - 1 > 0',  # every row fails: the query fails on every page
}


@pytest.mark.parametrize("shape", list(SHARED))
@settings(max_examples=20, deadline=None)
@given(vault=vaults())
def test_shared_results_equal_one_run_per_page(shape: str, vault: dict[str, str]) -> None:
    """A query that reads no `this` is run once per folder and build: every page gets what its own run
    gives, and what the query log holds for every page (its own records and those of the shared
    results it shows) is what it records of its own run; a shared query's reads are kept once."""
    query = SHARED[shape]
    with tempfile.TemporaryDirectory() as tmp:
        for rel, text in vault.items():
            path = Path(tmp) / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        pages = load_pages(tmp)
        results = {}
        for share in (True, False):
            log = QueryLog()
            out = {}
            for origin in pages.pages:
                ctx = QueryContext(pages, NOW, UTC, recorder=log, share=share)
                out[origin] = to_expect(run_query(query, origin, ctx))
            reads = {o: log.reads(o) for o in pages.pages}
            records = {o: [(r.rows, r.cutoff) for r in recs] for o, (recs, _) in reads.items()}
            results[share] = (out, records, {o: sorted(d) for o, (_, d) in reads.items()})
            if share:
                assert all(len(recs) == 1 for recs in log.records.values()), "one record per folder"
                assert len(log.records) == len({o.rpartition("/")[0] for o in pages.pages})
    assert results[True] == results[False]


@pytest.mark.parametrize(
    ("query", "independent"),
    [
        ('TASK FROM "" WHERE !completed SORT due ASC', True),
        ('TABLE file.mtime AS "Modified" FROM "" WHERE type != "readme" SORT file.mtime DESC', True),
        ("LIST FROM [[Ada]] WHERE rel = [[Bob]]", True),
        ("LIST FROM [[]]", False),
        ('LIST FROM "A" AND -[[]]', False),
        ("LIST WHERE rel = this.file.link", False),
        ("LIST WHERE contains(file.outlinks, [[#Notes]])", False),
        ('LIST WHERE rel = link("Ada")', False),
        ("TABLE map(file.tasks, (t) => this.x) FROM \"\"", False),
    ],
)
def test_which_queries_are_page_independent(query: str, independent: bool) -> None:
    from mkdocs_vault.dataview.engine import page_independent
    from mkdocs_vault.dataview.parser import parse_query

    assert page_independent(parse_query(query)) is independent


def test_a_shared_result_is_one_object(tmp_path: Path) -> None:
    (tmp_path / "A").mkdir()
    for name in ("Ada.md", "Bob.md", "A/Dan.md"):
        (tmp_path / name).write_text("- [ ] a task\n", encoding="utf-8")
    pages = load_pages(tmp_path)
    query = 'TASK FROM "" WHERE !completed'
    ada, bob, dan = (run_query(query, p, QueryContext(pages, NOW, UTC)) for p in ("Ada.md", "Bob.md", "A/Dan.md"))
    assert ada is bob and ada.shared and ada.count == 3
    assert dan is not ada and to_expect(dan) == to_expect(ada)  # another folder: run again


# ------------------------------------------------------------------- serve: which pages an edit reaches


def _write(root: Path, vault: dict[str, str]) -> None:
    for rel, text in vault.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("shape", list(SHAPES))
@settings(max_examples=20, deadline=None)
@given(vault=vaults(), other=vaults(), data=st.data())
def test_affected_per_template_covers_the_page_by_page_check(shape: str, vault, other, data) -> None:
    """A shape runs on every page of a random vault; then some notes are edited (their text
    replaced by another random note's), added or deleted. The pages the query log names, asking once
    per template, must include every page the page-by-page check names (and are in fact the same)."""
    edited = dict(vault)
    names = st.lists(st.sampled_from(sorted(set(vault) | set(other))), min_size=1, max_size=3, unique=True)
    for name in data.draw(names):
        if name in other and data.draw(st.booleans()):
            edited[name] = other[name]
        elif name in edited and data.draw(st.booleans()):
            del edited[name]
        elif name in other:
            edited[name] = other[name]
    changed = {n for n in set(vault) | set(edited) if vault.get(n) != edited.get(n)}
    with tempfile.TemporaryDirectory() as tmp:
        _write(Path(tmp) / "before", vault)
        _write(Path(tmp) / "after", edited)
        before = load_pages(Path(tmp) / "before")
        after = load_pages(Path(tmp) / "after")
        log = QueryLog()
        for origin in before.pages:
            run_query(SHAPES[shape], origin, QueryContext(before, NOW, UTC, recorder=log))
        # The notes a changed note links to, before and after, are "changed" for Dataview too.
        linked = set(changed)
        for pages in (before.pages, after.pages):
            for path in changed:
                if path in pages:
                    linked |= {lk.path for lk in pages[path]["file"]["outlinks"]}
        ctx = QueryContext(after, NOW, UTC)
        want = affected_page_by_page(log, linked, ctx, narrow=True)
        got = log.affected(set(linked), ctx)
    assert want <= got
    assert got == want
