"""`lighten`: less markup for Material's search parser, and the very same index entries from it."""

from __future__ import annotations

import random

import pytest
from material.plugins.search.plugin import Parser
from mkdocs_vault.mkdocs.searchview import lighten


def entries(html: str) -> list[tuple] | str:
    """What the search plugin makes of `html` (SearchIndex.add_entry_from_context): per section,
    whether it has a title, its title and text as joined into the index, its id, its exclusion."""
    parser = Parser()
    try:
        parser.feed(html)
        parser.close()
    except ValueError as error:  # the parser fails on some malformed HTML: the light view must too
        return repr(error)
    return [
        (bool(s.title), "".join(s.title).strip(), "".join(s.text).strip(), s.id, s.is_excluded())
        for s in parser.data
    ]


NOTE = (
    '<h1 id="ada">Ada<a class="headerlink" href="#ada" title="Permanent link">&para;</a></h1>'
    "tier 3 people Hamid Naylor\n\n"
    '<ul class="task-list">\n<li><a class="vault-link" href="../x/">notes from X</a> '
    '<a class="md-tag vault-tag" href="../tags/y/">#y</a></li>\n'
    '<li class="task-list-item task-todo" data-task="">\n<p><label class="task-list-control">'
    '<input type="checkbox" disabled/><span class="task-list-indicator"></span></label> '
    "Circulate the slides &#x1F4C5; 2026-05-14</p>\n</li>\n</ul>\n"
    '<table><tbody><tr><td data-sort="b"><time datetime="2026-01-02">January 2</time><br>'
    '<span class="vault-overdue">3 days</span></td><td><span class="c"><span class="d">'
    '<a class="vault-link" href="a/">O&#x27;Hanlon &amp; co</a></span> </span></td></tr></tbody></table>'
    '<h2 id="next">Next <code>x</code><a class="headerlink" href="#next" title="Permanent link">&para;</a></h2>'
    "<pre><code>a  <span>b</span>\n\n  c</code></pre>"
)


def test_a_note_gets_lighter_and_indexes_the_same() -> None:
    light = lighten(NOTE)
    assert light.count("<") < NOTE.count("<") / 2
    assert "vault-link" not in light and "<span" not in light and "<td" not in light
    assert (
        '<h1 id="ada">' in light and "<li>" in light and 'class="headerlink"' in light
    )  # the one after <code>
    assert entries(light) == entries(NOTE)


@pytest.mark.parametrize(
    "html",
    [
        # whitespace-only pieces between tags: one space, or none after another
        '<h1 id="t">T</h1><p>a</p>\n<td> <a href="x">X</a></td>\n\n <span>y</span>\n</p>',
        '<h1 id="t">T</h1><span>a</span>\n\n  <span>b</span> <em> </em>c',
        # pieces joined across removed tags: text beside text, across one space or newline, not
        # across other whitespace (a tab, two spaces, a no-break space), nor in a title
        '<h1 id="t">T</h1><p>a <span>b</span> <em>c</em>\t<i>d</i>  <b>e</b>\xa0<s>f</s></p>',
        '<h2 id="a">x <span>y</span>\n<em>z</em> \n<b>w</b></h2><pre>p <span>q</span>\t<i>r</i></pre>',
        '<h2 id="a">a<i>b</i> <br> <i>c</i></h2><p>d<i>e</i> <br> <br/> <i>f</i></p>',
        # entities that decode to whitespace must not be joined with the text beside them
        '<h1 id="t">T</h1><p>x<span>&nbsp;</span>y<b>&#32;</b> z&nbsp<i>w</i></p>',
        # text inside headings goes to titles; a heading without id starts no section
        '<h2 id="a"><span>A</span> <a href="u">b</a></h2><h3>C<a class="headerlink" href="#c" title="x">&para;</a></h3>',
        # pre keeps whitespace as it is
        '<h1 id="t">T</h1><pre><span>  a</span>\n\n<span> </span>b</pre>',
        # excluded parts, by attribute or class, and skipped tags: the page is left as it is
        '<h1 id="t">T</h1><div data-search-exclude><span>x</span></div><span>y</span>',
        '<h1 id="t">T</h1><table><tr><td class="linenodiv">1</td><td><span>a</span></td></tr></table>',
        '<h1 id="t">T</h1><script>var a = "<span>x</span>";</script><span>y</span>',
        # comments, other quoting, stray "<" and ">", upper case: left as they are
        "<h1 id=\"t\">T</h1><!-- <span>c</span> --><span class='q'>a</span> 1 < 2 > 0<SPAN>b</SPAN>",
        # a page that does not start with a heading, an empty first element
        '<span></span><h1 id="t">T</h1><p>x</p>',
        # unclosed and crossed tags
        '<h1 id="t">T</h1><a href="x">a<span>b</a>c</span><p><span>d</p>',
    ],
)
def test_tricky_html_indexes_the_same(html: str) -> None:
    assert entries(lighten(html)) == entries(html)


