"""The properties panel: what is shown, how, and what never is."""

from __future__ import annotations

import datetime as dt

from mkdocs_vault.pages.inline import InlineRenderer
from mkdocs_vault.pages.properties import PropertyRenderer, is_empty, properties_panel, readable_date


def _renderer() -> PropertyRenderer:
    def link_state(target: str, source: str) -> tuple[str | None, str]:
        return ("People/Ada.md", "resolved") if target == "Ada" else (None, "unresolved")

    inline = InlineRenderer(link_state, {"People/Ada.md": "people/ada/"}.get, "Projects/X.md", "projects/x/")
    return PropertyRenderer(inline, "MMMM d, yyyy")


def panel(frontmatter: dict, tags: list[str] | None = None, private: tuple[str, ...] = ("salary",)) -> str:
    return properties_panel(frontmatter, _renderer(), lambda k: k.lower() in private, tags or [])


def test_values_render_by_kind() -> None:
    out = panel(
        {
            "status": "active",
            "owner": "[[Ada]]",
            "team": ["[[Ada]]", "[[Ghost]]"],
            "due": "2027-01-29",
            "started": dt.date(2026, 3, 1),
            "budget": 12000,
            "billable": False,
            "site": "https://example.org",
            "type": "projects",
        }
    )
    assert '<dt>status</dt> <dd><span class="vault-status-chip" data-status="active">active</span></dd>' in out
    assert '<dd><a class="vault-link" href="../../people/ada/">Ada</a></dd>' in out
    assert (
        '<span class="vault-chips" role="list"><span class="vault-chip" role="listitem">'
        '<a class="vault-link" href="../../people/ada/">Ada</a></span> <span' in out
    )
    assert (
        '<span class="vault-chip" role="listitem"><span class="vault-unresolved">Ghost</span></span>' in out
    )
    assert '<time datetime="2027-01-29">January 29, 2027</time>' in out
    assert '<time datetime="2026-03-01">March 1, 2026</time>' in out
    assert "<dd>12000</dd>" in out and '<span class="vault-bool">false</span>' in out
    assert 'href="https://example.org"' in out
    assert '<a class="vault-type" href="../../directory/projects/">projects</a>' in out


def test_hidden_private_and_empty_keys_are_not_shown() -> None:
    out = panel(
        {
            "title": "X",
            "publish": True,
            "permalink": "x",
            "cssclasses": ["wide"],
            "Salary": 100,
            "empty": None,
            "blank": "  ",
            "nothing": [],
            "nested": {"a": None},
            "kept": "yes",
        }
    )
    for hidden in (
        "title",
        "publish",
        "permalink",
        "cssclasses",
        "Salary",
        "100",
        "empty",
        "blank",
        "nothing",
        "nested",
    ):
        assert f">{hidden}<" not in out
    assert "<dt>kept</dt>" in out
    assert panel({"title": "only a title"}) == ""


def test_tags_link_to_tag_pages() -> None:
    out = panel({"tags": ["client/nimbus", "Idea"]}, ["#client/nimbus", "#Idea"])
    assert '<a class="vault-tag" href="../../tags/client/nimbus/">#client/nimbus</a>' in out
    assert '<a class="vault-tag" href="../../tags/idea/">#Idea</a>' in out


def test_hostile_values_show_as_text() -> None:
    out = panel(
        {"role": "<script>alert(1)</script>", "<b>key</b>": "x", "note": '"><img src=x onerror=alert(1)>'}
    )
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<b>" not in out and "&lt;b&gt;key&lt;/b&gt;" in out
    assert "<img" not in out


def test_helpers() -> None:
    assert is_empty({"a": [None, ""]}) and not is_empty(0) and not is_empty(False)
    assert readable_date("2026-11-03T09:30", "MMMM d, yyyy") == (
        '<time datetime="2026-11-03T09:30:00">November 3, 2026 09:30</time>'
    )
    assert readable_date("2026-13-40", "MMMM d, yyyy") is None
    assert readable_date("12:30", "MMMM d, yyyy") is None


def test_status_chip_kinds() -> None:
    from mkdocs_vault.pages.properties import _status_chip

    assert _status_chip("On hold") == '<span class="vault-status-chip" data-status="on-hold">On hold</span>'
    assert _status_chip("In progress!") == (
        '<span class="vault-status-chip" data-status="in-progress">In progress!</span>'
    )
    assert _status_chip('<b onclick="x">') == (
        '<span class="vault-status-chip" data-status="b-onclick-x">&lt;b onclick=&quot;x&quot;&gt;</span>'
    )
