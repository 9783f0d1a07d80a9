"""What every `mkdocs serve` rebuild pays whatever the edit, kept from growing with the vault: Material's
search index written from each entry's JSON kept across rebuilds (`mkdocs/searchindex.py`), the same
text Material's own `json.dumps` writes, with only the entries of the pages rendered again encoded; and
the build date asked once per build rather than once per note (`site.OneBuildDate`)."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs_vault.mkdocs.searchindex import SearchIndexJson

from tests.conftest import site_config, write_vault

CONFIG = {
    "lang": ["en"],
    "separator": r"[\s\-]+",
    "pipeline": ["stemmer"],
    "fields": {"title": {"boost": 1e3}, "text": {"boost": 1.0}, "tags": {"boost": 1e6}},
    "jieba_dict": None,  # (not written: Material writes four of its keys)
}


def _material(config: dict, entries: list[dict]) -> str:
    """What Material's `SearchIndex.generate_search_index` writes without a previous index."""
    data = {"config": {key: config[key] for key in ["lang", "separator", "pipeline", "fields"]}, "docs": entries}
    return json.dumps(data, separators=(",", ":"), default=str)


def test_the_index_is_the_text_material_writes_and_kept_entries_are_not_encoded_again() -> None:
    entries = [
        {"location": "", "title": "Home", "text": "Start at <a>Acme</a> — “quoted” ✅ 📅"},
        {"location": "people/ada/#work", "title": "Ada", "text": "", "tags": ["team", "1"]},
        {"location": "x/", "title": "Odd", "text": "a\\b\"c\n\t", "boost": 2.5, "when": dt.date(2026, 1, 2)},
    ]
    index = SearchIndexJson()
    assert index.generate(CONFIG, entries) == _material(CONFIG, entries)
    assert index.encoded == 3
    fresh = {"location": "people/bob/", "title": "Bob", "text": "new"}
    again = [entries[0], entries[2], fresh]
    assert index.generate(CONFIG, again) == _material(CONFIG, again)
    assert index.encoded == 1  # Bob's entry only
    # An entry equal to a kept one but another object is encoded: identity, never equality, decides.
    copy = dict(entries[0])
    assert index.generate(CONFIG, [copy]) == _material(CONFIG, [copy])
    assert index.encoded == 1
    assert index.generate(CONFIG, []) == _material(CONFIG, [])


VAULT = {
    "index.md": "# Home\n\nStart at [[Ada]].\n",
    **{f"People/P{i}.md": f"---\ntags: [team]\n---\n# P{i}\n\n## Work\n\nPerson {i}.\n" for i in range(6)},
    "People/Ada.md": "# Ada\n\nAda's page.\n",
}


def test_a_serve_rebuild_writes_material_s_index_encoding_only_the_pages_rendered_again(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", VAULT)
    config_file = site_config(tmp_path, vault)
    site = tmp_path / "site"

    def rebuild(first: bool = False):
        config = load_config(config_file=str(config_file), site_dir=str(site))
        if first:
            config.plugins.on_startup(command="serve", dirty=True)
            for plugin in config.plugins.values():
                if hasattr(plugin, "search_index_prev"):
                    plugin.search_index_prev = None  # (another test's index, in this process)
        build(config, serve_url="http://127.0.0.1:8000/", dirty=True)
        return config

    first = rebuild(first=True).plugins["material/search"].search_index.entries
    path = vault / "People/P3.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nAdded while served.\n", encoding="utf-8")
    later = time.time() + 5
    os.utime(path, (later, later))
    config = rebuild()
    search = config.plugins["material/search"]
    written = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    entries = search.search_index.entries
    assert written == _material(search.search_index.config, entries)
    assert "Added while served." in written
    kept = {id(entry) for entry in first}
    fresh = [entry for entry in entries if id(entry) not in kept]
    assert {e["location"] for e in fresh} >= {"people/p3/", "people/p3/#work"}
    assert len(fresh) < len(entries) / 2
    assert config.plugins["vault"]._search_json.encoded == len(fresh)


def test_mkdocs_asks_the_build_date_once_per_build_not_once_per_note(tmp_path: Path, monkeypatch) -> None:
    """MkDocs makes a Page per note after `on_files`, each asking the date (`OneBuildDate`)."""
    from mkdocs.structure import pages

    asked: list[str] = []

    def build_date() -> str:
        asked.append("date")
        return "2026-12-08"

    monkeypatch.setattr(pages, "get_build_date", build_date)
    vault = write_vault(tmp_path / "vault", VAULT)
    config = load_config(config_file=str(site_config(tmp_path, vault)), site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="serve", dirty=True)
    build(config, serve_url="http://127.0.0.1:8000/", dirty=True)
    assert len(asked) <= 2  # (once for our notes, once for a page MkDocs makes after on_nav, if any)
    assert pages.get_build_date is build_date  # given back after the pages are made
    rendered = config.plugins["vault"].site._rendered
    assert len(rendered) >= len(VAULT) and {page.update_date for page in rendered} == {"2026-12-08"}


def test_a_serve_rebuild_compiles_no_template_again(tmp_path: Path, monkeypatch) -> None:
    """Every build makes new Jinja environments (MkDocs' and, in its on_config, Material's search
    plugin's for its language template): under serve they keep the compiled code of the last build
    (`TemplateCodeCache`, installed before the search plugin reads the theme)."""
    import jinja2

    vault = write_vault(tmp_path / "vault", VAULT)
    config_file = site_config(tmp_path, vault)
    compiled: list[str] = []
    real = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return real(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    for n in range(2):
        config = load_config(config_file=str(config_file), site_dir=str(tmp_path / "site"))
        if n == 0:
            config.plugins.on_startup(command="serve", dirty=True)
        build(config, serve_url="http://127.0.0.1:8000/", dirty=True)
        if n == 1:  # (the first may find code already: MkDocs keeps our plugin for the process)
            assert compiled == []
        compiled.clear()
    assert config.plugins["material/search"].config.lang == ["en"]
