"""Compiled templates survive a serve rebuild's new Jinja environment, and an edited template is
compiled again (`templatecache.py`)."""

from __future__ import annotations

import jinja2
from mkdocs_vault.mkdocs.templatecache import TemplateCodeCache


def _environment(sources: dict[str, str], cache: TemplateCodeCache, compiled: list[str]) -> jinja2.Environment:
    """A fresh environment, as MkDocs makes one per build, that records what it compiles."""
    env = jinja2.Environment(loader=jinja2.DictLoader(sources))
    env.bytecode_cache = cache
    compile_source = env.compile

    def counting(source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return compile_source(source, name, filename, raw, defer_init)

    env.compile = counting  # type: ignore[method-assign]
    return env


def test_a_new_environment_reuses_code_of_unchanged_templates() -> None:
    cache, compiled = TemplateCodeCache(), []
    sources = {"page.html": "{{ title | upper }} {% include 'part.html' %}", "part.html": "part {{ n }}"}
    first = _environment(sources, cache, compiled).get_template("page.html").render(title="a", n=1)
    assert first == "A part 1"
    assert sorted(compiled) == ["page.html", "part.html"]

    compiled.clear()
    again = _environment(sources, cache, compiled).get_template("page.html").render(title="b", n=2)
    assert again == "B part 2"
    assert compiled == []


def test_an_edited_template_is_compiled_again() -> None:
    cache, compiled = TemplateCodeCache(), []
    sources = {"page.html": "old {{ x }}"}
    assert _environment(sources, cache, compiled).get_template("page.html").render(x=1) == "old 1"
    sources["page.html"] = "new {{ x }}"
    compiled.clear()
    assert _environment(sources, cache, compiled).get_template("page.html").render(x=1) == "new 1"
    assert compiled == ["page.html"]


def test_the_installed_themes_files_are_listed_once_per_process(tmp_path, monkeypatch) -> None:
    """`ThemeListing`: each build's theme environment lists the same files as Jinja's own loader, but
    walks an installed theme's folder (Material's) only once; our templates and a `custom_dir` are
    walked every time, so a template added there is found."""
    from mkdocs.config import load_config
    from mkdocs_vault.mkdocs.navcache import OVERRIDES
    from mkdocs_vault.mkdocs.theme import ThemeListing, supply_theme

    custom = tmp_path / "custom"
    custom.mkdir()
    (custom / "extra.txt").write_text("x", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(
        f"site_name: t\ndocs_dir: {tmp_path / 'docs'}\ntheme:\n  name: material\n  custom_dir: {custom}\n",
        encoding="utf-8",
    )
    listing = ThemeListing()
    walked: list[str] = []
    real = jinja2.FileSystemLoader.list_templates

    def counting(self) -> list[str]:
        walked.extend(self.searchpath)
        return real(self)

    monkeypatch.setattr(jinja2.FileSystemLoader, "list_templates", counting)
    for n in range(2):
        config = load_config(config_file=str(config_file))
        supply_theme(config)
        listing.install(config)
        names = config.theme.get_env().list_templates()
        assert names == real(jinja2.FileSystemLoader(config.theme.dirs))
        assert "extra.txt" in names and "main.html" in names
        if n == 0:
            walked.clear()
    material = [d for d in config.theme.dirs if d not in (str(custom), OVERRIDES)]
    assert material and not set(walked) & set(material)  # the second time: not walked again
    assert str(custom) in walked and OVERRIDES in walked
    (custom / "added.txt").write_text("y", encoding="utf-8")
    assert "added.txt" in config.theme.get_env().list_templates()
