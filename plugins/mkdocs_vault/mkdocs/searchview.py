"""What Material's search plugin reads of a page, kept apart from what the page shows.

The search plugin parses each page's `page.content` with Python's `html.parser` in `on_page_context`,
and that parse cost grows with the number of tags, not the number of words. A note page has two
parts that are mostly tags: Dataview results (which are not searched at all: they repeat other
notes' content) and the properties panel (searched for its values, but a dozen elements per
property). Renderers mark them with comments:

- `hidden(html)`: shown on the page, absent from the search view;
- `search_text(text)`: in the search view as plain text, absent from the page.

`SiteBuilder` hands the search plugin `lighten(search_view(content))` and puts `page_view(content)`
back after it (`on_page_context`, after the search plugin's). Without that swap, as in embeds rendered
by other hosts, the markers are comments: invisible, and the hidden parts keep `data-search-exclude`.

`lighten` then removes, with a few regex passes, the markup the search plugin's parser reads only to
throw away: links, spans and table cells around text, attributes, void tags, permalinks. What it may
remove follows from that parser (material/plugins/search/plugin.py, `Parser`), and the index it
builds from the lighter view is byte-identical; tests/pages/test_searchview.py checks that on
generated HTML. No library does this (it depends on one parser's quirks), hence the regexes.
"""

from __future__ import annotations

import re

from ..markdown.searchmarks import _END, _HIDE, _TEXT, hidden, search_text  # noqa: F401


def has_markers(content: str) -> bool:
    return _HIDE in content or _TEXT in content


# The two views are cut out with `str.find` rather than a regex: a lazy `.*?` steps through a hidden
# part (a Dataview table) one character at a time, and every note page has them.


def search_view(content: str) -> str:
    """`content` without its `hidden` parts, with its `search_text` (`content` itself if it has neither)."""
    out, pos, at = [], 0, content.find("<!--")
    while at >= 0:
        if content.startswith(_HIDE, at):
            end = content.find(_END, at + len(_HIDE))
            if end >= 0:
                out.append(content[pos:at])
                pos = end + len(_END)
                at = content.find("<!--", pos)
                continue
        elif content.startswith(_TEXT, at):
            end = content.find("-->", at + len(_TEXT))
            if end >= 0:
                out += (content[pos:at], content[at + len(_TEXT) : end])
                pos = end + 3
                at = content.find("<!--", pos)
                continue
        at = content.find("<!--", at + 1)
    return "".join((*out, content[pos:])) if out else content


def page_view(content: str) -> str:
    """`content` with its `hidden` parts shown, without its `search_text` (`content` itself if it has
    neither)."""
    out, pos, at = [], 0, content.find("<!--")
    while at >= 0:
        if content.startswith(_HIDE, at):
            end = at + len(_HIDE)
        elif content.startswith(_END, at):
            end = at + len(_END)
        elif content.startswith(_TEXT, at) and (close := content.find("-->", at + len(_TEXT))) >= 0:
            end = close + 3
        else:
            at = content.find("<!--", at + 1)
            continue
        out.append(content[pos:at])
        pos = end
        at = content.find("<!--", pos)
    return "".join((*out, content[pos:])) if out else content


# The parser's reading of a page depends on some markup only: headings (`id` starts a section),
# the tags it keeps (p, li, ol, ul, code, pre, sub, sup), `<a class="headerlink">` (its text is
# left out of a title), `data-search-exclude` and `class="linenodiv"` (a skipped subtree), the
# script/style/object it skips, and where text is cut into pieces (`handle_data` calls: a piece
# of only whitespace becomes one space, or nothing after another). Every other tag only nests
# text, so `lighten` replaces it with an empty comment, which the parser skips cheaply but which
# still cuts the text where the tag did; a comment between two pieces that are not only
# whitespace is then dropped too, as the two pieces give the same text joined.