TEXTS = [
    "x",
    "word ",
    " ",
    "\n",
    "\n\n  ",
    "a b",
    "&amp;",
    "&lt;",
    "&para;",
    "&#x1F4C5;",
    " y\n",
    "é",
    "&nbsp;",
    "&#32;",
    "\t",
    " \n",
    "x\t",
    "\xa0",
    "\u2003",
]
TAGS = [
    "a",
    "span",
    "time",
    "strong",
    "em",
    "code",
    "sub",
    "label",
    "p",
    "li",
    "ul",
    "div",
    "td",
    "tr",
    "pre",
    "h2",
    "h3",
]
ATTRIBUTES = [
    "",
    ' class="vault-link" href="x/"',
    ' class="headerlink" href="#x" title="Permanent link"',
    ' id="s"',
]
VOIDS = ["<br>", "<br/>", '<input type="checkbox" disabled/>']


def random_html(rng: random.Random, depth: int = 0) -> str:
    out = []
    for _ in range(rng.randint(0, 4)):
        roll = rng.random()
        if roll < 0.4 or depth > 3:
            out.append(rng.choice(TEXTS))
        elif roll < 0.5:
            out.append(rng.choice(VOIDS))
        else:
            tag = rng.choice(TAGS)
            attributes = rng.choice(ATTRIBUTES) if rng.random() < 0.5 else ""
            inner = random_html(rng, depth + 1)
            if tag[0] == "h" and rng.random() < 0.5:
                attributes = f' id="h{rng.randint(0, 9)}"'
                inner += '<a class="headerlink" href="#x" title="Permanent link">&para;</a>'
            close = "" if rng.random() < 0.03 else f"</{tag}>"
            out.append(f"<{tag}{attributes}>{inner}{close}")
    return "".join(out)


@pytest.mark.parametrize("seed", range(4))
def test_generated_html_indexes_the_same(seed: int) -> None:
    rng = random.Random(seed)
    lightened = 0
    for _ in range(1500):
        head = rng.choice(
            [
                '<h1 id="t">T<a class="headerlink" href="#t" title="Permanent link">&para;</a></h1>',
                "<h1>T</h1>",
                '<h2 id="a">A</h2>',
            ]
        )
        html = head + random_html(rng)
        light = lighten(html)
        lightened += light != html
        assert entries(light) == entries(html), html
    assert lightened > 1000


def test_views_cut_as_the_patterns_describe() -> None:
    """`search_view` and `page_view` (cut with `str.find`) against the patterns that define them, on
    random strings of markers, their pieces and text, unclosed ones included."""
    import re

    from mkdocs_vault.mkdocs.searchview import _END, _HIDE, _TEXT, page_view, search_view

    search = re.compile(f"{re.escape(_HIDE)}.*?{re.escape(_END)}|{re.escape(_TEXT)}(.*?)-->", re.DOTALL)
    page = re.compile(f"{re.escape(_HIDE)}|{re.escape(_END)}|{re.escape(_TEXT)}.*?-->", re.DOTALL)
    bits = [
        _HIDE,
        _END,
        _TEXT,
        "-->",
        "<!--",
        "<!--vault-",
        "x",
        "<p>a</p>",
        "->",
        "\n",
        _HIDE[:-1],
        _TEXT[:-2],
    ]
    rng = random.Random(7)
    for _ in range(20000):
        text = "".join(rng.choice(bits) for _ in range(rng.randint(0, 10)))
        assert search_view(text) == search.sub(lambda m: m.group(1) or "", text), text
        assert page_view(text) == page.sub("", text), text
