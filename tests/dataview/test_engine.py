"""Query semantics beyond the corpus: privacy, publishing, parse errors with positions, the batch format."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from mkdocs_vault.dataview import build_pages, run_query
from mkdocs_vault.dataview.batch import entry_now, run_batch
from mkdocs_vault.dataview.engine import QueryContext, to_expect
from mkdocs_vault.dataview.parser import DQLError, parse_query
from mkdocs_vault.dataview.values import UTC
from mkdocs_vault.vault.loader import load_vault

NOW = dt.datetime(2025, 11, 1, tzinfo=UTC)


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    files = {
        "Home.md": "---\nsecret_rate: 990\nstatus: open\n---\nSee [[Hidden]] and [[Open]].\n",
        "Open.md": "---\nstatus: active\nsecret_rate: 120\nbudget: 10\n---\nsalary:: 5\nLinks [[Hidden]]\n",
        "Hidden.md": "---\npublish: false\nstatus: active\nbudget: 99\n---\nCanary text [[Open]]\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.fixture
def context(vault: Path) -> QueryContext:
    notes = load_vault(vault).notes
    published = [p for p, n in notes.items() if n.frontmatter.get("publish") is not False]
    pages = build_pages(notes, published, UTC, private_keys=["secret_rate", "Salary"])
    return QueryContext(pages, NOW, UTC)


def run(context: QueryContext, query: str, origin: str = "Home.md") -> dict:
    return to_expect(run_query(query, origin, context))


def test_unpublished_notes_are_invisible(context: QueryContext) -> None:
    assert run(context, 'LIST FROM ""') ["items"] == [
        {"link": "Home.md", "subpath": None, "display": None, "embed": False},
        {"link": "Open.md", "subpath": None, "display": None, "embed": False},
    ]  # fmt: skip
    assert run(context, "=[[Hidden]].budget")["value"] is None
    assert run(context, "=length([[Open]].file.inlinks)")["value"] == 1  # Home only, not Hidden
    outlinks = run(context, "=this.file.outlinks")["value"]
    assert outlinks[0]["link"] == "Hidden"  # kept as written: no path of an unpublished note leaks


def test_private_keys_are_never_queryable(context: QueryContext) -> None:
    assert run(context, "=this.secret_rate")["value"] is None
    assert run(context, "=this.file.frontmatter")["value"] == {"object": {"status": "open"}}
    assert run(context, "=[[Open]].salary")["value"] is None
    assert run(context, 'TABLE secret_rate FROM ""')["rows"][1][1] is None


def test_failing_rows_are_dropped_unless_all_fail(context: QueryContext) -> None:
    # budget + "x" works, budget - null fails on Home (no budget) but not on Open.
    result = run(context, 'TABLE budget - 1 FROM ""')
    assert result["type"] == "table" and len(result["rows"]) == 1
    assert run(context, 'LIST FROM "" WHERE nosuchfn(1)')["type"] == "error"


@pytest.mark.parametrize(
    ("query", "line", "column"),
    [
        ('TABLE status\nFROM "x"\nWHERE status = = 1', 3, 16),
        ("TABEL x", 1, 1),
        ('LIST FROM "a" AND', 1, 18),
    ],
)
def test_parse_errors_point_at_line_and_column(query: str, line: int, column: int) -> None:
    with pytest.raises(DQLError) as info:
        parse_query(query)
    assert (info.value.line, info.value.column) == (line, column)


def test_comments_and_any_clause_order() -> None:
    q = parse_query(
        '// projects\nTABLE a AS "A", b\nFROM #x OR -"y"\nSORT a DESC\nWHERE b\nLIMIT 2\nGROUP BY a AS g'
    )
    assert [f.name for f in q.fields] == ["A", "b"]
    assert [type(s).__name__ for s in q.steps] == ["SortStep", "WhereStep", "LimitStep", "GroupStep"]


def test_batch_format(vault: Path) -> None:
    entries = [
        {"id": "a", "origin": "Home.md", "query": "=date(today)", "today": "2025-11-01", "ignored": 1},
        {"id": "b", "origin": "Home.md", "query": "LIST WHERE", "today": "2025-11-01"},
    ]
    out = run_batch(vault, entries)
    assert out["a"] == {"type": "inline", "value": {"date": "2025-11-01T00:00:00.000Z"}}
    assert out["b"]["type"] == "error"
    assert entry_now({"today": "2025-11-01", "now": "2025-11-01T08:00:00Z"}) == NOW.replace(hour=8)


def test_sort_then_limit_keeps_the_sorted_order_and_its_ties(tmp_path: Path) -> None:
    # SORT followed by LIMIT takes the first rows without sorting them all (engine._constant_limit):
    # equal keys must still come in vault order, as a full stable sort gives them.
    ranks = [3, 1, 2, 1, 3, 2, 1, 2]
    for i, rank in enumerate(ranks):
        (tmp_path / f"N{i}.md").write_text(f"---\nrank: {rank}\n---\n", encoding="utf-8")
    notes = load_vault(tmp_path).notes
    context = QueryContext(build_pages(notes, list(notes), UTC), NOW, UTC)

    def links(query: str) -> list[str]:
        return [item["link"] for item in run(context, query, origin="N0.md")["items"]]

    everything = links('LIST FROM "" SORT rank DESC')
    assert everything[:3] == ["N0.md", "N4.md", "N2.md"]  # 3, 3, then the first 2
    for k in range(len(ranks) + 2):
        assert links(f'LIST FROM "" SORT rank DESC LIMIT {k}') == everything[:k]
    assert links('LIST FROM "" SORT rank ASC, file.name DESC LIMIT 2') == ["N6.md", "N3.md"]


def test_plain_sort_order_is_the_comparison_order():
    # SORT on one key of numbers or dates uses a plain key (`_plain_order`): same order, ties kept.
    import functools
    import random

    from mkdocs_vault.dataview.engine import _plain_order, _Row
    from mkdocs_vault.dataview.values import compare

    class Key:
        def __init__(self, descending: bool) -> None:
            self.descending = descending

    rnd = random.Random(7)
    utc = dt.UTC
    kinds = [
        lambda: rnd.choice([None, rnd.randint(-3, 3), rnd.choice([0.5, -1.5, 2.0]), 10**20]),
        lambda: rnd.choice([None, dt.datetime(2026, 1, rnd.randint(1, 4), rnd.randint(0, 1), tzinfo=utc)]),
    ]
    for _ in range(500):
        make = rnd.choice(kinds)
        tagged = [([make()], _Row(i, {})) for i in range(rnd.randint(0, 12))]
        descending = rnd.random() < 0.5
        order = _plain_order(tagged, [Key(descending)])
        assert order is not None

        def cmp(a, b, descending=descending):
            c = compare(a[0][0], b[0][0])
            return -c if descending else c

        expected = [r.id for _, r in sorted(tagged, key=functools.cmp_to_key(cmp))]
        assert [r.id for _, r in sorted(tagged, key=order)] == expected
    mixed = [([1], _Row(0, {})), (["a"], _Row(1, {}))]
    assert _plain_order(mixed, [Key(False)]) is None
    assert _plain_order([([float("nan")], _Row(0, {}))], [Key(False)]) is None


def test_whether_a_query_is_page_independent_is_asked_once_per_text(context: QueryContext, monkeypatch) -> None:
    # A template is the same text on thousands of pages: walking its tree on each was 0.3 s a build.
    from mkdocs_vault.dataview import engine

    engine._shares.cache_clear()
    asked: list[str] = []
    original = engine.page_independent

    def counting(query):
        asked.append(query.text)
        return original(query)

    monkeypatch.setattr(engine, "page_independent", counting)
    for origin in ("Home.md", "Open.md", "Home.md"):
        assert run_query('LIST FROM "Projects" SORT file.name', origin, context).type == "list"
        assert run_query("LIST FROM [[]]", origin, context).type == "list"
    assert sorted(asked) == ['LIST FROM "Projects" SORT file.name', "LIST FROM [[]]"]


def test_contains_looks_through_a_list_as_the_dispatcher_would_item_by_item(monkeypatch) -> None:
    # `contains(list, x)` used to go back through the function dispatcher for every item; it now
    # picks each item's variant itself, with the same answers (and the same items tried).
    from mkdocs_vault.dataview import functions
    from mkdocs_vault.dataview.evaluate import Context, Settings
    from mkdocs_vault.dataview.values import Link

    ctx = Context(Settings(now=dt.datetime(2026, 1, 1, tzinfo=UTC), tz=UTC, resolve=lambda p: None, normalize=lambda p: p), {})

    def reference(items, needle):
        return any(reference(x, needle) if isinstance(x, list) else functions.contains(ctx, x, needle) for x in items)

    link, other = Link("People/Ada.md"), Link("People/Bo.md")
    values = ["Ada", "Adam", "", None, 3, 3.0, True, {"Ada": 1}, link, other, dt.datetime(2026, 1, 1, tzinfo=UTC)]
    lists = [[], values, [values[:3], [link]], [[[]], ["x"], [[other]]], [None, {"a": 2}], [link, link]]
    for items in lists:
        for needle in [*values, "da", "a", 3, 4]:
            assert functions._contains_in_list(ctx, items, needle) == reference(items, needle), (items, needle)
    calls: list[str] = []
    original = functions.Builder.__call__
    monkeypatch.setattr(functions.Builder, "__call__", lambda self, c, *a: calls.append(self.name) or original(self, c, *a))
    assert functions.FUNCTIONS["contains"](ctx, [other] * 50 + [[link]], link) is True
    assert calls == ["contains"]


def test_list_items_are_dicts_that_hold_only_their_values(tmp_path: Path) -> None:
    """Every list item and its position is a `dict` whose keys its class keeps once (pages.py,
    `_ItemDict`): equal to the same dict made as a literal, in the same order, and smaller over a
    vault's items. A field named like an attribute with a meaning of its own still becomes a key."""
    import sys

    from mkdocs_vault.dataview.batch import load_pages

    (tmp_path / "A.md").write_text(
        "# A\n\n- [ ] call [[B]] [due:: 2026-01-02] #x\n  - [x] sub ✅ 2026-01-01\n- plain\n"
        "- odd [__class__:: one] [__dict__:: two]\n",
        encoding="utf-8",
    )
    (tmp_path / "B.md").write_text("".join(f"- [ ] task {n} [owner:: [[A]]]\n- item {n}\n" for n in range(200)))
    pages = load_pages(tmp_path).pages
    task, sub, plain, odd = pages["A.md"]["file"]["lists"]
    assert list(task)[:2] == ["due", "symbol"] and list(task)[-2:] == ["position", "list"]
    assert task["children"] == [sub] and sub["completed"] and not task["fullyCompleted"]
    assert plain["position"] == {"start": {"line": 4, "col": 0, "offset": 69}, "end": {"line": 4, "col": 7, "offset": 76}}
    assert odd["__class__"] == "one" and odd["__dict__"] == "two" and type(odd) is dict
    kept = literal = 0
    for item in pages["B.md"]["file"]["lists"]:
        position = item["position"]
        for value in (item, position, position["start"], position["end"]):
            made = {k: v for k, v in value.items()}
            assert type(value) is dict and list(value.items()) == list(made.items())
            kept, literal = kept + sys.getsizeof(value), literal + sys.getsizeof(made)
    assert kept < literal * 0.7


