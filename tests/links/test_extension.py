"""The links extension end to end: placeholders while rendering, real links after `fix_links`."""

from __future__ import annotations

import re
import unicodedata

import pytest
from markdown.serializers import to_html_string
from mkdocs_vault.links.extension import fix_links, forget_fixed_links, link_placeholder, relative_url


def hrefs(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<a class="vault-link" href="([^"]*)">(.*?)</a>', page)


def test_plain_alias_and_heading_links(site) -> None:
    s = site(
        {
            "Home.md": "[[Ada Quill]] [[Ada Quill|Ada]] [[ada quill.md]] [[Ada Quill#Contact details]] "
            "[[Ada Quill#Contact details|call her]]",
            "People/Ada Quill.md": "# Ada\n\n## Contact details\n\ntext\n",
        }
    )
    assert hrefs(s.page("Home.md")) == [
        ("people/ada-quill/", "Ada Quill"),
        ("people/ada-quill/", "Ada"),
        ("people/ada-quill/", "ada quill"),
        ("people/ada-quill/#contact-details", "Ada Quill &gt; Contact details"),
        ("people/ada-quill/#contact-details", "call her"),
    ]
    assert s.reports == []


def test_heading_anchor_equals_built_id(site) -> None:
    target = (
        "# Plan\n\n## Q&A: what's next?\n\n## 🚀 Launch, v2!\n\n## Summary\n\n### Details\n\n"
        "## Summary\n\n### Details\n\n## Café & Crème\n"
    )
    s = site(
        {
            "Home.md": "[[Plan#Q&A: what's next?]] [[Plan#🚀 Launch, v2!]] [[Plan#Summary]] "
            "[[Plan#Summary#Details]] [[Plan#Details]] [[Plan#café & crème]] [[Plan#summary_1]]",
            "Plan.md": target,
        }
    )
    pages = s.render_all()
    ids = re.findall(r'<h\d id="([^"]+)"', pages["Plan.md"])
    got = [h for h, _ in hrefs(pages["Home.md"])]
    assert got == [
        "plan/#qa-whats-next",
        "plan/#-launch-v2",
        "plan/#summary",
        "plan/#details",
        "plan/#details",
        "plan/#café--crème",
        "plan/#summary_1",
    ]
    for href in got:
        assert href.split("#")[1] in ids


def test_subheading_under_its_heading(site) -> None:
    s = site(
        {
            "Home.md": "[[Plan#Second#Details]]",
            "Plan.md": "## First\n\n### Details\n\n## Second\n\n### Details\n",
        }
    )
    assert hrefs(s.page("Home.md")) == [("plan/#details_1", "Plan &gt; Second &gt; Details")]


def test_missing_heading_links_to_page_and_reports(site) -> None:
    s = site({"Home.md": "intro\n\n[[Plan#Nowhere]]", "Plan.md": "## Here\n"})
    assert hrefs(s.page("Home.md")) == [("plan/", "Plan &gt; Nowhere")]
    assert [(r[0], r[1], r[2]) for r in s.reports] == [("Home.md", 3, "missing-section")]


def test_same_page_heading_and_block_links(site) -> None:
    s = site(
        {
            "Home.md": "# Home\n\n[[#This is a header]] [[#^dda637]]\n\n## This is a header\n\n"
            "This is a block ^dda637\n\n- item one ^li-1\n- item two\n"
        }
    )
    page = s.page("Home.md")
    assert hrefs(page) == [("#this-is-a-header", "This is a header"), ("#^dda637", "^dda637")]
    assert '<p id="^dda637">This is a block</p>' in page
    assert '<li id="^li-1">item one</li>' in page
    assert "^li-1" not in page.replace('id="^li-1"', "")


def test_block_link_to_other_note(site) -> None:
    s = site(
        {
            "Home.md": "[[Plan#^abc]] [[Plan#^missing]]",
            "Plan.md": "para ^abc\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n^tbl\n\n> quote\n\n^q1\n",
        }
    )
    pages = s.render_all()
    assert hrefs(pages["Home.md"]) == [("plan/#^abc", "Plan &gt; ^abc"), ("plan/", "Plan &gt; ^missing")]
    assert '<table id="^tbl">' in pages["Plan.md"]
    assert '<blockquote id="^q1">' in pages["Plan.md"]
    assert "^tbl</p>" not in pages["Plan.md"]


