"""Views run over a real vault state (loader, resolver, publish filter, DuckDB index): expected rows
worked out by hand from the notes of `theatre.py`, with the index and without it."""

from __future__ import annotations

import pytest
from mkdocs_vault.bases.query import candidates, combined, run_view
from mkdocs_vault.bases.spec import parse_base
from mkdocs_vault.bases.state import rows_for_state, run_base
from mkdocs_vault.bases.values import Duration
from mkdocs_vault.pipeline import Options, VaultState

from tests.bases.theatre import THEATRE


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    from tests.conftest import write_vault

    root = write_vault(tmp_path_factory.mktemp("theatre"), THEATRE)
    return VaultState(root, Options(today="2026-03-14", timezone="UTC", private_keys=["fee"])).refresh()


def run(state, text: str, view: str | None = None, this: str | None = None):
    spec = parse_base(text)
    assert spec.problems == []
    (result,) = run_base(state, spec, view or spec.views[0].name, this)
    return result


def names(result) -> list[str]:
    return [r.path.rpartition("/")[2].removesuffix(".md") for r in result.rows]


def values(result) -> list[list[object]]:
    return [[c.error if c.error else c.value for c in r.cells] for r in result.rows]


SHOWS = """\
filters:
  and:
    - file.hasTag("show")
formulas:
  per_seat: "(budget / seats).toFixed(2)"
  broken: budget.lower()
  days_open: (today() - opened) / 86400000
properties:
  note.budget:
    displayName: Budget
views:
  - type: table
    name: By budget
    order: [file.name, status, budget, formula.per_seat]
    sort:
      - property: budget
        direction: DESC
    summaries:
      budget: Sum
  - type: table
    name: By status
    order: [file.basename, budget]
    groupBy:
      property: status
      direction: ASC
    summaries:
      note.budget: Average
  - type: table
    name: Opened this year
    filters: 'opened > "2026-01-01"'
    order: [file.basename, formula.days_open]
  - type: table
    name: Cheapest two
    limit: 2
    order: [file.basename]
    sort:
      - property: budget
        direction: ASC
  - type: table
    name: Not archived
    filters:
      not:
        - file.inFolder("Archive")
    order: [file.basename, formula.broken]
  - type: table
    name: Directed by this
    filters: director == this
    order: [file.basename, formula.days_open]
"""


def test_filter_sort_formulas_and_a_sum(state):
    result = run(state, SHOWS, "By budget")
    assert result.headers == ["name", "status", "Budget", "per_seat"]
    # The unpublished draft (budget 300) is nowhere; budgets descending.
    assert values(result) == [
        ["Saltwater Hymns.md", "closed", 1500, "25.00"],  # 1500 / 60
        ["Lantern Night.md", "running", 1200, "15.00"],  # 1200 / 80
        ["The Paper Orchard.md", "rehearsal", 800, "6.67"],  # 800 / 120 = 6.666...
        ["Mirror Tides.md", "closed", 400, None],  # no seats: missing, not an error
    ]
    assert result.count == 4
    assert result.summaries["note.budget"].value == 3900  # 1500 + 1200 + 800 + 400


def test_groups_in_key_order_with_group_summaries(state):
    result = run(state, SHOWS, "By status")
    assert [(g.key.value, [r.cells[0].value for r in g.rows]) for g in result.groups] == [
        ("closed", ["Mirror Tides", "Saltwater Hymns"]),  # path order within a group
        ("rehearsal", ["The Paper Orchard"]),
        ("running", ["Lantern Night"]),
    ]
    assert [g.summaries["note.budget"].value for g in result.groups] == [950, 800, 1200]  # (400+1500)/2
    assert result.summaries["note.budget"].value == 975  # 3900 / 4


def test_view_filters_add_to_the_global_ones_and_dates_use_the_build_clock(state):
    result = run(state, SHOWS, "Opened this year")
    # Saltwater opened 2025-11-02 (before), Paper Orchard and Mirror Tides never did.
    assert values(result) == [["Lantern Night", 32]]  # 2026-02-10 -> 2026-03-14: 28 + 4 days


def test_limit_after_sort(state):
    assert names(run(state, SHOWS, "Cheapest two")) == ["Mirror Tides", "The Paper Orchard"]


def test_not_and_cell_errors(state):
    result = run(state, SHOWS, "Not archived")
    assert names(result) == ["Lantern Night", "Saltwater Hymns", "The Paper Orchard"]
    assert {r.cells[1].error for r in result.rows} == {'number has no method "lower"'}


def test_this_is_the_embedding_note(state):
    result = run(state, SHOWS, "Directed by this", this="Crew/Ilse Varga.md")
    assert values(result) == [["Lantern Night", 32], ["Saltwater Hymns", 132]]  # 30+31+31+28+12 days
    assert names(run(state, SHOWS, "Directed by this", this="Crew/Bram Okafor.md")) == ["The Paper Orchard"]


