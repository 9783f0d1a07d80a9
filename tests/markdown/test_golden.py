"""Golden files: each `golden/NAME.md` renders (both phases) to exactly `golden/NAME.html`.

The input is rendered as the note `Golden/NAME.md` of a small fixed vault (below), with the site's
full extension list; `linebreaks*.md` turns Obsidian's non-strict line breaks on. Diagnostics the
page raised are appended to the HTML as a comment, so a golden file also pins what gets reported.

To regenerate after an intended change: `UPDATE_GOLDEN=1 pytest tests/markdown/test_golden.py`,
then read every changed `.html` before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mkdocs_vault.links.extension import LinkContext, fix_links
from mkdocs_vault.links.resolve import LinkResolver
from mkdocs_vault.markdown.site_config import build_markdown, markdown_config
from mkdocs_vault.vault.model import Note

from tests.links.conftest import slug_url

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.stem for p in GOLDEN.glob("*.md"))

VAULT = {
    "People/Ada Quill.md": "# Ada Quill\n\n## Contact details\n\nAda works with [[Bob's retro|Bob]].\n\n"
    "## Role\n\nLeads delivery. ^role\n\n- first duty\n- second duty ^duty2\n",
    "Meetings/2025-10-06 - Kickoff, pricing & scope.md": "# Kickoff\n\n## Decisions\n\nShip it.\n",
    "Meetings/Bob's retro.md": "Retro notes. %%CANARY-COMMENT in an embedded note%%\n",
    "Projects/Apollo (draft).md": "# Apollo\n\n## Q&A: what's next?\n\n## 🚀 Launch, v2!\n\n## Summary\n\n"
    "First summary.\n\n### Details\n\nFirst details.\n\n## Summary\n\nSecond summary.\n\n### Details\n\n"
    "Second details.\n",
    "Private/Salaries.md": "# CANARY-SALARY\n\nCANARY-BODY\n",
    "Café Crème.md": "Coffee.\n",
    "Ideas/🚀 Launch plan.md": "Rocket.\n",
    "A/Twin.md": "twin a\n",
    "B/Twin.md": "twin b\n",
    "Loop/Self.md": "Self embed: ![[Self]]\n",
    "Guides/Regions.md": "> [!info] Sync regions\n> Edits in one region show in the others.\n^sync-regions\n\n"
    "Closing words.\n",
}
ATTACHMENTS = [
    "Attachments/diagram.png",
    "Files/spec.pdf",
    "Audio/memo.mp3",
    "Video/demo.mp4",
    "Boards/plan.canvas",
    "Views/tasks.base",
]
UNPUBLISHED = {"Private/Salaries.md"}


def render(name: str) -> str:
    source = (GOLDEN / f"{name}.md").read_text(encoding="utf-8")
    page_path = f"Golden/{name}.md"
    notes = {p: Note(path=p, body=t) for p, t in VAULT.items()}
    notes[page_path] = Note(path=page_path, body=source)
    reports: list[tuple[str, int, str, str]] = []
    published = lambda p: p not in UNPUBLISHED
    ctx = LinkContext(
        LinkResolver(list(notes) + ATTACHMENTS, {"People/Ada Quill.md": ["AQ"]}),
        url_of=lambda p: slug_url(p) if published(p) else None,
        is_published=published,
        get_note=lambda p: notes.get(p) if published(p) else None,
        report=lambda *a: reports.append(a),
    )
    config = markdown_config(
        link_context=ctx, tag_url=lambda tag: f"tags/{tag}/", line_breaks=name.startswith("linebreaks")
    )
    ctx.markdown_factory = lambda: build_markdown(config)
    # Render the other notes first, as a build does, so heading ids come from their built pages.
    for path, note in sorted(notes.items()):
        if published(path) and path != page_path:
            ctx.begin_page(path, note.body, note.body_line)
            build_markdown(config).convert(note.body)
    reports.clear()  # only what the page under test raises
    ctx.begin_page(page_path, source, 0)
    html = fix_links(build_markdown(config).convert(source), page_path, ctx)
    if reports:
        lines = "\n".join(f"{path}:{line}: {kind}: {message}" for path, line, kind, message in reports)
        html += f"\n<!-- diagnostics:\n{lines}\n-->"
    return html + "\n"


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str) -> None:
    got = render(name)
    expected_file = GOLDEN / f"{name}.html"
    if os.environ.get("UPDATE_GOLDEN") or not expected_file.exists():
        expected_file.write_text(got, encoding="utf-8")
        if not os.environ.get("UPDATE_GOLDEN"):
            pytest.fail(f"{expected_file.name} was missing and has been written: review it")
    assert got == expected_file.read_text(encoding="utf-8")


def test_no_canary_in_any_golden_output() -> None:
    for name in CASES:
        assert "CANARY" not in render(name), name


def test_every_renderer_has_a_golden_file() -> None:
    assert {
        "callouts",
        "highlight",
        "comments",
        "tags",
        "tasks",
        "linebreaks",
        "wikilinks",
        "embeds",
        "markdown-links",
        "block-ids",
        "tables-and-code",
        "math-mermaid-footnotes",
    } <= set(CASES)