def test_unresolved_is_visible_and_reported_once(site) -> None:
    body = "x\n[[Nowhere]] and [[Nowhere]] again\n[[Nowhere|shown]]\n![[Nowhere.png]]"
    s = site({"Home.md": body}, body_lines={"Home.md": 4})
    page = s.page("Home.md")
    assert page.count('<span class="vault-unresolved" title="Unresolved link: Nowhere">Nowhere</span>') == 2
    assert '<span class="vault-unresolved" title="Unresolved link: Nowhere">shown</span>' in page
    assert "Nowhere.png" in page and "<img" not in page
    kinds = [(r[0], r[1], r[2]) for r in s.reports]
    # body starts on file line 4 (0-based): body line 1 is file line 6, 1-based
    assert kinds == [
        ("Home.md", 6, "unresolved-link"),
        ("Home.md", 7, "unresolved-link"),
        ("Home.md", 8, "unresolved-link"),
    ]


@pytest.mark.parametrize(
    "link",
    [
        "[[../../etc/passwd]]",
        "![[../../etc/passwd]]",
        "[[/etc/passwd]]",
        "[x](../../etc/passwd.md)",
        "[[C:\\Windows]]",
    ],
)
def test_links_cannot_leave_the_vault(site, link: str) -> None:
    s = site({"Notes/Home.md": link, "passwd.md": "secret-ish", "etc/Other.md": "x"})
    page = s.page("Notes/Home.md")
    assert "vault-unresolved" in page
    assert "passwd/" not in page and "<img" not in page
    assert s.reports and s.reports[0][2] == "unresolved-link"


def test_unpublished_target_leaves_only_own_words(site) -> None:
    s = site(
        {
            "Home.md": "[[Salaries]] [[Salaries|pay grid]] [[Salaries#Top secret]] ![[Salaries]] "
            "[md words](Salaries.md) ![[Salaries#Top secret]]",
            "Salaries.md": "# CANARY-title\n\n## Top secret\n\nCANARY-body",
        },
        unpublished={"Salaries.md"},
    )
    page = s.page("Home.md")
    assert "CANARY" not in page
    assert "salaries/" not in page.lower()
    assert "vault-link" not in page and "<a " not in page
    assert "Salaries pay grid Salaries &gt; Top secret" in page
    assert "md words" in page
    assert page.count("This embedded content is not published.") == 2
    assert {r[2] for r in s.reports} == {"unpublished-link"}


def test_table_escaped_pipe_alias(site) -> None:
    s = site(
        {
            "Home.md": "| who | what |\n|---|---|\n| [[Ada Quill\\|the boss]] | [[Ada Quill#Role\\|role]] |\n",
            "Ada Quill.md": "## Role\n",
        }
    )
    page = s.page("Home.md")
    assert hrefs(page) == [("ada-quill/", "the boss"), ("ada-quill/#role", "role")]
    assert page.count("<td>") == 2


def test_code_and_math_untouched(site) -> None:
    body = (
        "`[[Ada]]` and $[[Ada]]$\n\n```\n[[Ada]] ![[Ada]]\n```\n\n    [[Ada]] indented\n\n$$\n[[Ada]]\n$$\n"
    )
    s = site({"Home.md": body, "Ada.md": "x"})
    page = s.page("Home.md")
    assert "vault-link" not in page
    assert page.count("[[Ada]]") == 6  # `![[Ada]]` holds one too
    assert s.reports == []