def test_list_items_with_many_field_names_still_hold_only_their_values(tmp_path: Path) -> None:
    """A class keeps at most 30 keys, and a task takes up to 28 of Dataview's own: items with other
    field names than the first items' would each get a whole dict once those were taken. Items with the
    same field names share a class of their own (pages.py, `_item_holder`)."""
    import sys

    from mkdocs_vault.dataview.batch import load_pages

    lines = [
        f"- [ ] task {n} [f{n % 12}:: x] [owner:: [[A]]] [due:: 2026-01-0{1 + n % 9}] ^b{n}\n  - [x] sub {n} ✅ 2026-01-01\n"
        for n in range(60)
    ]
    (tmp_path / "A.md").write_text("".join(lines), encoding="utf-8")
    items = [i for i in load_pages(tmp_path).pages["A.md"]["file"]["lists"]]
    assert len(items) == 120 and {f"f{n}" for n in range(12)} <= {k for i in items for k in i}
    for item in items:
        assert type(item) is dict and sys.getsizeof(item) < sys.getsizeof(dict(item)) * 0.7


def test_the_page_builders_kept_answers_share_their_folder_strings(tmp_path: Path) -> None:
    """The page builder keeps its link resolutions and typed values by text and folder, for the whole
    build: each folder is one string in those keys, not a new one per key (pages.py, `_folder`)."""
    from mkdocs_vault.dataview.batch import load_pages

    (tmp_path / "People").mkdir()
    for n in range(30):
        (tmp_path / "People" / f"P{n}.md").write_text(
            f"---\nstatus: s{n}\nteam: '[[P{(n + 1) % 30}]]'\n---\n[[P{(n + 2) % 30}]] [role:: r{n}]\n", encoding="utf-8"
        )
    builder = load_pages(tmp_path).builder
    keys = [k[-1] for k in builder._resolved] + [k[-1] for k in builder._typed]
    assert len(keys) > 60 and set(keys) == {"People"} and len({id(k) for k in keys}) == 1
