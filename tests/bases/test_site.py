"""Bases in a real `mkdocs build` of the theatre vault: ```base blocks, `![[X.base#View]]` embeds, the
pages of `.base` files (URL, `-2` clash, YAML never copied), a base that cannot be read (notice, page
still built, warning with file and line), and `publish_by_default: false` holding bases back."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from tests.bases.theatre import THEATRE
from tests.conftest import build_site, site_config, write_vault

SHOWS_BASE = """\
filters: file.hasTag("show")
views:
  - type: table
    name: Shows
    order: [file.name, status, budget]
    sort:
      - property: budget
        direction: DESC
  - type: list
    name: Directed by this
    filters: director == this
    order: [file.name]
"""

FILES = {
    **THEATRE,
    "Views/Shows.base": SHOWS_BASE,
    # A note at the URL the base asks for (views/shows/): "Views/Shows.base" sorts first and keeps it.
    "Views/Shows.md": "---\ntitle: About the shows view\n---\nThe base sits beside me.\n",
    "Views/Broken.base": "views:\n  - type: table\n    name: [unclosed\n",
    "Crew.base": "filters: file.inFolder(\"Crew\")\nviews:\n  - type: list\n    name: Everyone\n",
    "Views/Posters.base": (
        'filters: file.inFolder("Shows")\nviews:\n  - type: cards\n    name: Posters\n    image: poster\n'
        "    order: [file.name, status]\n"
    ),
    "Attachments/lantern.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
    "Shows/Lantern Night.md": THEATRE["Shows/Lantern Night.md"].replace("---\n# Lantern", 'poster: "[[lantern.png]]"\n---\n# Lantern'),
    "Crew/Ilse Varga.md": THEATRE["Crew/Ilse Varga.md"] + "\n![[Shows.base#Directed by this]]\n",
    "Programme.md": (
        "# Programme\n\nIntro.\n\n```base\nfilters: file.inFolder(\"Crew\")\nformulas:\n  bad: 'role +'\n"
        "views:\n  - type: table\n    name: Crew\n    order: [file.name, role]\n```\n\nAnd the broken one:\n\n"
        "![[Broken.base]]\n"
    ),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("bases-site")
    vault = write_vault(root / "vault", FILES)
    config = site_config(root, vault, '      today: "2026-03-14"\n      timezone: UTC\n      private_keys: [fee]')
    site = root / "site"
    result = build_site(config, site)
    assert result.returncode == 0, result.stderr
    return site, result.stderr


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_base_file_is_a_page_and_its_yaml_is_not_copied(built):
    site, _ = built
    assert not list(site.rglob("*.base"))
    page = (site / "views" / "shows" / "index.html").read_text(encoding="utf-8")
    assert "<h1" in page and "Shows</h1>" in page
    text = _text(page)
    # Budgets descending: Saltwater 1500, Lantern 1200, Paper Orchard 800, Mirror Tides 400; no draft.
    order = [text.find(n) for n in ("Saltwater Hymns", "Lantern Night", "The Paper Orchard", "Mirror Tides")]
    assert all(i >= 0 for i in order) and order == sorted(order)
    assert "Winter Pageant" not in page
    assert 'href="../../shows/lantern-night/"' in page  # links fixed up like every other link
    # Views as tabs with their counts; `this` is the base file, which directs nothing.
    assert re.search(r'<label for="__base_\w+_1">Shows <span class="vault-base-count">4</span>', page)
    assert re.search(r'<label for="__base_\w+_2">Directed by this <span class="vault-base-count">0</span>', page)


def test_cards_show_an_attachment_cover(built):
    site, _ = built
    page = (site / "views" / "posters" / "index.html").read_text(encoding="utf-8")
    cards = re.findall(r'<div class="vault-base-card">(.*?)</dl></div>', page)
    assert len(cards) == 3
    assert '<img src="../../attachments/lantern.png"' in cards[0] and "Lantern Night" in cards[0]
    assert "<img" not in cards[1] + cards[2]  # no poster, no cover
    assert (site / "attachments" / "lantern.png").exists()


def test_a_base_takes_a_folders_url_before_its_section_page(built):
    site, stderr = built
    page = (site / "crew" / "index.html").read_text(encoding="utf-8")
    assert "vault-base-list" in page and "Nell Fairweather" in page
    assert "duplicate" not in stderr.lower()


def test_a_note_at_the_same_url_takes_the_dash_2(built):
    site, _ = built
    note = (site / "views" / "shows-2" / "index.html").read_text(encoding="utf-8")
    assert "The base sits beside me." in note


def test_an_embed_shows_one_view_for_the_embedding_note(built):
    site, _ = built
    page = (site / "crew" / "ilse-varga" / "index.html").read_text(encoding="utf-8")
    block = page[page.find('class="vault-embed-base"') :]
    assert "vault-base-list" in block
    items = re.findall(r"<li>(.*?)</li>", block[: block.find("</ul>")])
    assert [_text(i).strip() for i in items] == ["Lantern Night", "Saltwater Hymns"]


def test_a_base_block_renders_in_place_and_a_broken_base_shows_a_notice(built):
    site, stderr = built
    page = (site / "programme" / "index.html").read_text(encoding="utf-8")
    text = _text(page)
    assert text.find("Intro.") < text.find("Bram Okafor") < text.find("And the broken one")
    assert "```base" not in page and "file.inFolder" not in page
    assert "This base cannot be shown" in page and "Views/Broken.base, line 4" in page
    # Warnings name the file and line: the block's formula (fence on line 5, formula on its line 3)
    # and the broken base file.
    assert re.search(r"Programme\.md:8: base: formula \"bad\"", stderr)
    assert re.search(r"Views/Broken\.base:4: base cannot be read", stderr)
    # Base results repeat other notes: kept out of the search index.
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "Bram Okafor" not in index.split('"location":"programme/"')[1].split('"location"')[0]


def test_publish_by_default_false_holds_bases_back(tmp_path: Path):
    files = {
        "Views/Shows.base": SHOWS_BASE,
        "index.md": "---\npublish: true\n---\nHome ![[Shows.base]]\n",
        "Shows/Lantern Night.md": "---\npublish: true\ntags: [show]\nbudget: 5\n---\nx\n",
    }
    vault = write_vault(tmp_path / "vault", files)
    config = site_config(tmp_path, vault, "      publish_by_default: false")
    site = tmp_path / "site"
    result = build_site(config, site)
    assert result.returncode == 0, result.stderr
    assert not (site / "views" / "shows").exists()
    assert not list(site.rglob("*.base"))
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "This embedded content is not published." in home


def test_serve_dirty_updates_bases_after_edits(tmp_path: Path):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    vault = write_vault(tmp_path / "vault", {**THEATRE, "Views/Shows.base": SHOWS_BASE, "Programme.md": "![[Shows.base]]\n"})
    config_file = site_config(tmp_path, vault, '      today: "2026-03-14"\n      timezone: UTC')
    site = tmp_path / "site"

    def rebuild(first: bool = False) -> None:
        config = load_config(config_file=str(config_file), site_dir=str(site))
        if first:
            config.plugins.on_startup(command="serve", dirty=True)
        build(config, serve_url="http://127.0.0.1:8000/", dirty=True)

    def edit(rel: str, text: str) -> None:
        path = vault / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        later = time.time() + 5
        os.utime(path, (later, later))

    try:
        rebuild(first=True)
        programme = site / "programme" / "index.html"
        base_page = site / "views" / "shows" / "index.html"
        assert "Mirror Tides" in programme.read_text(encoding="utf-8")
        # A note no view of the base can list (not tagged show): the embedding page is left alone.
        before = programme.stat().st_mtime_ns
        edit("Crew/Bram Okafor.md", THEATRE["Crew/Bram Okafor.md"].replace("Also directs.", "Directs less."))
        rebuild()
        assert programme.stat().st_mtime_ns == before
        # A new note the base lists: the page shows it.
        edit("Shows/Tin Chorus.md", "---\ntags: [show]\nbudget: 10\nstatus: rehearsal\n---\nNew.\n")
        rebuild()
        assert "Tin Chorus" in programme.read_text(encoding="utf-8")
        # A note edited (it leaves the base): the embedding page and the base's page change.
        edit("Archive/Old Shows/Mirror Tides.md", "---\nstatus: closed\nbudget: 400\ntags: [archive]\n---\nx\n")
        rebuild()
        assert "Mirror Tides" not in programme.read_text(encoding="utf-8")
        assert "Mirror Tides" not in base_page.read_text(encoding="utf-8")
        # The base edited: the page embedding it shows the new view.
        edit("Views/Shows.base", SHOWS_BASE.replace("name: Shows", "name: Every show"))
        rebuild()
        assert "Every show" in programme.read_text(encoding="utf-8")
        assert "Every show" in base_page.read_text(encoding="utf-8")
    finally:
        # MkDocs keeps plugins that define on_startup for the whole process, Material's search plugin
        # with this site's index as its "previous" one: the next in-process dirty build (another
        # test's) would merge it into its own. End the session as `mkdocs serve` ends it.
        config = load_config(config_file=str(config_file), site_dir=str(site))
        for plugin in config.plugins.values():
            if hasattr(plugin, "search_index_prev"):
                plugin.search_index_prev = None
        config.plugins.on_shutdown()