def test_markdown_links(site) -> None:
    s = site(
        {
            "Projects/Home.md": "[a](Note%20Name.md) [b](<Note Name.md>) [c](../People/Ada%20Quill.md#Contact) "
            "[d](Note%20Name.md#^blk) [e](https://example.com/x.md) [f](Missing.md) [g](style.css) "
            "[h](#Local heading)\n\n## Local heading\n",
            "Projects/Note Name.md": "para ^blk",
            "People/Ada Quill.md": "## Contact\n",
        }
    )
    page = s.page("Projects/Home.md")
    assert hrefs(page) == [
        ("../note-name/", "a"),
        ("../note-name/", "b"),
        ("../../people/ada-quill/#contact", "c"),
        ("../note-name/#^blk", "d"),
        ("#local-heading", "h"),
    ]
    assert '<a href="https://example.com/x.md">e</a>' in page
    assert '<span class="vault-unresolved" title="Unresolved link: Missing.md">f</span>' in page
    assert '<a href="style.css">g</a>' in page


@pytest.mark.parametrize(
    "name",
    [
        "2025-10-06 - Kickoff, pricing & scope",
        "Bob's retro (draft)",
        "Café Crème",
        "🚀 Launch plan",
        "Q&A, notes; more",
        "Ünïcødé ñame",
    ],
)
def test_tricky_names(site, name: str) -> None:
    s = site({"Home.md": f"[[{name}]] [[{name}|alias]]", f"Meetings/{name}.md": "x"})
    got = hrefs(s.page("Home.md"))
    assert len(got) == 2
    assert got[0][1].replace("&amp;", "&").replace("&#x27;", "'") == name
    assert got[1][1] == "alias"
    assert s.reports == []


def test_nfd_file_name_with_nfc_link(site) -> None:
    nfd = unicodedata.normalize("NFD", "Nöte with 'quotes'.md")
    s = site({"Link.md": unicodedata.normalize("NFC", "[[Nöte with 'quotes']]"), nfd: "x"})
    assert len(hrefs(s.page("Link.md"))) == 1


def test_ambiguous_name_reports_candidates(site) -> None:
    s = site({"Home.md": "[[Twin]]", "Aa/Twin.md": "a", "Bb/Twin.md": "b"})
    assert hrefs(s.page("Home.md")) == [("aa/twin/", "Twin")]
    assert s.reports[0][2] == "ambiguous-link"
    assert "Aa/Twin.md" in s.reports[0][3] and "Bb/Twin.md" in s.reports[0][3]


def test_alias_reaches_note(site) -> None:
    s = site({"Home.md": "[[AQ]]", "People/Ada Quill.md": "x"}, aliases={"People/Ada Quill.md": ["AQ"]})
    assert hrefs(s.page("Home.md")) == [("people/ada-quill/", "AQ")]


def test_alias_with_formatting(site) -> None:
    s = site({"Home.md": "[[foo|Example **bold**, *italic*]]", "foo.md": "x"})
    assert '<a class="vault-link" href="foo/">Example <strong>bold</strong>, <em>italic</em></a>' in s.page(
        "Home.md"
    )


def test_attachment_link_and_pdf_page(site) -> None:
    s = site({"Notes/Home.md": "[[report.pdf]] [[report.pdf#page=3|p3]]"}, attachments=["Files/report.pdf"])
    assert hrefs(s.page("Notes/Home.md")) == [
        ("../../files/report.pdf", "report.pdf"),
        ("../../files/report.pdf#page=3", "p3"),
    ]


# -- embeds ------------------------------------------------------------------------------------------


def test_note_embed_links_resolve_from_embedded_note(site) -> None:
    s = site(
        {
            "Home.md": "intro\n\n![[Deep/Embedded]]\n",
            "Deep/Embedded.md": "Embedded text with [[Sibling]] and [[#Local]].\n\n## Local\n",
            "Deep/Sibling.md": "deep sibling",
            "Other/Sibling.md": "other sibling",
        }
    )
    page = s.page("Home.md")
    assert '<div class="vault-embed">' in page
    assert "<p><div" not in page
    assert ("deep/sibling/", "Sibling") in hrefs(page)
    assert ("deep/embedded/#local", "Local") in hrefs(page)
    # embedded headings carry no id (they would clash with the host page's ids)
    assert "<h2>Local</h2>" in page