def test_private_keys_and_unpublished_notes_are_invisible(state):
    text = "views:\n  - type: table\n    name: T\n    filters: file.hasProperty(\"fee\") || fee != null\n"
    assert names(run(state, text)) == []
    text = "views:\n  - type: table\n    name: T\n    filters: file.hasProperty(\"publish\")\n"
    assert names(run(state, text)) == []  # only the draft says publish, and it is not published
    rows = rows_for_state(state)
    assert "Shows/Draft - Winter Pageant.md" not in rows.rows
    assert "fee" not in rows.rows["Shows/Saltwater Hymns.md"].properties


def test_file_facts_links_and_backlinks(state):
    text = """\
filters: file.inFolder("Shows")
formulas:
  fans: file.backlinks.map(value.asFile().basename).join(", ")
  linked: file.links.length
views:
  - type: table
    name: T
    order: [file.basename, file.folder, file.ext, formula.fans, formula.linked, file.tags]
"""
    assert values(run(state, text)) == [
        # Ilse (director) and Nell (body link) link to Lantern Night; Ilse's own page does not.
        ["Lantern Night", "Shows", "md", "Nell Fairweather", 1, ["#show", "#show/drama"]],
        ["Saltwater Hymns", "Shows", "md", "", 1, ["#show"]],
        ["The Paper Orchard", "Shows", "md", "", 1, ["#show", "#show/comedy"]],
    ]


def test_types_json_and_iso_dates(state):
    rows = rows_for_state(state)
    ilse = rows.rows["Crew/Ilse Varga.md"]
    assert ilse.properties["active"] is True
    assert str(ilse.properties["joined"]) == "2019-04-01"  # no types.json entry: an ISO date is a date
    text = 'views:\n  - type: table\n    name: T\n    filters: joined < date("2024-01-01")\n    order: [file.basename]\n'
    assert names(run(state, text)) == ["Bram Okafor", "Ilse Varga"]


def test_summaries_of_dates_and_checkboxes(state):
    text = """\
filters: file.inFolder("Crew")
views:
  - type: table
    name: T
    order: [file.basename, joined, active, role]
    summaries:
      joined: Range
      active: Checked
      role: Unique
"""
    result = run(state, text)
    assert result.summaries["note.joined"].value == Duration(0, 1755)  # 2019-04-01 -> 2024-01-20
    assert result.summaries["note.active"].value == 2
    assert result.summaries["note.role"].value == 2  # director, lighting


def test_the_index_narrows_without_changing_results(state):
    spec = parse_base(SHOWS)
    rows = rows_for_state(state)
    for view in spec.views:
        flt = combined(spec, view)
        with_index = run_view(spec, view, rows, None, state.clock.now, state.clock.tz, state.pages_con)
        without = run_view(spec, view, rows, None, state.clock.now, state.clock.tz, None)
        assert values(with_index) == values(without)
        assert len(candidates(rows, flt, state.pages_con)) == 4  # hasTag("show") answered by SQL
        assert len(candidates(rows, flt, None)) == len(rows.rows) == 7
    nested = parse_base('filters:\n  and:\n    - file.hasTag("show/drama")\n    - file.inFolder("Shows")\n')
    assert [r.path for r in candidates(rows, nested.filters, state.pages_con)] == ["Shows/Lantern Night.md"]


def test_a_filter_that_does_not_parse_fails_the_view_with_its_line(state):
    spec = parse_base("views:\n  - type: table\n    name: T\n    filters:\n      and:\n        - 'status =='\n")
    (result,) = run_base(state, spec, "T", None)
    assert result.error is not None and "does not parse" in result.error
    assert result.error_line == 6
    assert result.rows == []


def test_other_layouts_carry_a_notice(state):
    (result,) = run_base(state, parse_base("views:\n  - type: map\n    name: Where\n"), "Where", None)
    assert result.notice is not None and '"map"' in result.notice


@pytest.mark.parametrize(
    ("statement", "this", "narrowed", "passing"),
    [
        ("director == this", "Crew/Ilse Varga.md", 2, ["Shows/Lantern Night.md", "Shows/Saltwater Hymns.md"]),
        ("this == note.director", "Crew/Bram Okafor.md", 1, ["Shows/The Paper Orchard.md"]),
        ('director == link("Ilse Varga")', None, 2, ["Shows/Lantern Night.md", "Shows/Saltwater Hymns.md"]),
        ('list(tags).contains("show/comedy")', None, 1, ["Shows/The Paper Orchard.md"]),
        ('status == "closed"', None, 2, ["Archive/Old Shows/Mirror Tides.md", "Shows/Saltwater Hymns.md"]),
        ("status == 3", None, 7, []),  # a number: not indexed, every row is tried
        ('tags.contains("show")', None, 7, [  # a method on a value that may be text: not indexed
            "Archive/Old Shows/Mirror Tides.md", "Shows/Lantern Night.md",
            "Shows/Saltwater Hymns.md", "Shows/The Paper Orchard.md",
        ]),
    ],
)
def test_value_indexes_narrow_exactly(state, statement, this, narrowed, passing):
    from mkdocs_vault.bases.evaluate import Evaluator
    from mkdocs_vault.bases.query import passes
    from mkdocs_vault.bases.values import FileRef

    spec = parse_base(f"filters: '{statement}'\n")
    rows = rows_for_state(state)
    ev = Evaluator(rows, {}, FileRef(this) if this else None, state.clock.now, state.clock.tz)
    found = candidates(rows, spec.filters, None, ev)
    assert len(found) == narrowed
    every = [r.path for r in rows.rows.values() if passes(ev, spec.filters, r)]
    assert [r.path for r in found if passes(ev, spec.filters, r)] == every == passing


