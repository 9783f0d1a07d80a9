"""`BlockCache`: a shared block is exactly what the theme's block renders for each page.

Templates shaped like Material's (a base with the blocks, a header partial, our main.html's way of
handing `super` over) are rendered for many pages with the cache and without it; every page must come
out the same, and the cache must really be used where it can be.
"""

from __future__ import annotations

import os
from types import SimpleNamespace

import jinja2
import pytest
from mkdocs.utils import get_relative_url
from mkdocs.utils.templates import script_tag_filter, url_filter
from mkdocs_vault.mkdocs.blockcache import TITLE_MARK, BlockCache

BASE = """{% import "language.html" as lang with context %}<html>
<head>{% block styles %}
  <link rel="stylesheet" href="{{ 'assets/main.css' | url }}">
{% endblock %}</head>
{% set features = config.features %}
<body>{% block header %}
      {% include "partials/header.html" %}
    {% endblock %}
<main>{{ page.content }}</main>
{% block config %}<script>{{ {"base": base_url, "search": "assets/search.js" | url, "t": lang.t("x")} | tojson }}</script>{% endblock %}
{% block scripts %}<script src="{{ 'assets/bundle.js' | url }}"></script>
{% for script in config.extra_javascript %}{{ script | script_tag }}{% endfor %}{% endblock %}
</body></html>"""
MAIN = """{% extends "base.html" %}
{% block header %}{{ vault_block("header", super) if vault_block is defined else super() }}{% endblock %}
{% block config %}{{ vault_block("config", super) if vault_block is defined else super() }}{% endblock %}
{% block styles %}{{ vault_block("styles", super) if vault_block is defined else super() }}{% endblock %}
{% block scripts %}{{ vault_block("scripts", super) if vault_block is defined else super() }}{% endblock %}"""
LANGUAGE = "{% macro t(key) %}{{ key | upper }}{% endmacro %}"
HEADER = """<header><a href="{{ nav_home | url }}">{{ config.site_name }}</a>
<span>{% if page.meta and page.meta.title %}{{ page.meta.title }}{% else %}{{ page.title }}{% endif %}</span>
{% if "search" in features %}<form action="{{ 'search/' | url }}"></form>{% endif %}</header>"""

PAGE_URLS = [
    "", "people/ada/", "people/bob/", "people/ada/x/", "assets/", "assets/more/", "search/", "search/x/",
    "people/ada.html", "notes.html", "a/b/c/d/",
]


def pages() -> list[SimpleNamespace]:
    out = []
    for i, url in enumerate(PAGE_URLS):
        meta = {"title": f"Meta <{i}>"} if i % 3 == 0 else ({"title": ""} if i % 3 == 1 else {"description": "d"})
        out.append(SimpleNamespace(url=url, title=f"Page {i} & co", meta=meta, content=f"body {i}", file=url))
    out.append(SimpleNamespace(url="people/x/", title=None, meta=None, content="no title", file="x"))
    return out


def render_all(header: str, cached: bool, features=("search",), extra_js=("extra.js",)) -> tuple[list[str], dict]:
    env = jinja2.Environment(loader=jinja2.DictLoader({
        "base.html": BASE, "main.html": MAIN, "language.html": LANGUAGE, "partials/header.html": header,
    }))
    env.filters["url"] = url_filter
    env.filters["script_tag"] = script_tag_filter
    cache = None
    if cached:
        cache = BlockCache(None, list(features))
        cache.install(env)
    config = SimpleNamespace(site_name="Site", features=list(features), extra_javascript=list(extra_js))
    template = env.get_template("main.html")
    out = []
    for page in pages():
        base_url = get_relative_url(".", page.url)
        out.append(template.render(page=page, base_url=base_url, config=config, nav_home=""))
    return out, (cache._html if cache is not None else {})


@pytest.mark.parametrize("header", [
    HEADER,
    # reads more of the page than its title: never shared
    HEADER.replace("</header>", "{{ page.meta.description }}</header>"),
    HEADER.replace("</header>", "{{ page.file }}</header>"),
    HEADER.replace("</header>", "{% if page.meta and 'description' in page.meta %}d{% endif %}</header>"),
    # the title twice: not shared
    HEADER.replace("</header>", "{{ page.title }}</header>"),
    # no title at all
    "<header>{{ 'assets/logo.png' | url }}</header>",
])
def test_shared_blocks_render_as_the_theme_does(header: str) -> None:
    plain, _ = render_all(header, cached=False)
    shared, stored = render_all(header, cached=True)
    assert shared == plain
    assert any(key[0] == "config" for key in stored)  # the cache was really used
    assert len(stored) < 4 * len(plain)


def test_header_is_shared_when_it_reads_only_title_and_urls() -> None:
    _, stored = render_all(HEADER, cached=True)
    headers = [html for key, html in stored.items() if key[0] == "header"]
    assert headers and all(html.count(TITLE_MARK) == 1 for html in headers)
    # One per distinct base URL and relative URLs: shared by the pages they agree for.
    urls = [p.url for p in pages()]
    expected = {(get_relative_url(".", u), get_relative_url("search/", u)) for u in urls}
    assert len(headers) == len(expected) < len(urls)
    # A header that reads the page's description is rendered per page instead.
    _, stored = render_all(HEADER.replace("</header>", "{{ page.meta.description }}</header>"), cached=True)
    assert not [key for key in stored if key[0] == "header"]


def test_pages_share_a_block_exactly_when_their_relative_urls_agree() -> None:
    _, stored = render_all(HEADER, cached=True)
    config_keys = [key for key in stored if key[0] == "config"]
    expected = {
        (get_relative_url(".", url), get_relative_url("assets/search.js", url)) for url in PAGE_URLS + ["people/x/"]
    }
    assert {(key[1], key[2][0]) for key in config_keys} == expected


def test_a_site_template_or_sticky_tabs_turn_the_header_off(tmp_path) -> None:
    assert "header" in BlockCache(None, ["navigation.tabs.sticky"])._off
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "header.html").write_text("{{ page.title }}", encoding="utf-8")
    off = BlockCache(str(tmp_path), [])._off
    assert "header" in off and "config" not in off
    (tmp_path / "base.html").write_text("", encoding="utf-8")
    assert BlockCache(str(tmp_path), [])._off == {"header", "config", "styles", "scripts"}
    assert not BlockCache(None, ["search.highlight"])._off


def test_off_when_asked(monkeypatch) -> None:
    monkeypatch.setitem(os.environ, "VAULT_NO_SHARED", "1")
    shared, stored = render_all(HEADER, cached=True)
    assert stored == {} and shared == render_all(HEADER, cached=False)[0]


def test_a_block_whose_urls_vary_between_renders_is_not_shared_any_more() -> None:
    # Its URL values follow the base URL: a second base URL's render notes other values, which shows
    # the block writes URLs its first render did not announce.
    header = HEADER.replace("</header>", "{{ ('x' ~ base_url) | url }}</header>")
    plain, _ = render_all(header, cached=False)
    shared, stored = render_all(header, cached=True)
    assert shared == plain
    assert len([key for key in stored if key[0] == "header"]) == 1