def test_section_and_block_embeds(site) -> None:
    s = site(
        {
            "Home.md": "![[Plan#Heading]]\n\n![[Plan#^blk]]\n\n![[Plan#^item]]\n\n![[Plan#Nope]]",
            "Plan.md": "# Title\n\nFirst.\n\nHeading\n\n## Heading\n\nSecond.\n\n### Sub\n\n- One\n\n"
            "## Heading\n\nOther.\n\n## After\n\nblock para ^blk\n\n- a\n- b ^item\n",
        }
    )
    page = s.page("Home.md")
    embeds = re.findall(
        r'<div class="vault-embed-content">(.*?)</div>\n<div class="vault-embed-link">', page, re.DOTALL
    )
    assert len(embeds) == 3
    assert "<h2>Heading</h2>" in embeds[0] and "Second." in embeds[0] and "<h3>Sub</h3>" in embeds[0]
    assert "First." not in embeds[0] and "Other." not in embeds[0]
    assert embeds[1].strip() == "<p>block para</p>"
    assert embeds[2].strip() == "<ul>\n<li>b</li>\n</ul>"
    assert "Embedded section not found: Plan#Nope" in page
    assert any(r[2] == "missing-section" for r in s.reports)


def test_embed_cycle_and_self_embed(site) -> None:
    s = site(
        {
            "A.md": "A embeds B\n\n![[B]]",
            "B.md": "B embeds C\n\n![[C]]",
            "C.md": "C embeds A\n\n![[A]]\n\nC ends here.",
            "Self.md": "me\n\n![[Self]]",
        }
    )
    pages = s.render_all()
    assert "B embeds C" in pages["A.md"] and "C embeds A" in pages["A.md"] and "C ends here." in pages["A.md"]
    assert pages["A.md"].count("A embeds B") == 1
    assert "Embed stopped" in pages["A.md"]
    assert "Embed stopped" in pages["Self.md"]
    assert any(r[2] == "embed-cycle" for r in s.reports)


def test_embed_depth_limit(site) -> None:
    notes = {f"N{i}.md": f"level {i}\n\n![[N{i + 1}]]" for i in range(10)}
    s = site(notes, max_embed_depth=3)
    page = s.render_all()["N0.md"]
    assert "level 3" in page and "level 4" not in page
    assert "nested too deeply" in page


def test_media_embeds(site) -> None:
    s = site(
        {
            "Notes/Home.md": "![[diagram.png]]\n\n![[diagram.png|300]]\n\n![[diagram.png|300x200]]\n\n"
            "![[diagram.png|A diagram|120]]\n\n![[doc.pdf]]\n\n![[song.mp3]]\n\n![[clip.mp4]]\n\n"
            "![[board.canvas]]\n\n![[Tasks.base]]\n\n![[data.xyz]]\n\n![alt](diagram.png)"
        },
        attachments=[
            "Attachments/diagram.png",
            "doc.pdf",
            "song.mp3",
            "clip.mp4",
            "board.canvas",
            "Tasks.base",
            "data.xyz",
        ],
    )
    page = s.page("Notes/Home.md")
    assert '<img alt="diagram.png" src="../../attachments/diagram.png" loading="lazy" />' in page
    assert 'src="../../attachments/diagram.png" loading="lazy" width="300" />' in page
    assert 'height="200" loading="lazy" width="300"' in page
    assert '<img alt="A diagram" src="../../attachments/diagram.png" loading="lazy" width="120" />' in page
    assert (
        '<iframe class="vault-embed-pdf" src="../../doc.pdf" loading="lazy" title="doc.pdf"></iframe>' in page
    )
    assert (
        '<audio controls="controls" src="../../song.mp3" preload="metadata" title="song.mp3"></audio>' in page
    )
    assert (
        '<video controls="controls" src="../../clip.mp4" preload="metadata" title="clip.mp4"></video>' in page
    )
    for name in ("board.canvas", "Tasks.base", "data.xyz"):
        assert f"Embedded file “{name}” cannot be shown on this site." in page
    assert '<img alt="alt" src="../../attachments/diagram.png" />' in page
    assert "data-vault" not in page