# A tag this module reads exactly as html.parser does: lowercase name, attributes after one
# space, values double-quoted and free of "<" and ">". A page with any other "<" (comments, CDATA,
# other quoting, a stray "<"), or with an element whose text the parser reads raw, is left alone.
_STRICT_TAG = r'/?[a-z][a-z0-9]*(?: [a-z][a-z0-9-]*(?:="[^"<>]*")?)* ?/?>'
_ATTRS = r'(?: [a-z][a-z0-9-]*(?:="[^"<>]*")?)'
_UNREADABLE = re.compile(
    rf"<(?!{_STRICT_TAG})|<(?:script|style|textarea|title|xmp|plaintext|noscript|iframe|noembed|noframes)\b"
)
_HEADING_FIRST = re.compile(r"<h[1-6][ >]")
# A permalink right at the end of a heading with an id: the parser leaves its text out of the title.
_PERMALINK = re.compile(
    r'(<h([1-6]) id="[^"<>]*">[^<]*)<a class="headerlink" href="[^"<>]*" title="[^"<>]*">[^<]*</a>(?=</h\2>)'
)
_VOID = re.compile(
    rf"<(?:area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr){_ATTRS}* ?/?>"
)
# An element around text alone (or text and the comments left of its children): tags the parser
# neither keeps, skips, nor treats as headings, pre or permalinks. Repeated from the inside out.
_TEXT_ELEMENT = re.compile(
    r"<(a(?![^>]*headerlink)|span|td|time|tr|th|strong|em|div|label|tbody|thead|table|b|i|u|s|abbr|"
    r"blockquote|caption|cite|dd|del|details|dl|dt|figcaption|figure|ins|kbd|mark|small|summary|tfoot)"
    rf"{_ATTRS}*>([^<]*(?:<!---->[^<]*)*)</\1>"
)
# Attributes of the tags left, but for headings (`id`) and permalinks (`class`).
_ATTRIBUTES_OF = re.compile(rf"(<(?!h[1-6][ >]|a [^>]*headerlink)[a-z][a-z0-9]*){_ATTRS}+( ?/?>)")
_RUN = re.compile(r"<!----><!---->(?:<!---->)*")
# Entities that cannot decode to whitespace; with any other, a piece ending in "p" may be "&nbsp".
_OTHER_ENTITY = re.compile(r"&(?!amp;|lt;|gt;|quot;|#x27;|#39;|para;|#x1[0-9A-Fa-f]{4};)")
# A comment next to a tag or an end (no piece is joined); or between two pieces that each hold a
# non-space character, which joined give the same text (the parser changes only pieces of spaces
# alone); or either comment around a piece of one space or newline between two such pieces, which the
# parser reads as one space whether joined or not. `\s` is `str.isspace`, as the parser's; ">" only
# ends tags here. The piece before is looked at up to two spaces back (a lookbehind has a fixed
# width); the pattern starts with the comment and has a plain replacement, which keeps it fast.
_SPACED = ("", r"\s", r"\s\s")
_TEXT_BEFORE = "|".join(rf"(?<=[^\s<>]{s}<!---->)" for s in _SPACED)
_TEXT_SPACE_BEFORE = "|".join(rf"(?<=[^\s<>]{s}<!---->[ \n]<!---->)" for s in _SPACED)
_NEEDLESS_CUT = re.compile(
    r"<!---->(?:(?=<|\Z)|(?<![^>]<!---->)|"
    rf"(?:{_TEXT_BEFORE})(?=(?:[ \n]<!---->)?\s*[^\s<])|(?:{_TEXT_SPACE_BEFORE})(?=\s*[^\s<]))"
)


def lighten(html: str) -> str:
    """`html` with less markup, which Material's search parser turns into the same index entries.

    Returns `html` itself when a page falls outside what this reasoning covers: a page must start
    with a heading (so a section exists before any removed tag, and the parser's section depths
    stay consistent), carry no `data-search-exclude` or `linenodiv` (the parser matches skipped
    elements by tag name alone), and hold only tags read alike by a regex and by html.parser.
    Each pass is a C-level regex split or substitution: this costs a fraction of the parse it saves.
    """
    if (
        not _HEADING_FIRST.match(html)
        or "data-search-exclude" in html
        or "linenodiv" in html
        or html.count("<") != html.count(">")  # so that no ">" is text
        or _UNREADABLE.search(html)
    ):
        return html
    parts = _PERMALINK.split(html)  # [text, heading start, level, text, ...]
    del parts[2::3]
    light = _VOID.sub("<!---->", "".join(parts))
    while len(parts := _TEXT_ELEMENT.split(light)) > 1:  # [text, tag, inner, text, ...]
        del parts[1::3]
        light = "<!---->".join(parts)
    light = _RUN.sub("<!---->", "".join(_ATTRIBUTES_OF.split(light)))
    return light if _OTHER_ENTITY.search(light) else _NEEDLESS_CUT.sub("", light)

