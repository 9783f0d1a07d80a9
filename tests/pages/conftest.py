"""Fixtures for the generated pages: a small team vault loaded through the real pipeline (no MkDocs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs_vault.pages.generated import SitePages
from mkdocs_vault.pipeline import Options, VaultState

TEAM_VAULT: dict[str, str] = {
    "index.md": "---\ntitle: Team home\n---\n\n# Team home\n\nSee [[Apollo]].\n",
    "People/Ada Byron.md": (
        '---\ntype: people\ncompany: Nimbus Ltd\nrole: "<script>alert(1)</script>"\n'
        "aliases: [Ada, AB]\nsalary: 123456\nlast_contact: '2026-10-01'\nprojects:\n- \"[[Apollo]]\"\n"
        '- "[[Secret Plan]]"\n- "[[Nowhere]]"\ntags: [team/core, Person]\nempty:\npublish: true\n---\n\n'
        "# Ada Byron\n\nWorks on [[Apollo]].\n"
    ),
    "People/Bob Stone.md": "---\ntype: people\ncompany: Quarry & Co\nrole: Sponsor\n---\n\n# Bob Stone\n",
    "Projects/Apollo.md": (
        '---\ntype: projects\nstatus: blocked\nowner: "[[Ada Byron]]"\ntags: [client/nimbus]\n---\n\n'
        "# Apollo\n\n- [ ] Call the vendor [[Bob Stone]] 📅 2026-11-01\n- [ ] Write the plan [due:: 2026-12-01]\n"
        "- [x] Done already 📅 2026-10-01\n- [-] Cancelled one\n- [/] Half way there [rate:: 900]\n"
        "- [ ] Someday, maybe #idea\n"
    ),
    "Meetings/2026-10-05 - Kickoff.md": (
        '---\ntype: meeting\nattendees:\n- "[[Ada Byron]]"\n- "[[Bob Stone]]"\n---\n\n# Kickoff\n\n'
        "- [[Ada Byron]] presented [[Apollo]] %%not for the wiki%% to **Bob**\n"
        "| [[Bob Stone\\|Bob]] | sponsor |\n"
        "salary:: [[Ada Byron]] is paid well\n"
    ),
    "Meetings/2026-11-20 - Review.md": "---\ntype: meeting\n---\n\n# Review\n\nWith [[Ada Byron]] on #client/nimbus.\n",
    "Meetings/2026-12-24 - Future.md": "# Future\n\nPlanned with [[Ada Byron]].\n",
    "Daily/2026-11-02.md": "# Monday\n\nMet [[Ada Byron]] about #Idea and [[Secret Plan]].\n",
    "Private/Secret Plan.md": (
        "---\npublish: false\ntype: projects\n---\n\n# Secret Plan\n\nCANARY-SECRET links [[Ada Byron]].\n"
        "- [ ] CANARY-TASK\n"
    ),
}


def load_state(root: Path, **options) -> VaultState:
    opts = Options(today="2026-11-24", timezone="UTC", private_keys=["salary", "rate"], **options)
    return VaultState(root, opts).refresh()


@pytest.fixture
def team_state(make_vault) -> VaultState:
    return load_state(make_vault(TEAM_VAULT))


@pytest.fixture
def team_pages(team_state) -> SitePages:
    return SitePages(team_state, "MMMM d, yyyy", {})