def test_embed_in_blockquote_and_mid_paragraph(site) -> None:
    s = site({"Home.md": "> ![[E]]\n\nbefore ![[E]] after", "E.md": "embedded words"})
    page = s.page("Home.md")
    assert page.count("embedded words") == 2
    assert "<p><div" not in page and "</div></p>" not in page
    assert "<p>before</p>" in page and "<p>after</p>" in page


def test_unclosed_and_invalid_forms_stay_text(site) -> None:
    s = site({"Home.md": "[[unclosed link\n\n![[Not a valid embed.]\n\n[[]] [[ ]] [[|x]]", "x.md": ""})
    page = s.page("Home.md")
    assert "[[unclosed link" in page and "![[Not a valid embed.]" in page
    assert "vault-link" not in page and "vault-unresolved" not in page


def test_templater_leftover_is_unresolved_text(site) -> None:
    s = site({"Home.md": "[[<% tp.date.now() %>]]"})
    page = s.page("Home.md")
    assert "&lt;% tp.date.now() %&gt;" in page and "vault-unresolved" in page


def test_relative_url() -> None:
    assert relative_url("people/ada/", "") == "people/ada/"
    assert relative_url("people/ada/", "projects/x/") == "../../people/ada/"
    assert relative_url("", "projects/x/") == "../../"
    assert relative_url("", "") == "./"
    assert relative_url("projects/x/", "projects/x/") == "./"
    assert relative_url("files/My Report.pdf", "a/") == "../files/My%20Report.pdf"
    assert relative_url("a%20b/", "") == "a%20b/"
    assert relative_url("people/ada.html", "projects/x.html") == "../people/ada.html"


def test_relative_url_is_relpath_for_any_path() -> None:
    # Plain URLs take a short way; anything normalising could change goes through posixpath.relpath.
    import posixpath

    odd = ["", ".", "a", "a/", "a/b/", "a/./b/", "a/../b/", "../a/", "/a/", "a//b/", ".h/", "a/b.c", "x/"]
    for target in odd:
        for page in odd:
            page_dir = page.rpartition("/")[0]
            rel = posixpath.relpath(target or ".", page_dir or ".")
            if target == "" or target.endswith("/"):
                rel = "./" if rel == "." else rel + "/"
            assert relative_url(target, page) == rel, (target, page)


def test_fix_links_leaves_plain_text_when_target_lost(site) -> None:
    s = site({"Home.md": "[[Ada]]", "Ada.md": "x"})
    s.render_all()
    raw = s.rendered["Home.md"]
    s.unpublished.add("Ada.md")  # e.g. the publish state changed between the phases
    assert fix_links(raw, "Home.md", s.ctx) == "<p>Ada</p>"


def test_frontmatter_value_links(site) -> None:
    from mkdocs_vault.links.extension import render_text_with_links

    s = site(
        {"Projects/Apollo.md": "x", "People/Ada Quill.md": "## Role\n", "Private/Pay.md": "CANARY"},
        unpublished={"Private/Pay.md"},
    )
    s.render_all()
    value = "Owner: [[Ada Quill]] (<b>lead</b>), see [[Ada Quill#Role|role]], [[Pay|pay]], [[Nobody]] & co"
    out = render_text_with_links(value, "Projects/Apollo.md", s.ctx, page_path="Projects/Apollo.md")
    assert out == (
        'Owner: <a class="vault-link" href="../../people/ada-quill/">Ada Quill</a> (&lt;b&gt;lead&lt;/b&gt;), '
        'see <a class="vault-link" href="../../people/ada-quill/#role">role</a>, pay, '
        '<span class="vault-unresolved" title="Unresolved link: Nobody">Nobody</span> &amp; co'
    )
    assert s.reports == []
    placeholder = render_text_with_links("[[Ada Quill]]", "Projects/Apollo.md", s.ctx)
    assert placeholder.startswith("<vault-link ")


def test_hostile_names_are_escaped(site) -> None:
    name = 'Eve <img src=x onerror=alert(1)> "q"'
    s = site(
        {
            "Home.md": f"[[{name}]] ![[{name}]] [[Missing <script>alert(1)</script>]] ![[x<svg onload=alert(1)>.png]]",
            f"People/{name}.md": "## <b>h</b>\n",
        }
    )
    page = s.page("Home.md")
    assert "<img src=x" not in page and "<script>" not in page and "<svg" not in page
    assert "Eve &lt;img src=x onerror=alert(1)&gt;" in page


