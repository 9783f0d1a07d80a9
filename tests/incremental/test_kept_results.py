"""Page-independent results kept across serve rebuilds (`dataview/kept.py`): after every edit, the
result updated from the kept one for the pages that changed equals the engine's run of the query over a
page set built afresh for the edited vault; and a whole-vault query evaluates only the changed pages'
rows again."""

from __future__ import annotations

import random
from pathlib import Path

from mkdocs_vault.dataview.batch import pages_for_state
from mkdocs_vault.dataview.engine import QueryContext, run_query, shared_origin, to_expect
from mkdocs_vault.incremental import QueryLog
from mkdocs_vault.pipeline import Options, VaultState

from tests.conftest import write_vault
from tests.incremental.test_page_objects import _edit, fresh_pages

OPEN_TASKS = 'TASK FROM "" WHERE !completed SORT due ASC'
MODIFIED = 'TABLE file.mtime AS "Modified" FROM "" WHERE type != "readme" AND type != "projects" SORT file.mtime DESC'
QUERIES = [
    OPEN_TASKS,
    MODIFIED,
    'LIST FROM "People" SORT file.name DESC',
    'TABLE role, company FROM "" WHERE role SORT role ASC, file.name DESC',
    "LIST role FROM #team",
    "LIST FROM [[Ada]] SORT file.name",
    "LIST FROM outgoing([[Carol]])",
    'TABLE WITHOUT ID file.name, length(file.inlinks) FROM "" SORT length(file.inlinks) DESC',
    'TASK FROM "People" WHERE completed',
    'LIST FROM ""',
    # Not kept (a link resolved, a link followed, a failing row, a LIMIT, a GROUP BY): the engine's way.
    'LIST FROM "" WHERE company = [[Acme]]',
    'LIST FROM "" WHERE company.role = "lead"',
    'LIST FROM "" WHERE role AND regextest("[", role)',  # Carol's row fails, and is dropped
    'LIST FROM "" SORT file.name LIMIT 2',
    'TABLE rows.file.name FROM "" GROUP BY type',
]

VAULT = {
    "Home.md": "---\ntype: readme\n---\n# Home\n\nSee [[Ada]], [[Bob]] and [[Carol]].\n",
    "People/Ada.md": (
        '---\ntype: people\ncompany: "[[Acme]]"\n---\nAda knows [[Bob]].\n'
        "- [ ] call [[Carol]] [due:: 2026-01-02]\n- [ ] write the plan\n  - [ ] its outline [due:: 2026-01-01]\n"
    ),
    "People/Bob.md": "---\ntype: people\ncompany: Other\ntags: [team]\n---\nBob.\n- [x] done already\n",
    "People/Carol.md": "---\ntype: people\nrole: lead\n---\nCarol links [[Ada]] and [[Acme]].\n- [ ] ask [due:: 2026-01-02]\n",
    "Customers/Acme.md": "---\ntype: customers\n---\n# Acme\n\nrelated:: [[Carol]]\n",
    "Projects/Plan.md": "---\ntype: projects\n---\n- [ ] start [due:: 2025-12-30]\n",
}


def _results(state: VaultState) -> tuple[dict[str, object], dict[str, object]]:
    """Each query as a serve rebuild runs it (kept results, recorded) and as a fresh build runs it."""
    kept_ctx = QueryContext(pages_for_state(state), state.clock.now, state.clock.tz, state.con, recorder=QueryLog())
    fresh_ctx = QueryContext(fresh_pages(state), state.clock.now, state.clock.tz, state.con)
    kept = {q: to_expect(run_query(q, "Home.md", kept_ctx)) for q in QUERIES}
    want = {q: to_expect(run_query(q, "Home.md", fresh_ctx)) for q in QUERIES}
    return kept, want


def _evaluated(state: VaultState, query: str) -> int:
    return pages_for_state(state).kept_results[(query, shared_origin(query, ""))].evaluated


def test_kept_results_equal_a_fresh_run_after_each_edit(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", VAULT)
    state = VaultState(vault, Options(today="2026-11-24", timezone="UTC"))
    state.refresh()
    kept, want = _results(state)
    assert kept == want
    assert len(want[OPEN_TASKS]["tasks"]) == 4  # the outline shows under its parent, not on its own
    assert _evaluated(state, MODIFIED) == len(VAULT)
    steps = [
        ("People/Bob.md", "---\ntype: people\ncompany: Other\ntags: [team]\n---\nBob, edited.\n- [x] done already\n"),
        ("People/Ada.md", VAULT["People/Ada.md"].replace("- [ ] call", "- [x] call")),
        ("People/Carol.md", "---\ntype: people\nrole: lead\n---\nCarol links [[Ada]] only.\n"),
        ("People/Dan.md", "---\ntype: people\nrole: intern\ntags: [team]\n---\nDan links [[Ada]].\n- [ ] learn\n"),
        ("Customers/Acme.md", "---\ntype: projects\n---\n# Acme\n"),
        ("People/Carol.md", "---\ntype: people\nrole: lead\npublish: false\n---\nCarol, hidden.\n"),
        ("People/Bob.md", None),
        ("People/Carol.md", "---\ntype: people\n---\nCarol again, linking [[Ada]].\n- [ ] come back\n"),
    ]
    for n, (rel, text) in enumerate(steps):
        _edit(vault, rel, text)
        state.refresh()
        kept, want = _results(state)
        assert kept == want, (n, rel)
    # A prose edit of one note: the whole-vault queries evaluate that note's rows again, not every row.
    _edit(vault, "Projects/Plan.md", VAULT["Projects/Plan.md"] + "\nMore words.\n")
    state.refresh()
    kept, want = _results(state)
    assert kept == want
    assert _evaluated(state, MODIFIED) == 1
    assert _evaluated(state, OPEN_TASKS) == 1


def test_kept_results_follow_random_edits(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", VAULT)
    state = VaultState(vault, Options(today="2026-11-24", timezone="UTC"))
    state.refresh()
    rng = random.Random(14)
    names = ["Ada", "Bob", "Carol", "Dan", "Eve"]
    for _ in range(25):
        name = rng.choice(names)
        if rng.random() < 0.15:
            text = None if (vault / "People" / f"{name}.md").exists() else "A returning note.\n"
        else:
            fields = [f"type: {rng.choice(['people', 'projects', 'readme'])}"]
            if rng.random() < 0.5:
                fields.append(f"role: {rng.choice(['lead', 'intern', 'ops'])}")
            if rng.random() < 0.4:
                fields.append("tags: [team]")
            links = " ".join(f"[[{other}]]" for other in rng.sample(names, rng.randint(0, 3)))
            tasks = "".join(
                f"- [{rng.choice(' x')}] task {k} [due:: 2026-01-{rng.randint(1, 9):02d}]\n"
                for k in range(rng.randint(0, 3))
            )
            text = "---\n" + "\n".join(fields) + f"\n---\n{name} links {links}.\n{tasks}"
        _edit(vault, f"People/{name}.md", text)
        state.refresh()
        kept, want = _results(state)
        assert kept == want, name
