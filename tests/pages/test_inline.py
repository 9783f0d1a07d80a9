"""Snippets of note text as HTML: links by publish state, escaping, comments and private fields."""

from __future__ import annotations

from mkdocs_vault.pages.inline import InlineRenderer, field_pattern, strip_html, without_comments

URLS = {"People/Ada.md": "people/ada/", "Projects/Apollo.md": "projects/apollo/"}


def link_state(target: str, source: str) -> tuple[str | None, str]:
    table = {
        "Ada": ("People/Ada.md", "resolved"),
        "Apollo": ("Projects/Apollo.md", "resolved"),
        "Secret": (None, "unpublished"),
    }
    name = target.rsplit("/", 1)[-1].removesuffix(".md")  # as the resolver finds `../People/Ada.md`
    return table.get(name, (None, "unresolved"))


def renderer(page_url: str = "meetings/kickoff/", private: list[str] | None = None) -> InlineRenderer:
    return InlineRenderer(link_state, URLS.get, "Meetings/Kickoff.md", page_url, field_pattern(private or []))


def test_links_by_state() -> None:
    out = renderer().text("[[Ada|our Ada]] met [[Secret|the secret one]] and [[Nobody]]")
    assert '<a class="vault-link" href="../../people/ada/">our Ada</a>' in out
    assert "the secret one" in out and "Secret" not in out.replace("secret one", "")
    assert '<span class="vault-unresolved">Nobody</span>' in out


def test_heading_subpath_and_markdown_link() -> None:
    out = renderer().text("see [[Apollo#Next Steps]] and [the owner](../People/Ada.md)")
    assert 'href="../../projects/apollo/#next-steps">Apollo &gt; Next Steps</a>' in out
    assert 'href="../../people/ada/">the owner</a>' in out


def test_embeds_and_links_side_by_side() -> None:
    # Wikilinks and Markdown links share the pattern's `!?[` start; an embed's size is no label.
    out = renderer().text(
        "![[Ada|300]] ![pic](../People/Ada.md) [[Apollo]][x](../Projects/Apollo.md) **[[Ada]]**"
    )
    assert out == (
        '<a class="vault-link" href="../../people/ada/">Ada</a> '
        '<a class="vault-link" href="../../people/ada/">pic</a> '
        '<a class="vault-link" href="../../projects/apollo/">Apollo</a>'
        '<a class="vault-link" href="../../projects/apollo/">x</a> '
        '<a class="vault-link" href="../../people/ada/">Ada</a>'
    )


def test_text_without_links_or_marks_is_only_escaped() -> None:
    assert renderer().text("  a <b>bold</b> & plain line  ") == "a bold &amp; plain line"
    assert renderer().text("a <b> & * x", markup=False) == "a &lt;b&gt; &amp; * x"


def test_external_links_only_for_safe_schemes() -> None:
    out = renderer().text("[site](https://example.org/x) and [bad](javascript:alert(1))")
    assert '<a class="vault-external" href="https://example.org/x" rel="noopener">site</a>' in out
    assert "javascript" not in out or 'href="javascript' not in out


def test_everything_else_is_escaped() -> None:
    out = renderer().text('<img src=x onerror=alert(1)> & "quotes" [[Ada]]', markup=False)
    assert "<img" not in out and "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "&amp; &quot;quotes&quot;" in out


def test_comments_and_private_fields_are_removed() -> None:
    r = renderer(private=["salary"])
    assert r.text("visible %%hidden%% text [salary:: 100] (salary:: 5) end") == "visible  text   end"
    assert r.text("salary:: 100000") == ""
    assert without_comments("a %%x\ny%% b\nc") == "a \n b\nc"


def test_context_marks_the_target_and_flattens_table_rows() -> None:
    r = renderer()
    out = r.context("- [ ] call **[[Ada]]** about [[Apollo]] ^block-1", "People/Ada.md")
    assert out == (
        'call <strong><mark><a class="vault-link" href="../../people/ada/">Ada</a></mark></strong> about '
        '<a class="vault-link" href="../../projects/apollo/">Apollo</a>'
    )
    row = r.context("| [[Ada\\|A]] | Owner | Nimbus |", "People/Ada.md")
    assert strip_html(row) == "A · Owner · Nimbus"


def test_long_lines_are_cut_around_the_link() -> None:
    out = renderer().context("word " * 200 + "[[Ada]] tail", "People/Ada.md", limit=120)
    assert (
        "<mark>" in out and out.startswith("…word ") and out.endswith(" tail") and len(strip_html(out)) < 200
    )
    out = renderer().context("word " * 200 + "[[Ada]]" + " more" * 100, "People/Ada.md", limit=120)
    assert out.endswith(" more…") and len(strip_html(out)) < 200


def test_a_long_line_is_cut_between_words_never_inside_a_link_or_code() -> None:
    # The limit falls inside a link, a code span or a placeholder: the cut moves to the word gap before.
    lead = "See [[Ada]]. The onboarding guide lists the benefits of "
    for token in (
        "[[Apollo#Launch plan and the rest of it]]",
        "`a code span that runs on`",
        "{{a template value}}",
    ):
        line = lead + token + " after" * 40
        out = renderer().context(line, "People/Ada.md", limit=len(lead) + 10)
        text = strip_html(out)
        assert text.endswith("benefits of…"), text
        assert "[[" not in text and "`" not in text and "{{" not in text
    # A code span longer than the limit is left out whole, never cut open.
    out = renderer().context("[[Ada]] " + "`" + "x" * 300 + "` end", "People/Ada.md", limit=40)
    assert strip_html(out) == "Ada…"


