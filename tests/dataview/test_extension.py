"""The Markdown extension: blocks and inline queries in a note render as results, errors are reported."""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

import pytest
from markdown import Markdown
from mkdocs_vault.dataview.batch import load_pages
from mkdocs_vault.dataview.blocks import find_blocks
from mkdocs_vault.dataview.engine import QueryContext
from mkdocs_vault.dataview.extension import DataviewExtension, DataviewRunner
from mkdocs_vault.dataview.values import UTC

GOLDEN_VAULT = Path(__file__).with_name("golden") / "vault"
NOW = dt.datetime(2025, 11, 1, tzinfo=UTC)

NOTE = """# Dashboard

Owner of the focus project: `= this.focus.owner`, and `$= dv.current()` stays unrun.

```dataview
TABLE status, budget
FROM "Projects"
SORT file.name
```

> [!note] Inside a callout
> ```dataview
> LIST FROM "Daily" SORT file.name
> ```

````markdown
```dataview
LIST FROM "Projects"
```
````

```dataview
TABLE status
WHERE status = = 1
```

```dataviewjs
dv.table([], [])
```

`code stays code`
"""


def link_html(path: str, subpath: str | None, display: str) -> str:
    return f'<a href="/{escape(path)}">{escape(display)}</a>'


@pytest.fixture(scope="module")
def context() -> QueryContext:
    return QueryContext(load_pages(GOLDEN_VAULT, UTC, skip_templates=True), NOW, UTC)


def render(context: QueryContext, text: str) -> tuple[str, list[tuple]]:
    reports: list[tuple] = []

    runner = DataviewRunner(
        context=lambda: context,
        page=lambda: "Home.md",
        link_html=link_html,
        report=lambda *r: reports.append(r),
        source=lambda: (text, 0),
    )
    md = Markdown(extensions=[DataviewExtension(runner=runner), "pymdownx.superfences", "tables"])
    return md.convert(text), reports


def test_blocks_and_inline_queries_render(context: QueryContext) -> None:
    html, reports = render(context, NOTE)
    assert 'Owner of the focus project: <span class="dataview dataview-inline-query">' in html
    assert '<a href="/People/Odile Marchetti.md">Odile Marchetti</a>' in html
    assert "inline DataviewJS queries are not run" in html
    assert '<table class="dataview table-view-table">' in html and "<td>42000</td>" in html
    assert "<blockquote>" in html and html.index("<blockquote>") < html.index(
        '<ul class="dataview list-view-ul">'
    )
    assert '<span class="s">LIST FROM "Projects"</span>' in html  # a block shown as code is not run
    assert "dataview-error-box" in html and "Expected expression" in html
    assert "DataviewJS blocks are not run" in html
    assert "<code>code stays code</code>" in html
    assert reports == [("Home.md", 24, "query", "Dataview query failed: Expected expression, got '= 1'")]


def test_find_blocks_skips_other_fences() -> None:
    blocks = find_blocks(NOTE.split("\n"))
    assert [(b.kind, b.line) for b in blocks] == [
        ("dataview", 4),
        ("dataview", 11),
        ("dataview", 21),
        ("dataviewjs", 26),
    ]
    assert blocks[1].query == 'LIST FROM "Daily" SORT file.name' and blocks[1].prefix == "> "


def test_check_queries_reports_failures_with_file_lines(tmp_path: Path) -> None:
    from mkdocs_vault.dataview.batch import run_batch_on_state, run_one_on_state
    from mkdocs_vault.dataview.blocks import check_queries
    from mkdocs_vault.pipeline import Options, VaultState

    (tmp_path / "A.md").write_text(
        "---\nstatus: x\n---\n# A\n\n```dataview\nLIST\nWHERE nosuch(1)\n```\n\nValue `= this.status + 1`, `= this.status`\n",
        encoding="utf-8",
    )
    (tmp_path / "B.md").write_text(
        "---\npublish: false\n---\n```dataview\nLIST WHERE\n```\n", encoding="utf-8"
    )
    state = VaultState(tmp_path, Options(today="2025-11-01", timezone="UTC")).refresh()
    assert check_queries(state) == 1  # the block fails on every row; "x" + 1 is fine; B is not published
    found = [(d.path, d.line, d.kind) for d in state.diagnostics if d.kind == "query"]
    assert found == [("A.md", 8, "query")]
    assert run_batch_on_state(state, [{"id": "1", "origin": "A.md", "query": "=this.status"}]) == {
        "1": {"type": "inline", "value": "x"}
    }
    assert run_one_on_state(state, 'LIST FROM ""', "A.md") == "- A.md\n(1 items)"


def test_find_blocks_tries_the_fence_pattern_only_on_lines_with_a_fence(monkeypatch) -> None:
    from mkdocs_vault.dataview import blocks as blocks_module

    tried: list[str] = []
    pattern = blocks_module._FENCE_OPEN

    class Counting:
        def match(self, line: str):
            tried.append(line)
            return pattern.match(line)

    monkeypatch.setattr(blocks_module, "_FENCE_OPEN", Counting())
    lines = NOTE.split("\n")
    assert [(b.kind, b.line) for b in find_blocks(lines)] == [
        ("dataview", 4), ("dataview", 11), ("dataview", 21), ("dataviewjs", 26),
    ]
    # Every opening fence, and no line without three backticks or tildes.
    assert tried and all("```" in line or "~~~" in line for line in tried)


def test_a_result_link_is_serialized_once_per_target_and_text(monkeypatch) -> None:
    # Results show the same notes on page after page: each link's HTML is made once.
    import markdown.serializers
    from mkdocs_vault.dataview.extension import placeholder_link_html

    made: list[str] = []
    serialize = markdown.serializers.to_html_string

    def counting(element):
        made.append(element.tag)
        return serialize(element)

    monkeypatch.setattr(markdown.serializers, "to_html_string", counting)
    link_html = placeholder_link_html(lambda path: path != "Hidden.md")
    first = [link_html("People/Ada.md", None, "Ada"), link_html("Hidden.md", None, "Hidden")]
    again = [link_html("People/Ada.md", None, "Ada"), link_html("Hidden.md", None, "Hidden")]
    assert first == again
    assert 'data-target="People/Ada.md"' in first[0] and "vault-unresolved" in first[1]
    assert link_html("People/Ada.md", "Notes", "Ada") != first[0]
    assert made == ["vault-link", "span", "vault-link"]
