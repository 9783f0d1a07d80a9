"""Which `.base` files become pages: published by the default rule, held back by `exclude`, Obsidian's
excluded files, the templates folder or `publish_by_default: false`; URLs by the notes' rule."""

from __future__ import annotations

from mkdocs_vault.bases.state import published_bases
from mkdocs_vault.pipeline import Options, VaultState

from tests.conftest import write_vault

FILES = {
    ".obsidian/app.json": '{"userIgnoreFilters": ["Scratch/"]}',
    "index.md": "Home\n",
    "Views/Open work.base": "views: []\n",
    "Views/Open Work.md": "A note that asks for the base's URL.\n",
    "Old/Retired.base": "views: []\n",
    "Scratch/Draft.base": "views: []\n",
    "Templates/Starter.base": "views: []\n",
}


def test_bases_published_by_default_unless_held_back(tmp_path):
    vault = write_vault(tmp_path / "vault", FILES)
    state = VaultState(vault, Options(exclude=["Old"])).refresh()
    assert published_bases(state) == ["Views/Open work.base"]
    assert state.decision.attachments["Views/Open work.base"] == "a base: published by default"
    held = state.decision.held_attachments
    assert "Old/Retired.base" in held and "Templates/Starter.base" in held
    assert "Scratch/Draft.base" not in state.decision.attachments  # Obsidian's excluded files
    # The base and the note ask for views/open-work/; "Views/Open Work.md" sorts first ("W" < "w").
    assert state.url_of("Views/Open Work.md") == "views/open-work/"
    assert state.url_of("Views/Open work.base") == "views/open-work-2/"


def test_publish_by_default_false_holds_every_base_back(tmp_path):
    vault = write_vault(tmp_path / "vault", FILES)
    state = VaultState(vault, Options(publish_by_default=False)).refresh()
    assert published_bases(state) == []
    assert state.decision.held_attachments["Views/Open work.base"] == "a base, and publish_by_default is false"
    assert not state.is_published("Views/Open work.base")


def test_a_state_whose_base_rows_were_made_is_freed_with_its_vault(tmp_path):
    """The rows are cached under the state in a weak mapping; a resolver holding the state kept it alive."""
    import gc
    import weakref

    from mkdocs_vault.bases.state import rows_for_state

    vault = write_vault(tmp_path / "vault", FILES)
    state = VaultState(vault, Options()).refresh()
    assert rows_for_state(state).resolve("Views/Open Work", "index.md") == "Views/Open Work.md"
    gone = weakref.ref(state)
    del state
    gc.unfreeze()  # a refresh leaves the heap frozen (pipeline._freeze_heap)
    gc.collect()
    assert gone() is None
