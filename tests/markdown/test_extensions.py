"""Unit tests for the Obsidian-flavoured Markdown extensions, beyond the golden files."""

from __future__ import annotations

import re

import markdown
import pytest
from mkdocs_vault.markdown.callouts import CALLOUT_TYPES
from mkdocs_vault.markdown.comments import strip_comments
from mkdocs_vault.markdown.site_config import build_markdown, markdown_config


def render(source: str, **kwargs) -> str:
    return build_markdown(markdown_config(tag_url=lambda t: f"/tags/{t}/", **kwargs)).convert(source)


# -- comments ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "kept"),
    [
        (["a %%b%% c"], ["a  c"]),
        (["%%%%x"], ["x"]),
        (["a %%b", "c", "d%% e"], ["a ", " e"]),
        (["a", "%% b", "c"], ["a"]),
        (["%%", "```", "secret", "```", "%%", "after"], ["after"]),
        (["```", "%% kept %%", "```"], ["```", "%% kept %%", "```"]),
        (
            ["~~~~", "%% kept %%", "~~~", "still code %%x%%", "~~~~"],
            ["~~~~", "%% kept %%", "~~~", "still code %%x%%", "~~~~"],
        ),
        (["```", "%% unclosed fence is not code %%"], ["```"]),
        (["`%%` x %%y%%"], ["`%%` x "]),
        (["``a %% b`` c %%d%%"], ["``a %% b`` c "]),
        (["` %%secret%%"], ["` "]),
        (["> ```", "> %% kept %%", "> ```"], ["> ```", "> %% kept %%", "> ```"]),
        (["> quote %%secret%%"], ["> quote "]),
        (["| a %%x%% | b |"], ["| a  | b |"]),
        (["%% `code` inside comment %% after"], [" after"]),
        (["text `code %%", "%% after"], ["text `code ", " after"]),  # no closing backtick: not code
        # HTML comments, as Obsidian hides them (CommonMark: `<!-->` and `<!--->` are whole comments)
        (["a <!-- b --> c"], ["a  c"]),
        (["a <!-- b", "c", "d --> e"], ["a ", " e"]),
        (["<!--", "```", "secret", "```", "-->", "after"], ["after"]),
        (["```", "<!-- kept -->", "```"], ["```", "<!-- kept -->", "```"]),
        (["`<!--` x <!--y-->"], ["`<!--` x "]),
        (["a <!--> b", "<!---> c"], ["a  b", " c"]),
        (["%% <!-- %% after"], [" after"]),  # inside a %% comment, `<!--` opens nothing
        (["<!-- %% --> after"], [" after"]),
        (["a <!-- b %% c", "d --> e"], ["a ", " e"]),
    ],
)
def test_strip_comments(lines: list[str], kept: list[str]) -> None:
    assert strip_comments(lines) == kept


@pytest.mark.parametrize(
    "source",
    [
        "- item %%SECRET%%\n- other",
        "# Heading %%SECRET%%",
        "> [!note] Title %%SECRET%%\n> body",
        "| a | b |\n|---|---|\n| %%SECRET%% | x |",
        "Text\n\n%%\nSECRET\n\n\nSECRET\n%%\n\nMore",
        "[[Note|alias %%SECRET%%]]",
        "%%SECRET",
        "<div>%%SECRET%%</div>",
        "Text <!-- SECRET --> more",
        "<!--\nSECRET\n\nSECRET\n-->\n\nMore",
        "- [ ] task <!-- SECRET -->",
        "<div><!-- SECRET --></div>",
    ],
)
def test_comments_never_reach_output(source: str) -> None:
    assert "SECRET" not in render(source)


# -- tags --------------------------------------------------------------------------------------------


def tags_in(html: str) -> list[str]:
    return re.findall(r'class="md-tag vault-tag" href="/tags/([^"]*)/"', html)


@pytest.mark.parametrize(
    ("source", "tags"),
    [
        ("#tag", ["tag"]),
        ("#nested/tag/deep", ["nested/tag/deep"]),
        ("#a1 #1a #y1984", ["a1", "1a", "y1984"]),
        ("#123 #2025/10 #- #/", []),
        ("#2025-10", ["2025-10"]),
        ("C# and F# and x#y", []),
        ("see https://example.com/page#frag and example.com/#x", []),
        ("`#code` and ``#code``", []),
        ("[see #inlink](https://x.y) <https://x.y/#auto>", []),
        ("&#35; &#x23;", []),
        ("(#paren) [#bracket] {#brace}", ["paren", "bracket", "brace"]),
        ("#tag, #other; #end.", ["tag", "other", "end"]),
        ("#Ünïcode #日本語", ["Ünïcode", "日本語"]),
        ("**#bold** _#em_ ==#mark==", ["bold", "em", "mark"]),
        ("trailing/ #slash/", ["slash"]),
    ],
)
def test_tags(source: str, tags: list[str]) -> None:
    assert tags_in(render(source)) == tags