def test_context_renders_inline_markdown_and_drops_callout_markers() -> None:
    r = renderer()
    out = r.context("> [!info] Ask **[[Ada]]** about `deploy` and ==the *new* plan==", "People/Ada.md")
    assert out == (
        'Ask <strong><mark><a class="vault-link" href="../../people/ada/">Ada</a></mark></strong> '
        "about <code>deploy</code> and <mark>the <em>new</em> plan</mark>"
    )
    # Marks cut apart by the limit leave no stray `**` behind.
    assert "**" not in r.context("**bold [[Ada]] " + "x " * 200 + "end**", "People/Ada.md", limit=60)


def test_inline_fields_read_as_key_and_value() -> None:
    from mkdocs_vault.pages.inline import readable_fields

    assert (
        readable_fields("Call [owner:: [[Ada]]] soon (energy:: low)")
        == "Call owner: [[Ada]] soon energy: low"
    )
    out = renderer().context("- [ ] Call [owner:: [[Ada]]]", "People/Ada.md")
    assert out == 'Call owner: <mark><a class="vault-link" href="../../people/ada/">Ada</a></mark>'


def test_context_targets_are_the_links_context_renders() -> None:
    """`context_targets` (which notes a backlink's line shows links to, `mentions.quotes`) must name
    exactly the targets `context` asks the link state of, whatever the line holds: links of each kind,
    code marks, comments, private fields, table cells, a block id, a line cut at its limit."""
    import random

    pieces = [
        "[[Ada]]",
        "![[Ada|300]]",
        "[[Apollo#Next]]",
        "[[#Here]]",
        "[x](../People/Ada.md)",
        "[y](https://a.b)",
        "[z](<Secret.md>)",
        "`[[Secret]]`",
        "%%[[Ada]]%%",
        "<!-- [[Apollo]] -->",
        "[rate:: [[Secret]]]",
        "(owner:: [[Ada]])",
        " | ",
        "\\|",
        " ^block-1",
        "- [ ] ",
        "> ",
        "# ",
        "words ",
        "x" * 90,
        "[[",
        "]]",
    ]
    rnd = random.Random(9)
    for _ in range(3000):
        line = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 8)))
        asked: list[str] = []

        def recording(target: str, source: str, asked: list[str] = asked) -> tuple[str | None, str]:
            asked.append(target)
            return link_state(target, source)

        inline = InlineRenderer(recording, URLS.get, "Meetings/Kickoff.md", "", field_pattern(["rate"]))
        inline.context(line, "People/Ada.md")
        assert inline.context_targets(line) == asked, line


def test_note_lines_give_each_line_and_keep_them_as_one_string() -> None:
    """`NoteLines.line` is line n of the note's comment-free text as `splitlines` cuts it (any line break,
    "" past either end), and what it keeps for a note is about the note's size: not a string object
    per line, which is what made the quoted lines 36 MB at 10,000 notes."""
    import sys
    import tracemalloc

    from mkdocs_vault.pages.mentions import NoteLines
    from mkdocs_vault.vault.model import Note

    texts = {"a.md": "one\ntwo\r\nthree\x0cfour\u2028five\n\nsix %%c%% x\n", "b.md": "", "c.md": "x"}
    lines = NoteLines({p: Note(path=p, body=t) for p, t in texts.items()})
    for path, text in texts.items():
        expected = without_comments(text).splitlines()
        assert [lines.line(path, n) for n in range(-1, len(expected) + 2)] == ["", *expected, "", ""]
    many = {f"{n}.md": Note(path=f"{n}.md", body="- a short line\n" * 200) for n in range(50)}
    kept = NoteLines(many)
    tracemalloc.start()
    for path in many:
        kept.line(path, 3)
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    as_strings = 50 * 200 * sys.getsizeof("- a short line")  # (the lines alone, without their lists)
    assert held < as_strings / 2


def test_note_lines_keep_only_the_lines_mentions_quote() -> None:
    """Given the site's mentions, `NoteLines` keeps of each linking note only the lines a mention quotes
    (at 10,000 notes the whole texts kept for the footers were 41 MB when the site was written), and
    still gives any line asked for, as `splitlines` cuts the comment-free text."""
    import sys
    import tracemalloc

    from mkdocs_vault.pages.data import Mention
    from mkdocs_vault.pages.mentions import NoteLines
    from mkdocs_vault.vault.model import Note

    body = "".join(f"- line {n} with a date 📅 2026-11-{n % 28 + 1:02d}\n" for n in range(200))
    notes = {f"{n}.md": Note(path=f"{n}.md", body=body + "- [[T]] é 📅 today\n") for n in range(50)}
    mentions = {"T.md": [Mention(path, 200, "body", None) for path in notes] + [Mention("0.md", 0, "frontmatter", "up")]}
    lines = NoteLines(notes, lambda: mentions)
    tracemalloc.start()
    for path in notes:
        assert lines.line(path, 200) == "- [[T]] é 📅 today"
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert held < 50 * sys.getsizeof(body) / 10  # (the whole texts kept: 1.5 MB)
    expected = without_comments(notes["3.md"].text).splitlines()
    assert [lines.line("3.md", n) for n in (-1, 0, 5, 199, 200, 201)] == ["", expected[0], expected[5], expected[199], expected[200], ""]
    assert lines.line("missing.md", 0) == ""