def test_custom_summary_formulas_see_the_column_as_values(state):
    text = """\
filters: file.hasTag("show")
summaries:
  big: values.filter(value > 1000).length
  total: values.reduce(acc + value, 0)
views:
  - type: table
    name: T
    order: [file.basename, budget, seats]
    summaries:
      budget: big
      seats: total
"""
    result = run(state, text)
    assert result.summaries["note.budget"].value == 2  # 1500 and 1200
    assert result.summaries["note.seats"].value is None  # Mirror Tides has no seats: null + ... is null


def test_a_link_to_an_unpublished_note_does_not_resolve(state):
    from mkdocs_vault.bases.render import BaseRenderer

    text = 'filters: file.inFolder("Crew")\nviews:\n  - type: table\n    name: T\n    order: [file.basename, next]\n'
    result = run(state, text)
    (nell,) = [r for r in result.rows if r.path == "Crew/Nell Fairweather.md"]
    link = nell.cells[1].value
    assert link.path is None and link.target == "Draft - Winter Pageant"
    html = BaseRenderer(lambda p, s, d: f'<a href="/{p}">{d}</a>').view(result)
    assert 'href="/Shows/Draft' not in html
    assert '<span class="vault-unresolved">Draft - Winter Pageant</span>' in html  # Nell's own words


def test_every_default_summary_by_hand():
    import datetime as dt

    from mkdocs_vault.bases.query import default_summary

    values = [3, 1, 4, 1, 5, None, "", True, False, dt.date(2026, 1, 2), dt.date(2025, 12, 30)]
    expected = {
        "Average": 2.8,  # 14 / 5: only numbers count
        "Min": 1,
        "Max": 5,
        "Sum": 14,
        "Range": 4,
        "Median": 3,
        "Stddev": 1.6,  # population: sqrt(12.8 / 5)
        "Earliest": dt.date(2025, 12, 30),
        "Latest": dt.date(2026, 1, 2),
        "Checked": 1,
        "Unchecked": 1,
        "Empty": 2,  # null and ""
        "Filled": 9,
        "Unique": 8,  # 3, 1, 4, 5, true, false and the two dates
    }
    for name, want in expected.items():
        got = default_summary(name, values, dt.UTC)
        assert (got == pytest.approx(want)) if isinstance(want, float) else (got == want and type(got) is type(want)), name
    assert default_summary("Range", [dt.date(2026, 1, 2), dt.date(2025, 12, 30)], dt.UTC) == Duration(0, 3)
    assert default_summary("Average", ["a", None], dt.UTC) is None


def test_a_value_index_reads_one_property_without_making_the_rows() -> None:
    """`RowSet.value_index` over rows not made yet reads the one property of each note
    (`rows.property_of`): the same index as from the made rows, whatever the keys (a key that is not a
    string, a private one, two spellings of one text), and no row made for it."""
    import datetime as dt

    from mkdocs_vault.bases.rows import build_rows
    from mkdocs_vault.vault.model import Note

    def note(path: str, frontmatter: dict) -> Note:
        return Note(path=path, frontmatter=frontmatter)

    notes = {
        "a.md": note("a.md", {"owner": "[[b]]", "status": "open", 1: "one", "fee": "secret"}),
        "b.md": note("b.md", {"owner": ["[[a]]", "x"], "status": None, "1": "text one", True: "yes"}),
        "c.md": note("c.md", {"Status": "Open", "when": dt.date(2026, 1, 2), "owner": 3}),
        "d.md": note("d.md", {}),
    }

    def rows():
        return build_rows(notes, notes, ["fee"], {"when": "date"}, lambda target, source: f"{target}.md")

    for prop in ["owner", "status", "Status", "1", "True", "fee", "when", "absent"]:
        for items in (False, True):
            lazy, made = rows(), rows()
            for path in made.rows:
                made.rows[path]  # (every row made first: the index reads the rows' own properties)
            assert lazy.value_index(prop, items) == made.value_index(prop, items), (prop, items)
            assert lazy.rows._made == {}, prop
    assert set().union(*rows().value_index("1", False).values()) == {"a.md", "b.md"}  # (1 and "1" alike)
    assert rows().value_index("fee", False) == {}
