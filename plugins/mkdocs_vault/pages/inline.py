"""One line of a note's text as final HTML for the generated parts of the site: property values, task
texts, the context line of a backlink.

This is deliberately not Markdown rendering: these snippets are shown inside tables, chips and lists,
where a paragraph, a heading or an image would be wrong. Wikilinks and Markdown links become links
(or, for unpublished targets, the linking note's own words; for unresolved ones a marked span), the
rest is escaped text with the usual inline marks (`**`, `==`, `` ` ``...) removed. Anything the
author hid is taken out first: `%%comments%%`, HTML comments, and inline fields with private keys.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Iterable

from ..dataview.fields import FIELD_SEP, in_wikilink
from ..dataview.values import canonical_key
from ..links.anchors import fields_shown, heading_slug, shown_text
from ..links.resolve import decode_markdown_target, parse_wikilink
from ..vault.scan import _closing_index, bracket_fields
from .addresses import relative

LinkState = Callable[[str, str], tuple[str | None, str]]  # (target as written, source) -> (path, state)
UrlOf = Callable[[str], str | None]

# A wikilink or embed (group 2: its inside), or a Markdown link (`[text](target)` / `![alt](target)`;
# groups 3 and 4); group 1 marks an embed. The `!?\[` both begin with is written once: the pattern
# is tried at every character of every snippet, and so it runs twice as fast.
_LINK = re.compile(r"(!?)\[(?:\[([^\[\]\n]+?)\]\]|([^\[\]\n]*)\]\(([^()\s]+(?:\s+\"[^\"]*\")?)\))")
_MARKS = re.compile(r"\*\*|__|==|~~|`|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_MARK_CHAR = re.compile(r"[*_=~`]")  # every match of _MARKS holds one of them
_TAGS = re.compile(r"<[^<>\n]*>")
_COMMENT = re.compile(r"%%.*?(?:%%|\Z)|<!--.*?(?:-->|\Z)", re.DOTALL)
_BLOCK_ID = re.compile(r"\s\^[A-Za-z0-9-]+\s*$")
_LEAD = re.compile(r"^\s*(?:>\s*)*(?:\[![^\]\s]+\][+-]?\s*)?(?:#{1,6}\s+|(?:[-*+]|\d+[.)])\s+(?:\[.\]\s+)?)?")
# What a context line is never cut inside: a link or embed, a code span, a `{{placeholder}}`.
_TOKEN = re.compile(r"!?\[\[[^\[\]\n]*\]\]|!?\[[^\[\]\n]*\]\([^()\n]*\)|(`+).+?\1|\{\{.*?\}\}")
# Inline marks a context line renders (in a piece of text between links): a code span, or a pair of
# marks around text that starts and ends with a non-space.
_PAIRS = re.compile(
    r"(`+)(.+?)\1|(\*\*|__|==|~~)(?=\S)(.+?)(?<=\S)\3|(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"
    r"|(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])"
)
_HELD = re.compile("\x00([0-9]+)\x00")  # a link held aside by `InlineRenderer.text`
_PAIR_TAGS = {"**": "strong", "__": "strong", "==": "mark", "~~": "del"}
_LEFTOVER = re.compile(r"\*\*|==|~~|`")  # marks without their pair (the line was cut between them)
_INLINE_FIELD = re.compile(r"[\[(]\s*([^\[\]():]+?)\s*::\s*((?:\[\[[^\]]*\]\]|[^\]()])*?)\s*[\])]")
_URL = re.compile(r"^(?:https?://|mailto:)\S+$", re.IGNORECASE)


def without_comments(text: str) -> str:
    """`text` with Obsidian and HTML comments removed, keeping its line breaks (so line numbers hold)."""
    if "%%" not in text and "<!--" not in text:
        return text  # the common case, told without trying the pattern at every character
    return _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def field_pattern(private_keys: Iterable[str]) -> re.Pattern[str] | None:
    """Matches inline fields (`key:: v` lines, `[key:: v]`, `(key:: v)`) whose key is private."""
    keys = sorted({k for k in private_keys if k}, key=len, reverse=True)
    if not keys:
        return None
    names = "|".join(re.escape(k) for k in keys)
    return re.compile(
        rf"\[\s*(?:{names})\s*::[^\]]*\]|\(\s*(?:{names})\s*::[^)]*\)|^\s*(?:{names})\s*::.*$",
        re.IGNORECASE | re.MULTILINE,
    )


def plain(text: str, markup: bool = True) -> str:
    """Escaped text (no links); with `markup`, inline marks and HTML tags are taken out first."""
    if markup:
        # Each pattern only where it can match: this runs on every piece of every snippet, and the
        # marks pattern, tried at every character, cost more than all the rest of it.
        if "<" in text:
            text = _TAGS.sub("", text)
        if _MARK_CHAR.search(text):
            text = _MARKS.sub("", text)
    return html.escape(text, quote=True)


def render_marks(text: str) -> str:
    """Escaped text with its inline marks rendered: `code`, **strong**, *em*, ==mark==, ~~del~~.

    By hand rather than through Python-Markdown: a context line is a fragment of one line whose links
    are rendered apart, and a Markdown instance per fragment (thousands per build) would cost more than
    the whole mentions section; only pairs of marks are read, the rest stays text.
    """
    if "<" in text:
        text = _TAGS.sub("", text)
    if not _MARK_CHAR.search(text):
        return html.escape(text, quote=True)
    out: list[str] = []
    pos = 0
    for m in _PAIRS.finditer(text):
        out.append(_LEFTOVER.sub("", html.escape(text[pos : m.start()], quote=True)))
        if m.group(1):
            out.append(f"<code>{html.escape(m.group(2).strip(), quote=True)}</code>")
        elif m.group(3):
            tag = _PAIR_TAGS[m.group(3)]
            out.append(f"<{tag}>{render_marks(m.group(4))}</{tag}>")
        else:
            out.append(f"<em>{render_marks(m.group(5) or m.group(6))}</em>")
        pos = m.end()
    out.append(_LEFTOVER.sub("", html.escape(text[pos:], quote=True)))
    return "".join(out)


def clean(text: str, private: re.Pattern[str] | None) -> str:
    """`text` without what must never be shown: comments, and inline fields `private` matches."""
    text = without_comments(text)
    if private is not None and "::" in text:  # every private field has its `::`
        text = private.sub("", text)
    return text


def strip_html(fragment: str) -> str:
    """The text of an HTML fragment we rendered (for sort keys)."""
    return html.unescape(_TAGS.sub("", fragment))


class InlineRenderer:
    """Renders snippets written in note `source` for the page at `page_url`."""

    def __init__(
        self,
        link_state: LinkState,
        url_of: UrlOf,
        source: str,
        page_url: str,
        private: re.Pattern[str] | None = None,
    ) -> None:
        self.link_state = link_state
        self.url_of = url_of
        self.source = source
        self.page_url = page_url
        self.private = private

    def clean(self, text: str) -> str:
        """Drop what must never be shown: comments and private inline fields."""
        return clean(text, self.private)

    def wikilink(self, inner: str, embed: bool = False, marks: str | None = None) -> str:
        """`[[inner]]` as HTML. `marks`: wrap the link in <mark> when it points at this vault path."""
        return self._link(*_wikilink_parts(inner, embed), marks)

    def target(self, target: str, subpath: str | None, shown: str, marks: str | None = None) -> str:
        return self._link(target, _fragment(subpath), html.escape(shown, quote=True), marks)

    def _link(self, target: str, fragment: str, text: str, marks: str | None) -> str:
        """The link to `target` (+ `fragment`, its `#heading`) showing `text` (HTML)."""
        if not target:
            return text  # a same-note heading link: its words are enough out of context
        path, state = self.link_state(target, self.source)
        if state == "unresolved":
            return f'<span class="vault-unresolved">{text}</span>'
        url = self.url_of(path) if path is not None else None
        if state != "resolved" or url is None:
            return text  # unpublished: the linking note's own words, as plain text
        href = relative(url, self.page_url) + fragment
        anchor = f'<a class="vault-link" href="{html.escape(href, quote=True)}">{text}</a>'
        return f"<mark>{anchor}</mark>" if marks is not None and path == marks else anchor

    def text(self, text: str, marks: str | None = None, markup: bool = True, render: bool = False) -> str:
        """A one-line snippet: links rendered, the rest escaped text. With `markup` (a line of the body),
        inline marks and raw HTML tags are dropped, or with `render` rendered (`render_marks`); without
        it (a property value), every character shows as written, as Obsidian's Properties view shows it."""
        text = self.clean(text)
        if render:
            # Links held aside as placeholders while the marks are read, so `**[[Ada]]**` is bold.
            links: list[str] = []

            def hold(m: re.Match[str]) -> str:
                links.append(self._link_html(m, marks))
                return f"\x00{len(links) - 1}\x00"

            text = text.replace("\x00", "")
            held = _LINK.sub(hold, text) if "[" in text else text
            shown = render_marks(held)
            return (_HELD.sub(lambda m: links[int(m.group(1))], shown) if links else shown).strip()
        if "[" not in text:
            return plain(text, markup).strip()  # every link starts with `[`: most property values have none
        out: list[str] = []
        pos = 0
        for m in _LINK.finditer(text):
            if m.start() > pos:  # a property value is often one link, with no text around it
                out.append(plain(text[pos : m.start()], markup))
            out.append(self._link_html(m, marks))
            pos = m.end()
        if pos < len(text):
            out.append(plain(text[pos:], markup))
        return "".join(out).strip()

    def _link_html(self, m: re.Match[str], marks: str | None) -> str:
        """A `_LINK` match as HTML."""
        if m.group(2) is not None:
            return self.wikilink(m.group(2), bool(m.group(1)), marks)
        return self._markdown_link(m.group(3), m.group(4), marks)

    def _markdown_link(self, label: str, href: str, marks: str | None) -> str:
        href = href.split()[0]
        if _URL.match(href):
            return external(href, label or href)
        decoded = decode_markdown_target(href)
        if decoded is None or not decoded.target:
            return plain(label)  # another scheme, or a heading of the same note
        return self.target(decoded.target, decoded.subpath, label or decoded.target, marks)

    def targets(self, text: str) -> list[str]:
        """The targets, as written, of the links `text(text)` writes with a link state (so not those to
        other sites, nor same-note headings), in order."""
        text = self.clean(text)
        if "[" not in text:
            return []
        out = []
        for m in _LINK.finditer(text):
            if m.group(2) is not None:
                target = _wikilink_parts(m.group(2), bool(m.group(1)))[0]
            else:
                href = m.group(4).split()[0]
                decoded = None if _URL.match(href) else decode_markdown_target(href)
                target = decoded.target if decoded is not None else ""
            if target:
                out.append(target)
        return out

    def context(self, line_text: str, marks: str, limit: int = 240) -> str:
        """The line a backlink sits on, without its list/heading/callout markers, the link to `marks`
        marked, its inline Markdown rendered."""
        return self.text(self._context_line(line_text, limit), marks, render=True)

    def context_targets(self, line_text: str, limit: int = 240) -> list[str]:
        """The targets of the links `context` shows of this line (`targets`)."""
        return self.targets(self._context_line(line_text, limit))

    def _context_line(self, line_text: str, limit: int) -> str:
        """The part of a line `context` shows, before its links are rendered."""
        line = _LEAD.sub("", self.clean(line_text), count=1)
        if "^" in line:  # no block id (` ^id`) without one
            line = _BLOCK_ID.sub("", line)
        line = readable_fields(line)
        if line.lstrip().startswith("|"):
            # A table row: its cells, separated as words rather than as pipes.
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
            line = " · ".join(c for c in cells if c)
        if len(line) > limit:
            line = _cut(line, limit)
        return line  # cleaned again when shown: "- key:: v" is a private field once unlisted


