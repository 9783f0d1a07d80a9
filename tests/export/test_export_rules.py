"""Each rule of the export's rewriting, on a small vault whose expected Markdown was worked out by hand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_vault

VAULT = {
    "Home.md": (
        "---\ntitle: Home\nsalary: 100\ncomp:\n  base: 5\n  Salary: 6\nhistory:\n  - {year: 2025, rate: 7}\n"
        "owner: \"[[Hidden|the boss]]\"\nlead: \"[[People/Ana Ruiz]]\"\n---\n"
        "# Home\n\n"
        "See [[People/Ana Ruiz]], [[People/Ana Ruiz#Contact details|her contact]] and [[#Later]].\n"
        "A [markdown link](People/Ana%20Ruiz.md) and [the web](https://example.org/a_b).\n"
        "Secret [[Hidden]] and [[Hidden|words]]; missing [[Nowhere]].\n"
        "%% a comment %% kept <!-- an html comment --> text\n"
        "<!--\nmulti-line html comment\n-->\n"
        "pay:: 12\n"
        "- [ ] task with [salary:: 900] and (rate:: 5) done\n"
        "<span onclick=\"steal()\" title=\"t\">hi</span><script>alert(1)</script> "
        "<a href=\"javascript:alert(1)\">x</a>\n"
        "`[[Not a link]]` stays code.\n\n"
        "```python\n[[Not a link either]]\n```\n\n"
        "![[People/Ana Ruiz#Contact details]]\n\n"
        "![[Hidden]]\n\n"
        "![[chart.png|300]]\n\n"
        "Inline: `= this.title`\n\n"
        "```dataviewjs\ndv.list([1])\n```\n\n"
        "```dataview\nTABLE role FROM \"People\" SORT file.name\n```\n\n"
        "Attendees:\n- one\n  - two\n\n"
        "## Later\n\n![[#Later]]\n"
    ),
    "People/Ana Ruiz.md": (
        "---\nrole: Engineer\n---\n# Ana Ruiz\n\nIntro.\n\n## Contact details\n\nAsk on chat. "
        "Back to [[Home]].\n\n## Other\n\nNot embedded.\n"
    ),
    "Hidden.md": "---\npublish: false\n---\nhidden-body\n",
    "Bases.md": (
        "# Bases\n\n```base\nfilters: 'file.inFolder(\"People\")'\nviews:\n  - type: table\n    name: Staff\n"
        "    order: [file.name, role]\n```\n\n![[Team.base]]\n\nSee [[Team.base]].\n"
    ),
    "Team.base": (
        "filters: 'file.inFolder(\"People\")'\nviews:\n  - type: list\n    name: Everyone\n    order: [file.name, role]\n"
    ),
    "chart.png": b"\x89PNG\r\n\x1a\nfake",
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("rules")
    vault = write_vault(root / "vault", VAULT)
    config = root / "mkdocs.yml"
    config.write_text(f"site_name: x\ndocs_dir: {vault}\nplugins:\n  - vault:\n      private_keys: [salary, rate, pay]\n"
                      "      today: '2026-01-10'\n", encoding="utf-8")
    out = root / "out"
    cli = Path(sys.executable).with_name("mkdocs-vault")
    result = subprocess.run([str(cli), "export", str(out), "-f", str(config)], capture_output=True, text=True,
                            check=False, timeout=300)
    assert result.returncode == 0, result.stderr
    return out


def home(exported: Path) -> str:
    return (exported / "Home.md").read_text(encoding="utf-8")


def test_only_published_notes_and_used_attachments(exported: Path):
    files = sorted(p.relative_to(exported).as_posix() for p in exported.rglob("*") if p.is_file())
    assert "Hidden.md" not in files and "People/Ana Ruiz.md" in files and "chart.png" in files
    assert "hidden-body" not in "".join(p.read_text(errors="replace") for p in exported.rglob("*.md"))


def test_frontmatter_keeps_public_keys_only(exported: Path):
    front = home(exported).split("---\n")[1]
    assert "salary" not in front.lower() and "rate" not in front
    assert "base: 5" in front and "year: 2025" in front
    assert "owner: the boss" in front  # a link to an unpublished note: its shown words
    assert "lead: '[[People/Ana Ruiz]]'" in front


def test_links_become_relative_markdown_links(exported: Path):
    text = home(exported)
    assert "See [People/Ana Ruiz](People/Ana%20Ruiz.md)," in text
    assert "[her contact](People/Ana%20Ruiz.md#contact-details)" in text
    assert "[Later](#later)" in text
    assert "A [markdown link](People/Ana%20Ruiz.md) and [the web](https://example.org/a_b)." in text
    assert "Secret Hidden and words; missing Nowhere." in text
    back = (exported / "People/Ana Ruiz.md").read_text(encoding="utf-8")
    assert "Back to [Home](../Home.md)." in back


def test_comments_private_fields_and_html(exported: Path):
    text = home(exported)
    assert "comment" not in text
    assert " kept  text" in text
    assert "pay::" not in text and "12" not in text.split("## Later")[0].split("Inline")[0].split("---")[-1]
    assert "- [ ] task with and done" in text
    assert "<span title=\"t\">hi</span>" in text
    assert "onclick" not in text and "script" not in text and "alert" not in text
    assert "<a rel=\"noopener noreferrer\">x</a>" in text


def test_code_is_left_alone(exported: Path):
    text = home(exported)
    assert "`[[Not a link]]` stays code." in text
    assert "```python\n[[Not a link either]]\n```" in text


def test_embeds(exported: Path):
    text = home(exported)
    # The section only, its own links rewritten for the embedding file.
    assert "## Contact details\n\nAsk on chat. Back to [Home](Home.md).\n" in text
    assert "Not embedded" not in text and "Intro." not in text
    assert "*This embedded content is not published.*" in text
    assert "![chart.png](chart.png)" in text
    # A section embedding itself: shown once, and the embed inside it, a real cycle, is a link.
    assert text.split("## Later", 1)[1] == "\n\n## Later\n\n[Later](#later)\n\n\n"


def test_queries_become_results(exported: Path):
    text = home(exported)
    assert "Inline: Home" in text
    assert "*(dataviewjs block: JavaScript queries are not run)*" in text
    assert "| File (1) | role |\n| --- | --- |\n| [Ana Ruiz](People/Ana%20Ruiz.md) | Engineer |" in text


def test_generated_pages(exported: Path):
    tasks = (exported / "vault-pages/tasks.md").read_text(encoding="utf-8")
    assert "## [Home](../Home.md)" in tasks and "- [ ] task with" in tasks and "900" not in tasks
    index = (exported / "index.md").read_text(encoding="utf-8")
    assert "[Directory](vault-pages/directory.md)" in index


def test_bases_become_their_views(exported: Path):
    text = (exported / "Bases.md").read_text(encoding="utf-8")
    assert "#### Staff (1)\n\n| name | role |\n| --- | --- |\n| [Ana Ruiz.md](People/Ana%20Ruiz.md) | Engineer |" in text
    assert "#### Everyone (1)\n\n- [Ana Ruiz.md](People/Ana%20Ruiz.md), Engineer" in text
    assert "See [Team.base](Team.base.md)." in text
    assert "```base" not in text
    assert not (exported / "Team.base").exists()  # the YAML is never copied
    page = (exported / "Team.base.md").read_text(encoding="utf-8")
    assert page.startswith("# Team\n\n#### Everyone (1)")


def test_block_structure_as_commonmark_reads_it(exported: Path):
    # A list right under a line of text, nested by two spaces: Python-Markdown hosts need the blank
    # line and four spaces to build what CommonMark (and Obsidian) build.
    assert "Attendees:\n\n- one\n    - two\n" in home(exported)
