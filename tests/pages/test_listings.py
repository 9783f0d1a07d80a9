"""Each generated page, built from the small team vault through the real pipeline (no MkDocs)."""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import pytest
from mkdocs_vault.mkdocs.searchview import page_view, search_view
from mkdocs_vault.pages.generated import SitePages, insert_after_title, panel_headings

GOLDEN = Path(__file__).parent / "golden"


def text_of(markdown: str) -> str:
    """The visible words of a page, one space between elements."""
    body = markdown.split("---\n\n", 1)[-1] if markdown.startswith("---\n") else markdown
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", body)).split()).replace(" .", ".")


def check_golden(name: str, actual: str) -> None:
    """Compare with tests/pages/golden/<name>; UPDATE_GOLDEN=1 rewrites it (review the diff!)."""
    path = GOLDEN / name
    pretty = actual.replace("><", ">\n<")  # one tag per line: readable diffs
    if os.environ.get("UPDATE_GOLDEN") == "1" or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(pretty, encoding="utf-8")
    assert pretty == path.read_text(encoding="utf-8")


def hrefs(markdown: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', markdown)


def test_generated_pages_are_the_expected_set(team_pages: SitePages) -> None:
    assert sorted(team_pages.pages()) == [
        "directory/index.md",
        "directory/meeting/index.md",
        "directory/people/index.md",
        "directory/projects/index.md",
        "graph/index.md",
        "tags/client/index.md",
        "tags/client/nimbus/index.md",
        "tags/idea/index.md",
        "tags/index.md",
        "tags/person/index.md",
        "tags/team/core/index.md",
        "tags/team/index.md",
        "tasks/index.md",
        "timeline/index.md",
    ]


def test_listings_stay_out_of_search(team_pages: SitePages) -> None:
    for uri, (_title, markdown) in team_pages.pages().items():
        assert markdown.startswith("---\nsearch:\n  exclude: true\n---\n"), uri


def test_unpublished_notes_appear_in_no_listing(team_pages: SitePages) -> None:
    for uri, (_title, markdown) in team_pages.pages().items():
        assert "CANARY" not in markdown and "Secret" not in markdown, uri
        assert "private/" not in markdown, uri
    assert "Secret" not in team_pages.graph_json()


def test_directory_pages(team_pages: SitePages) -> None:
    pages = team_pages.pages()
    index = text_of(pages["directory/index.md"][1])
    assert "Meeting 2 People 2 Projects 1" in index
    title, people = pages["directory/people/index.md"]
    assert title == "People"
    assert '<th scope="col" aria-sort="none">Company</th>' in people
    assert "Last contact" in people and "Role" in people
    # Ada: computed last contact (2026-11-20, a linking meeting) beats her own property (2026-10-01);
    # the 2026-12-24 meeting is in the future, so it is no contact yet.
    assert '<td data-sort="2026-11-20"><time datetime="2026-11-20">November 20, 2026</time></td>' in people
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in people and "<script>" not in people
    assert text_of(people).index("Ada Byron") < text_of(people).index("Bob Stone")
    projects = pages["directory/projects/index.md"][1]
    assert '<td data-sort="blocked"><span class="vault-status-chip" data-status="blocked">blocked</span></td>' in projects
    assert '<td data-sort="4">4</td>' in projects  # open tasks: 3 open, 1 in progress
    assert 'href="../../people/ada-byron/">Ada Byron</a>' in projects  # owner link, relative to the page


def test_directory_columns_are_configurable(team_state) -> None:
    pages = SitePages(team_state, "MMMM d, yyyy", {"people": ["role", "salary", "open_tasks"]}).pages()
    people = pages["directory/people/index.md"][1]
    assert ">Role</th>" in people and ">Open tasks</th>" in people
    assert "Salary" not in people and "123456" not in people  # a private key never becomes a column
    assert ">Company</th>" not in people


def test_timeline_page(team_pages: SitePages) -> None:
    title, markdown = team_pages.pages()["timeline/index.md"]
    assert title == "Timeline"
    text = text_of(markdown)
    assert "4 dated notes, newest first." in text
    order = [text.index(m) for m in ("December 2026", "November 2026", "October 2026")]
    assert order == sorted(order)
    assert text.index("Nov 20 2026-11-20 - Review") < text.index("Nov 2 2026-11-02")
    assert 'href="../meetings/2026-10-05-kickoff/"' in markdown
    check_golden("timeline.html", markdown)


def test_tasks_page(team_pages: SitePages) -> None:
    title, markdown = team_pages.pages()["tasks/index.md"]
    assert title == "Open tasks"
    text = text_of(markdown)
    assert "4 open tasks, 1 overdue as of 2026-11-24." in text
    assert "Done already" not in text and "Cancelled one" not in text
    assert "23 days overdue" in text
    # By due date, undated last; date markers and private fields are not part of the text.
    assert text.index("Call the vendor") < text.index("Write the plan") < text.index("Half way there")
    assert "📅" not in text and "due::" not in text and "rate::" not in text and "900" not in text
    assert 'href="../people/bob-stone/">Bob Stone</a>' in markdown
    check_golden("tasks.html", markdown)


def test_tag_pages(team_pages: SitePages) -> None:
    pages = team_pages.pages()
    index = pages["tags/index.md"][1]
    assert 'href="client/nimbus/">#client/nimbus</a>' in index
    title, client = pages["tags/client/index.md"]
    assert title == "#client"
    text = text_of(client)
    # Apollo (frontmatter tag) and the Review meeting (inline tag) are both under #client/nimbus.
    assert "Apollo" in text and "2026-11-20 - Review" in text and "Nested tags" in text
    idea = text_of(pages["tags/idea/index.md"][1])
    assert "Apollo" in idea and "2026-11-02" in idea  # `#idea` on a task and `#Idea` in a daily note
    assert pages["tags/idea/index.md"][0] == "#Idea"
    check_golden("tag-client.html", client)


def test_tag_pages_make_a_notes_item_text_once_per_pass(team_pages: SitePages, monkeypatch) -> None:
    """A note is listed on the page of each of its tags and their parents; its title, type and date
    are made into HTML once per pass over the tag pages, kept for that pass (not in a cache of fixed
    size, which nearly every item missed once a vault had more notes than it held)."""
    from mkdocs_vault.pages import tags

    made: list[str] = []
    plain = tags._item_text.__wrapped__ if hasattr(tags._item_text, "__wrapped__") else tags._item_text

    def item_text(title: str, note_type: str | None, date: str | None) -> str:
        made.append(title)
        return plain(title, note_type, date)

    monkeypatch.setattr(tags, "_item_text", item_text)
    pages = tags.tag_pages(team_pages.data)
    listed = [t for _uri, (_title, markdown) in pages.items() for t in re.findall(r'<li><a class="vault-link"', markdown)]
    assert len(listed) > len(set(made))  # (some note is listed on more than one tag page)
    assert sorted(made) == sorted(set(made))  # each note's text made once
    assert pages == tags.tag_pages(team_pages.data)  # (and the pages as before)


def test_graph_page_and_json(team_pages: SitePages) -> None:
    title, markdown = team_pages.pages()["graph/index.md"]
    assert title == "Graph"
    assert 'data-graph-src="../assets/vault/graph.json"' in markdown and 'data-base="../"' in markdown
    graph = json.loads(team_pages.graph_json())
    titles = [n["t"] for n in graph["nodes"]]
    assert "Ada Byron" in titles and len(titles) == 8
    ada, apollo = titles.index("Ada Byron"), titles.index("Apollo")
    assert [min(ada, apollo), max(ada, apollo)] in graph["links"]
    assert graph["links"] == sorted(graph["links"])


def test_note_panels(team_state, team_pages: SitePages) -> None:
    note = team_state.vault.notes["People/Ada Byron.md"]
    content = team_pages.decorate_note(note, "people/ada-byron/", "<h1>Ada Byron</h1><p>Body</p>")
    # What search reads: the property values as text, without the panel's markup.
    searched = search_view(content)
    assert "vault-properties" not in searched and "<dt>" not in searched
    assert "company Nimbus Ltd" in searched and "aliases Ada AB" in searched
    assert "<script>" not in searched and "role &lt;script&gt;" in searched
    for raw in (content, searched):
        assert "123456" not in raw and "salary" not in raw.lower().replace("paid", "")
    out = page_view(content) + team_pages.note_footer(note, "people/ada-byron/")  # the template writes the footer
    assert out.startswith('<h1>Ada Byron</h1><div class="vault-properties"')
    assert "123456" not in out and "salary" not in out.lower().replace("paid", "")
    assert "not for the wiki" not in out  # a %%comment%% in the linking line
    text = text_of(out)
    assert "Last contact: November 20, 2026 (4 days ago)" in text
    assert "Linked mentions 5" in text
    # Grouped by type (meeting, projects, then notes without a type), each with its context line.
    groups = re.findall(r'<h3 class="vault-group"[^>]*>([^<]*)</h3>', out)
    assert groups == ["meeting", "projects", "other"]
    assert "Ada Byron presented Apollo to Bob" in text
    assert "owner property" in text
    assert "CANARY" not in out and "Secret Plan.md" not in out
    check_golden("person-panels.html", out)


def test_note_panels_are_listed_for_the_table_of_contents(team_state, team_pages: SitePages) -> None:
    """The footer's sections, in page order, as (anchor, title) for the page's table of contents: the
    number of notes linking here and of graph neighbours as a badge, the timeline without one."""
    note = team_state.vault.notes["People/Ada Byron.md"]
    footer = team_pages.note_footer(note, "people/ada-byron/")
    assert panel_headings(footer) == [
        ("vault-timeline", "Timeline"),
        ("vault-backlinks", 'Linked mentions <span class="vault-count">5</span>'),
        ("vault-graph", 'Graph <span class="vault-count">5</span>'),
    ]
    assert panel_headings("") == []


def test_home_gets_links_to_the_listings(team_state, team_pages: SitePages) -> None:
    home = team_state.vault.notes["index.md"]
    out = team_pages.decorate_note(home, "", "<h1>Team home</h1>", home=True)
    assert hrefs(out)[:5] == ["directory/", "timeline/", "tasks/", "tags/", "graph/"]
    assert "vault-properties" not in out


def test_insert_after_title() -> None:
    assert insert_after_title('<h1 id="x">T</h1><p>a</p>', "<b/>") == '<h1 id="x">T</h1><b/><p>a</p>'
    assert insert_after_title("<p>a</p>", "<b/>") == "<b/><p>a</p>"
    assert insert_after_title("<p>a</p>", "") == "<p>a</p>"


@pytest.mark.parametrize("run", [1, 2])
def test_listings_are_reproducible(make_vault, run: int) -> None:
    from .conftest import TEAM_VAULT, load_state

    a = SitePages(load_state(make_vault(TEAM_VAULT, name=f"a{run}"))).pages()
    b = SitePages(load_state(make_vault(dict(reversed(TEAM_VAULT.items())), name=f"b{run}"))).pages()
    assert a == b


def test_local_graph_data_cannot_break_out_of_its_script(team_state, team_pages: SitePages) -> None:
    from mkdocs_vault.pages.graph import _local_graph_json, script_json

    assert (
        script_json({"t": "</script><img src=x>&"})
        == '{"t":"\\u003c/script\\u003e\\u003cimg src=x\\u003e\\u0026"}'
    )
    written = _local_graph_json(team_pages.data, "Projects/Apollo.md", "projects/apollo/")
    assert written is not None
    graph = json.loads(written[0])
    titles = {n["t"]: n for n in graph["nodes"]}
    assert titles["Apollo"].get("c") == 1 and titles["Ada Byron"]["u"] == "../../people/ada-byron/"
    assert "Secret Plan" not in titles


# Titles, types and paths that JSON and a <script> element must escape, for the graph writers' tests.
GRAPH_ESCAPES_VAULT = {
    "Hub.md": '---\ntype: "t\\"q<&>"\n---\n# Hub\n\n[[Zoë "Z" </script>]] [[B\\slash]] [[C]]\n',
    'Zoë "Z" </script>.md': "# Zoë\n\n[[C]]\n",
    "B\\slash.md": "---\ntype: people\n---\n# B\n\n[[Hub]]\n",
    "C.md": "# C\n",
    "Lone.md": "# Lone\n",
}


def _pairs(data, order: list[str]) -> list[tuple[int, int]]:
    """The links among `order`'s notes as the graphs' plain structure has them: index pairs."""
    from mkdocs_vault.pages.graph import _pair_keys

    return [divmod(k, len(order)) for k in _pair_keys(data, order)]


def test_local_graph_json_is_written_as_json_dumps_writes_it(make_vault) -> None:
    """The note pages' graph JSON is assembled from pieces; it must be byte for byte `script_json` of
    the plain structure, titles with quotes, backslashes, markup and non-ASCII characters included."""
    from mkdocs_vault.pages.addresses import relative
    from mkdocs_vault.pages.graph import _local_graph_json, _local_order, script_json

    def local_graph(data, path: str, page_url: str) -> dict | None:
        """The structure the page's JSON encodes, built the plain way."""
        found = _local_order(data, path)
        if found is None:
            return None
        order, total = found
        nodes = []
        for p in order:
            row = data.notes[p]
            node = {"t": row.title, "u": relative(row.url, page_url), "g": row.type or ""}
            if p == path:
                node["c"] = 1
            nodes.append(node)
        return {"nodes": nodes, "links": _pairs(data, order), "total": total}

    from .conftest import load_state

    pages = SitePages(load_state(make_vault(GRAPH_ESCAPES_VAULT)))
    for path, row in pages.data.notes.items():
        graph = local_graph(pages.data, path, row.url)
        written = _local_graph_json(pages.data, path, row.url)
        if graph is None:
            assert written is None
            continue
        assert written == (script_json(graph), len(graph["nodes"]), graph["total"])
    hub = _local_graph_json(pages.data, "Hub.md", pages.data.notes["Hub.md"].url)
    assert hub is not None and "\\u003c\\u0026\\u003e" in hub[0] and '\\"' in hub[0] and "ë" in hub[0]


def test_global_graph_json_is_written_as_json_dumps_writes_it(make_vault) -> None:
    """The global graph's JSON is assembled from pieces (its nodes' part kept across serve rebuilds):
    byte for byte `script_json` of the plain structure."""
    from mkdocs_vault.pages.graph import global_graph_json, graph_nodes, nodes_json, script_json

    from .conftest import load_state

    data = SitePages(load_state(make_vault(GRAPH_ESCAPES_VAULT))).data
    order = sorted(data.notes)
    plain = {
        "nodes": [{"t": data.notes[p].title, "u": data.notes[p].url, "g": data.notes[p].type or ""} for p in order],
        "links": _pairs(data, order),
    }
    want = script_json(plain) + "\n"
    assert global_graph_json(data) == want
    assert global_graph_json(data, nodes_json(graph_nodes(data))) == want
    assert "\\u003c\\u0026\\u003e" in want and '\\"' in want and "ë" in want


def test_relative_agrees_with_mkdocs_on_every_kind_of_url() -> None:
    """`relative` works out normal URLs itself (two ways); it must give what `get_relative_url` gives."""
    import itertools

    from mkdocs.utils import get_relative_url
    from mkdocs_vault.pages.addresses import relative

    def expected(url: str, page_url: str) -> str:
        href = get_relative_url(url or ".", page_url or ".")
        return href + "/" if (url == "" or url.endswith("/")) and not href.endswith("/") else href

    segments = ["a", "b", "c.d", ".", "..", "", "é", "a.html"]
    urls = {""}
    for n in (1, 2, 3):
        for combo in itertools.product(segments, repeat=n):
            urls.update({"/".join(combo), "/".join(combo) + "/", "/" + "/".join(combo)})
    for url in sorted(urls):
        for page_url in sorted(urls):
            assert relative(url, page_url) == expected(url, page_url), (url, page_url)


def test_generated_titles_never_carry_markup(make_vault) -> None:
    from .conftest import load_state

    state = load_state(make_vault({"A.md": '---\ntype: "<i>x</i>"\ntags: ["<b>bold</b>&co"]\n---\n# A\n'}))
    titles = [title for title, _markdown in SitePages(state).pages().values()]
    assert "#‹b›bold‹/b›＆co" in titles and "‹i›x‹/i›" in titles
    assert not any(ch in t for t in titles for ch in '<>&"')


def test_a_listing_body_is_one_block_whatever_its_line_breaks() -> None:
    """`listing_page` drops blank lines from the body, so it stays one raw HTML block; a body on one
    line is left as it is without being split. Either way the page is what splitting it gives."""
    import random

    from mkdocs_vault.pages.listing import listing_page

    def reference(body: str) -> str:
        kept = "\n".join(line for line in body.splitlines() if line.strip())
        return f"---\nsearch:\n  exclude: true\n---\n\n<h1>T</h1>\n\n{kept}\n"

    pieces = ["<p>", "é", " ", "\t", "\n", "\r\n", "\x0b", "\x1c", "\x85", "\u2028", "\u3000"]
    rnd = random.Random(4)
    for _ in range(20000):
        body = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))
        assert listing_page("T", body) == reference(body), repr(body)