def test_hash_without_space_is_not_a_heading() -> None:
    html = render("#tag line\n\n# Heading\n\n##also-tag\n\n###### Six ######")
    assert "<h1" in html and html.count("<h1") == 1
    assert "<h6" in html and "Six" in html
    assert tags_in(html) == ["tag"]  # `##also-tag` is neither a tag nor a heading in Obsidian


def test_tags_without_url_are_spans() -> None:
    html = build_markdown(markdown_config()).convert("a #tag")
    assert '<span class="vault-tag">#tag</span>' in html


# -- callouts ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(CALLOUT_TYPES))
def test_every_callout_type(kind: str) -> None:
    html = render(f"> [!{kind}]\n> body")
    cls = CALLOUT_TYPES[kind]
    assert f'<div class="admonition {cls}" data-callout="{kind}">' in html
    assert f'<p class="admonition-title">{kind[0].upper() + kind[1:]}</p>' in html


def test_callout_material_classes_exist() -> None:
    material = {
        "note",
        "abstract",
        "info",
        "tip",
        "success",
        "question",
        "warning",
        "failure",
        "danger",
        "bug",
        "example",
        "quote",
    }
    assert set(CALLOUT_TYPES.values()) <= material


def test_deeply_nested_callouts() -> None:
    depth = 60
    lines = []
    for level in range(depth):
        lines.append("> " * (level + 1) + f"[!note] Level {level}")
        lines.append("> " * (level + 1) + f"text {level}")
    html = render("\n".join(lines))
    assert html.count('<div class="admonition note"') == depth
    assert "[!note]" not in html


def test_callout_with_table_and_code() -> None:
    html = render("> [!example] Data\n> | a | b |\n> |---|---|\n> | 1 | 2 |\n>\n> ```\n> code [!x]\n> ```")
    assert "<table>" in html and "<code>code [!x]" in html


def test_callout_title_only_and_empty_title() -> None:
    html = render("> [!tip]-\n> hidden")
    assert '<details class="tip" data-callout="tip">\n<summary>Tip</summary>' in html


def test_not_a_callout() -> None:
    html = render("> [!not closed\n> text\n\n> text [!note] later")
    assert "admonition" not in html and html.count("<blockquote>") == 2


# -- highlight, tasks, line breaks -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "marks"),
    [
        ("==a==", ["a"]),
        ("==a b== and ==c==", ["a b", "c"]),
        ("== a ==", []),
        ("a == b", []),
        ("`==x==`", []),
        ("x==y==z", ["y"]),
    ],
)
def test_highlight(source: str, marks: list[str]) -> None:
    assert re.findall(r"<mark>(.*?)</mark>", render(source)) == marks


def test_task_statuses_in_callout_and_nested() -> None:
    html = render("> [!todo] Work\n> - [/] doing\n>     - [>] later\n> - [-] dropped")
    assert re.findall(r'data-task="([^"]*)"', html) == ["/", "&gt;", "-"]


def test_line_breaks_option() -> None:
    assert "<br />" in render("a\nb", line_breaks=True)
    assert "<br />" not in render("a\nb")


def test_extensions_work_standalone() -> None:
    # Each module loads by name in any Python-Markdown host.
    html = markdown.markdown(
        "> [!note]\n> ==x== #t %%c%%\n\n- [/] y",
        extensions=[
            "mkdocs_vault.markdown.callouts",
            "mkdocs_vault.markdown.highlight",
            "mkdocs_vault.markdown.comments",
            "mkdocs_vault.markdown.tags",
            "mkdocs_vault.markdown.tasks",
        ],
    )
    assert 'class="admonition note"' in html and "<mark>x</mark>" in html
    assert '<span class="vault-tag">#t</span>' in html and "%%" not in html and 'data-task="/"' in html


def test_lines_without_a_comment_mark_are_not_read_one_by_one(monkeypatch) -> None:
    from mkdocs_vault.markdown import comments

    read: list[str] = []
    original = comments._strip_line
    monkeypatch.setattr(comments, "_strip_line", lambda line, in_comment: read.append(line) or original(line, in_comment))
    lines = ["# Title", "", "Text with `code` and 50% off", "```", "<!- not one", "```", "- item"]
    assert comments.strip_comments(lines) == lines
    assert read == []
    assert comments.strip_comments(["a %%hidden%% b", "c"]) == ["a  b", "c"]
    assert read == ["a %%hidden%% b", "c"]
