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