def _cut(line: str, limit: int) -> str:
    """About `limit` characters of a long line around its first link, cut only between words and never
    inside a link, code span or `{{placeholder}}`, with `…` where text was left out."""
    spans = [(m.start(), m.end()) for m in _TOKEN.finditer(line)]

    def cuttable(i: int) -> bool:  # a cut at `i` falls between two words, outside every token
        at_space = i == 0 or i >= len(line) or line[i - 1].isspace() or line[i].isspace()
        return at_space and not any(a < i < b for a, b in spans)

    first = line.find("[[")
    start = max(0, first - limit // 3)
    while 0 < start < len(line) and not cuttable(start) and (first < 0 or start < first):
        start += 1
    if first >= 0 and start > first:
        start = first
    end = min(len(line), start + limit)
    back = end
    while back > start and not cuttable(back):
        back -= 1
    if back > start:
        end = back
    else:  # one token longer than the limit: keep it whole
        end = next((b for a, b in spans if a < end < b), end)
    shown = line[start:end].strip()
    return ("…" if start else "") + shown + ("…" if end < len(line) else "")


@functools.lru_cache(maxsize=16384)  # the same few links recur in thousands of snippets
def _wikilink_parts(inner: str, embed: bool) -> tuple[str, str, str]:
    """(target, `#heading` fragment or "", words shown as HTML) of `[[inner]]`: its reading, which no
    page or note changes, made once per link text rather than once per snippet."""
    link = parse_wikilink(inner)
    shown = shown_text(link.target, link.subpath, link.display)
    if embed and link.display and re.fullmatch(r"\d+(x\d+)?", link.display):
        shown = shown_text(link.target, link.subpath, None)  # `![[img.png|300]]`: 300 is a size
    return link.target, _fragment(link.subpath), html.escape(shown, quote=True)


def _fragment(subpath: str | None) -> str:
    """`#slug` of a heading subpath; "" for none or a block (`^id`: block ids get no anchor here)."""
    if subpath and not subpath.startswith("^"):
        return "#" + heading_slug(fields_shown(subpath.split("#")[-1]))
    return ""


def readable_fields(text: str) -> str:
    """`[owner:: [[Zoë]]]` and `(energy:: low)` read as `owner: [[Zoë]]` and `energy: low`."""
    if "::" not in text:
        return text
    # A field inside a link names the link's heading (`[[Note#Trip (kind:: road)]]`): left as written.
    return _INLINE_FIELD.sub(
        lambda m: m.group(0) if in_wikilink(text, m.start(), m.end() - 1) else f"{m.group(1)}: {m.group(2)}", text
    )


_FIELD_TOKEN = re.compile("\ue000(\\d+)\ue001")  # private-use marks: never in a note's own text


def with_field_spans(text: str, render: Callable[[str], str]) -> str:
    """`render(text)` with its `[key:: value]` and `(key:: value)` fields in Dataview's reading-view
    markup (as a note shows them, `dataview.fields`), each value rendered by `render` too."""
    if "::" not in text or "\ue000" in text:
        return render(text)
    spans: list[str] = []
    out, pos = [], 0
    for col, key, value, wrapper in bracket_fields(text):
        if col < pos:
            continue
        end = _closing_index(text, text.find("::", col + 1) + 2, wrapper)
        if in_wikilink(text, col, end):
            continue
        key_html = html.escape(key, quote=True)
        shown = render(value)
        if wrapper == "[":
            inner = (
                f'<span class="dataview inline-field-key" data-dv-key="{key_html}" '
                f'data-dv-norm-key="{html.escape(canonical_key(key), quote=True)}">{key_html}</span>'
                f'<span class="vault-field-sep">{FIELD_SEP}</span>'
                f'<span class="dataview inline-field-value">{shown}</span>'
            )
        else:
            inner = f'<span class="dataview inline-field-standalone-value">{shown}</span>'
        out.append(text[pos:col] + f"\ue000{len(spans)}\ue001")
        spans.append(f'<span class="dataview inline-field">{inner}</span>')
        pos = end + 1
    out.append(text[pos:])
    return _FIELD_TOKEN.sub(lambda m: spans[int(m.group(1))], render("".join(out)))


def external(href: str, label: str) -> str:
    """A link to another site (only http(s) and mailto are ever written as links)."""
    return (
        f'<a class="vault-external" href="{html.escape(href, quote=True)}" rel="noopener">'
        f"{html.escape(label, quote=True)}</a>"
    )


def is_url(text: str) -> bool:
    return bool(_URL.match(text.strip()))
