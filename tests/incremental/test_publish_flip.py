"""A note published or unpublished under `mkdocs serve --dirty`: a query whose rows link to the note
leaves its page alone when it reads the same of those rows and shows no link whose target flipped
(`incremental.QueryLog.affected` with `flipped`); one that resolves names itself (`FROM [[Ana]]`,
`link(...)`), or reads a text holding a wikilink, renders again. After every flip, random ones
included, the site is what a full build of the edited vault writes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from mkdocs_vault.incremental import DependencyTracker

from tests.conftest import write_vault
from tests.incremental.test_serve_rebuild import _build, _config, _edit
from tests.incremental.test_shared_placeholder import _same_as_full_build

PEOPLE = ("Ana", "Ben", "Cy", "Dee")


def _meeting(n: int) -> str:
    first, second = PEOPLE[n % 4], PEOPLE[(n + 1) % 4]
    return (
        f'---\ndate: 2026-01-0{n}\nattendees:\n- "[[{first}]]"\n- "[[{second}]]"\nbuddy: {PEOPLE[(n + 2) % 4]}\n---\n'
        f"# Meeting {n}\n\nsummary:: met [[{first}]] about the plan\n\n- [ ] follow up with [[{second}]]\n"
    )


VAULT = {
    **{f"People/{name}.md": f"# {name}\n" for name in PEOPLE},
    **{f"Meetings/M{n}.md": _meeting(n) for n in range(1, 5)},
    # Lists meetings by date: their links only, which a flip of an attendee does not change.
    **{
        f"Daily/2026-01-0{n}.md": f'---\ndate: 2026-01-0{n}\n---\n```dataview\nLIST FROM "Meetings" WHERE date = this.date\n```\n'
        for n in range(1, 5)
    },
    "Reports/Summaries.md": '```dataview\nTABLE summary FROM "Meetings" SORT file.name ASC\n```\n',
    "Reports/From Ana.md": "```dataview\nLIST FROM [[Ana]]\n```\n",
    "Reports/Buddies.md": '```dataview\nTABLE link(buddy) AS "Buddy" FROM "Meetings" SORT file.name ASC\n```\n',
    "Reports/Tasks.md": '```dataview\nTASK FROM "Meetings" WHERE !completed\n```\n',
}


def _flip(vault: Path, rel: str, published: dict[str, bool]) -> None:
    published[rel] = not published[rel]
    text = VAULT[rel]
    if not published[rel]:
        text = text.replace("---\n", "---\npublish: false\n", 1) if text.startswith("---\n") else f"---\npublish: false\n---\n{text}"
    _edit(vault, rel, text)


@pytest.fixture
def planned(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The note pages each build's plan renders (all notes for a full build)."""
    plans: list[set[str]] = []
    plan = DependencyTracker.plan

    def recorded(self: DependencyTracker, notes, *args, **kwargs):
        found = plan(self, notes, *args, **kwargs)
        plans.append(set(notes) if found.full else set(found.notes))
        return found

    monkeypatch.setattr(DependencyTracker, "plan", recorded)
    return plans


def test_a_flip_leaves_pages_whose_queries_read_the_same_and_the_site_equals_a_full_build(
    tmp_path: Path, planned: list[set[str]]
) -> None:
    vault = write_vault(tmp_path / "vault", VAULT)
    config, site = _config(tmp_path, vault), tmp_path / "site"
    _build(config, site, first=True)
    published = dict.fromkeys(VAULT, True)

    # Ana unpublished: M3 and M4 have her as an attendee; the daily pages listing them show their
    # links only, and do not render again. The summaries (M4's text has her wikilink), `FROM [[Ana]]`,
    # the buddies (`link(buddy)`: M2's buddy is Ana) and the tasks (M3's follows up with her) do.
    _flip(vault, "People/Ana.md", published)
    _build(config, site)
    shown = {"Daily/2026-01-03.md", "Daily/2026-01-04.md", "Reports/Summaries.md", "Reports/From Ana.md"}
    shown |= {"Reports/Buddies.md", "Reports/Tasks.md"}
    assert planned[-1] & shown == shown - {"Daily/2026-01-03.md", "Daily/2026-01-04.md"}
    _same_as_full_build(tmp_path, config, site, "Ana unpublished")
    _flip(vault, "People/Ana.md", published)
    _build(config, site)
    _same_as_full_build(tmp_path, config, site, "Ana published again")

    rng = random.Random(14)
    candidates = [rel for rel in VAULT if rel.startswith(("People/", "Meetings/"))]
    for step in range(6):
        rel = rng.choice(candidates)
        _flip(vault, rel, published)
        _build(config, site)
        _same_as_full_build(tmp_path, config, site, f"step {step}: {rel} now {'published' if published[rel] else 'unpublished'}")
