"""Every base of a real vault (kepano-obsidian, from the shared corpora) run over that vault's own
notes: no view fails, the map views carry their notice, and one answer checked by hand."""

from __future__ import annotations

import pytest
from mkdocs_vault.bases.spec import parse_base
from mkdocs_vault.bases.state import published_bases, run_base
from mkdocs_vault.pipeline import Options, VaultState

from tests.conftest import SHARED

ROOT = SHARED / "corpora" / "kepano-obsidian"


@pytest.fixture(scope="module")
def state():
    # Its bases live in its templates folder: read that folder too, as the app does.
    return VaultState(ROOT, Options(timezone="UTC", today="2025-06-01", skip_templates=False)).refresh()


def test_every_view_of_every_base_runs(state):
    bases = published_bases(state)
    assert len(bases) >= 20
    for base in bases:
        spec = parse_base((ROOT / base).read_text(encoding="utf-8"))
        for this in (base, "Categories/Books.md", "Daily/2023-09-12.md"):
            for result in run_base(state, spec, None, this):
                assert result.error is None, (base, result.view.name, result.error)
                if result.view.type == "map":
                    assert result.notice is not None
                errors = {c.error for r in result.rows for c in r.cells if c.error}
                assert not errors, (base, result.view.name, errors)


def test_the_books_view_lists_the_vaults_books(state):
    spec = parse_base((ROOT / "Templates/Bases/Books.base").read_text(encoding="utf-8"))
    (books,) = run_base(state, spec, "Books", "Categories/Books.md")
    # By hand: the two notes outside Templates/ whose `categories` hold "[[Books]]", sorted by name.
    assert [r.path for r in books.rows] == ["References/Out of Control.md", "References/The Machine Stops.md"]