def test_code_and_math_in_shown_text_render_and_code_in_target_is_its_text(site) -> None:
    s = site(
        {
            "Home.md": "[[Ada|uses `code`]] [[Pay|costs `$`]] [[Nowhere|`x`]] [[a `b` c]]",
            "Ada.md": "",
            "Pay.md": "",
        },
        unpublished={"Pay.md"},
    )
    page = s.page("Home.md")
    assert '<a class="vault-link" href="ada/">uses <code>code</code></a>' in page
    assert "<span>costs <code>$</code></span>" in page
    assert '<span class="vault-unresolved" title="Unresolved link: Nowhere"><code>x</code></span>' in page
    # Backticks inside the target are part of it (Obsidian reads `[[...]]` before code spans), so this
    # is a link to a note named "a `b` c", unresolved here.
    assert '<span class="vault-unresolved" title="Unresolved link: a `b` c">a `b` c</span>' in page


def test_fix_links_fixes_a_repeated_link_once_per_page(site) -> None:
    """The same placeholder again on a page (a project in every row of a result) is fixed once: its
    target's URL is asked once, and every copy becomes the same link."""
    s = site({"Home.md": "[[Ada]] and [[Ada]], [[Ada]]; [[Bob]]", "Ada.md": "x", "Bob.md": "y"})
    s.render_all()
    asked: list[str] = []
    url_of = s.ctx.url_of
    s.ctx.url_of = lambda p: asked.append(p) or url_of(p)
    html = fix_links(s.rendered["Home.md"], "Home.md", s.ctx)
    assert html.count('<a class="vault-link" href="ada/">Ada</a>') == 3
    assert sorted(asked) == ["Ada.md", "Bob.md", "Home.md"]  # (Home: the page's own URL)


def test_forget_fixed_links_drops_only_the_links_to_the_targets_given() -> None:
    """A note published, unpublished or moved: the links kept fixed for it go, the others stay (names
    with characters the placeholder escapes too)."""
    kept = {
        to_html_string(link_placeholder(path, None, text)): f"<a>{text}</a>"
        for path, text in [("People/O'Brien & Co.md", "O'Brien"), ("People/Ada.md", "Ada"), ("People/Ada.md", "A.")]
    }
    forget_fixed_links(kept, {"People/O'Brien & Co.md"})
    assert sorted(kept.values()) == ["<a>A.</a>", "<a>Ada</a>"]
    forget_fixed_links(kept, {"People/Ada.md"})
    assert kept == {}


def test_fixing_utf8_pieces_gives_what_fixing_the_whole_gives(site, monkeypatch) -> None:
    """`fix_links_utf8` cuts a long document after a `</vault-link>` and fixes the pieces one by one (a
    shared query result, never one string): joined, they are `fix_links` of the whole, whatever the
    piece size, with links, embeds' deferred sources, 📅 and missing targets among them."""
    from mkdocs_vault.links import extension

    line = "[[Ada Quill]] 📅 é [[Ada Quill#Contact details|call]] ![[pic.png]] [[Gone]] [[report.pdf#page=3|p3]]\n\n"
    s = site(
        {"Home.md": line * 40, "People/Ada Quill.md": "# Ada\n\n## Contact details\n"},
        attachments=["pic.png", "report.pdf"],
    )
    s.render_all()
    raw = s.rendered["Home.md"]
    assert raw.count("</vault-link>") > 100 and "data-vault-" in raw
    whole = fix_links(raw, "Home.md", s.ctx).encode("utf-8")
    for size in (1, 37, 500, 1 << 20):
        monkeypatch.setattr(extension, "_FIX_PIECE", size)
        pieces = list(extension.fix_links_utf8(raw.encode("utf-8"), "Home.md", s.ctx))
        assert b"".join(pieces) == whole and (len(pieces) > 10) == (size < 1000)
