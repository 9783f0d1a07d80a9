"""Read the metadata Obsidian and Dataview see in a note body: headings, block ids, tags, links, inline
fields, list items and tasks.

This is a line scanner rather than a Markdown parser, because it must report file lines and follow the
rules Obsidian's metadata cache and Dataview's importer follow, not how Python-Markdown would render the
note. Fenced code, math blocks, `%%comments%%`, `<!-- HTML comments -->` and code spans are blanked out
first, so nothing inside them counts (a `[[link]]` in code stays literal, as in Obsidian).
"""

from __future__ import annotations

import re
import unicodedata

from ..markdown.comments import strip_comments
from .linktext import decode_markdown_target, parse_wikilink
from .model import BlockId, Heading, InlineField, Link, ListItem
from .nesting import cap_line

_FENCE = re.compile(r"^[ \t>]*(`{3,}|~{3,})")
_QUOTES = re.compile(r"[ \t]*(?:>[ \t]*)+")
_MATH_FENCE = re.compile(r"^[ \t>]*\$\$")
# An ATX heading's marker; its text is the rest without a closing `  ##  ` (see `_heading_text`).
_HEADING = re.compile(r"(#{1,6})[ \t]+")
_BLOCK_ID = re.compile(r"(?:^|[ \t])\^([A-Za-z0-9-]+)[ \t]*$")
_LONE_BLOCK_ID = re.compile(r"^\^([A-Za-z0-9-]+)$")
_LIST_ITEM = re.compile(r"^([ \t>]*)(\d+[.)]|[-*+])([ \t]+|$)(?:\[(.)\](?:[ \t]+|$))?(.*)$")
# No leading `!?`: a pattern that starts with a literal is searched for several times faster; the embed
# mark is the character before (never the end of an earlier match, which ends in `]`). The inner text
# holds no `]`, so it can only end where `]]` starts: matched possessively, it never backtracks.
_WIKILINK = re.compile(r"\[\[([^\[\]\n]++)\]\]")
_MD_LINK = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*(<[^<>\n]+>|[^()\s]+)(?:\s+\"[^\"]*\")?\s*\)")
# Obsidian tags: after start or whitespace; letters, digits, `_`, `-`, `/` and other non-punctuation symbols.
# The '#' comes first so the regex engine can search for it; the look-behind then checks the character
# before it (none, or whitespace or an opening bracket or comma).
_TAG = re.compile(r"#(?<![^\s(\[{,]#)([^\s#!\"$%&'()*+,.:;<=>?@\[\\\]^`{|}~]+)")
# A backslash-escaped backtick opens no code span (CommonMark): what follows it still counts.
_CODE_SPAN = re.compile(r"(?<!\\)(`+)(?:(?!\1).)+?\1")
# A code span, or a wikilink that holds backticks (`[[Filters#`wikilink`|wikilink]]`): whichever starts
# first wins, as in Obsidian, so backticks inside a link's target are part of it (and a `[[...]]` inside
# a code span stays code).
_CODE_OR_LINK = re.compile(r"\[\[[^\[\]\n]*`[^\[\]\n]*\]\]|(?<!\\)(`+)(?:(?!\1).)+?\1")
_INLINE_COMMENT = re.compile(r"%%.*?%%")
# (key, the emoji that start its pattern, pattern)
_EMOJI_DATES = (
    ("created", ("\u2795",), re.compile("\u2795\\s*(\\d{4}-\\d{2}-\\d{2})")),
    ("start", ("\U0001f6eb",), re.compile("\U0001f6eb\\s*(\\d{4}-\\d{2}-\\d{2})")),
    ("scheduled", ("\u23f3", "\u231b"), re.compile("[\u23f3\u231b]\\s*(\\d{4}-\\d{2}-\\d{2})")),
    (
        "due",
        ("\U0001f4c5", "\U0001f4c6", "\U0001f5d3"),
        re.compile("[\U0001f4c5\U0001f4c6\U0001f5d3]\ufe0f?\\s*(\\d{4}-\\d{2}-\\d{2})"),
    ),
    ("completion", ("\u2705",), re.compile("\u2705\\s*(\\d{4}-\\d{2}-\\d{2})")),
)
_WRAPPERS = {"[": "]", "(": ")"}
_ITEM_START = frozenset(" \t>-*+0123456789")
MAX_LINE = 32768  # Dataview skips longer lines for fields; we do the same for every kind of metadata


def _quote_depth(line: str) -> int:
    """How many `>` quote markers open the line."""
    m = _QUOTES.match(line)
    return m.group(0).count(">") if m else 0


def _blank(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


def _blank_code(match: re.Match[str]) -> str:
    """A code span blanked, a wikilink kept (a `_CODE_OR_LINK` match)."""
    return _blank(match) if match.group(1) else match.group(0)


def _heading_text(rest: str) -> str:
    """A heading's text from what follows its marker: the longest ending made of blanks, then `#`s, then
    blanks is dropped (what `(.*?)[ \t]*#*[ \t]*$` leaves, without its backtracking)."""
    return rest.rstrip(" \t").rstrip("#").rstrip(" \t")


def visible_text(line: str) -> str:
    """The line with code spans and inline comments blanked (same length, so columns still line up)."""
    if "`" in line:
        line = _CODE_OR_LINK.sub(_blank_code, line) if "[[" in line else _CODE_SPAN.sub(_blank, line)
    if "%%" in line:
        line = _INLINE_COMMENT.sub(_blank, line)
    return line


def _indent_width(prefix: str) -> int:
    width = 0
    for ch in prefix:
        width = width + 4 - (width % 4) if ch == "\t" else width + 1
    return width


def is_valid_tag(name: str) -> bool:
    """Obsidian needs at least one character that is not a digit (`#123` is not a tag)."""
    chars = name.replace("/", "")
    return bool(chars) and not chars.isdigit()  # (`isdigit`: every character is a digit, and one is)


def find_tags(text: str) -> list[str]:
    return ["#" + name for name in _TAG.findall(text) if is_valid_tag(name)]  # (`findall`: the names)


def find_links(text: str, line: int) -> list[Link]:
    """Wikilinks, embeds and Markdown links to vault files on one (already code-blanked) line."""
    if "](" not in text:  # wikilinks only (nearly every line): in order as found
        if "![[" in text:
            return _wikilinks(text, line)
        # `_wikilinks` of a line with no embed (a link with `!` before it), which needs no positions:
        # `findall` gives the links' texts without a match object each.
        links = []
        for inner in _WIKILINK.findall(text):
            wl = parse_wikilink(inner)
            links.append(Link(wl.target, wl.subpath, wl.display, False, line))
        return links
    found: list[tuple[int, Link]] = []
    if "[[" in text:
        for m in _WIKILINK.finditer(text):
            start = m.start()
            embed = start > 0 and text[start - 1] == "!"
            wl = parse_wikilink(m.group(1))
            found.append((start - embed, Link(wl.target, wl.subpath, wl.display, embed, line)))
    for m in _MD_LINK.finditer(text):
        parsed = decode_markdown_target(m.group(3))
        if parsed is None or (not parsed.target and parsed.subpath):
            continue  # external, or an anchor on the same page
        display = m.group(2).strip() or None
        found.append(
            (m.start(), Link(parsed.target, parsed.subpath, display, bool(m.group(1)), line, markdown=True))
        )
    found.sort(key=lambda pair: pair[0])
    return [link for _, link in found]


def _wikilinks(text: str, line: int) -> list[Link]:
    """The wikilinks and embeds on a line with no Markdown link, in order."""
    links = []
    for m in _WIKILINK.finditer(text):
        start = m.start()
        wl = parse_wikilink(m.group(1))
        links.append(Link(wl.target, wl.subpath, wl.display, start > 0 and text[start - 1] == "!", line))
    return links


def _find_separator(text: str, start: int) -> tuple[str, int] | None:
    sep = text.find("::", start)
    if sep < 0:
        return None
    return text[start:sep].strip(), sep + 2


# What `_find_closing` looks at: a backslash and the character it escapes, or a bracket of the kind.
_BRACKETS = {"[": re.compile(r"\\.|[\[\]]", re.DOTALL), "(": re.compile(r"\\.|[()]", re.DOTALL)}


def _find_closing(text: str, start: int, open_: str, close: str) -> tuple[str, int] | None:
    """The text up to the bracket closing an `open_` before `start`, and the index after it. A backslash
    escapes the next character (a bracket, or another backslash)."""
    nesting = 0
    for m in _BRACKETS[open_].finditer(text, start):
        ch = m.group()
        if ch == open_:
            nesting += 1
        elif ch == close:
            nesting -= 1
            if nesting < 0:
                index = m.start()
                return text[start:index].strip(), index + 1
    return None


# The common case of `_find_closing` in one match rather than a loop over its brackets (a task's field
# took 2.9 µs, now 1.3): a value with no backslash, whose brackets of the kind nest at most two deep
# (`[owner:: [[Ada]]]`), up to and including its closing bracket. Where it does not match,
# `_find_closing` decides; where it does, both agree (a test compares them on the corpora and on every
# short string of brackets). Possessive, so a failing match gives up at once instead of backtracking.
_PLAIN_VALUE = {
    "[": re.compile(r"(?:[^\[\]\\]++|\[(?:[^\[\]\\]++|\[[^\[\]\\]*+\])*+\])*+\]"),
    "(": re.compile(r"(?:[^()\\]++|\((?:[^()\\]++|\([^()\\]*+\))*+\))*+\)"),
}


def _closing_index(text: str, start: int, open_: str) -> int:
    """Where the bracket closing an `open_` before `start` is (as `_find_closing` finds it), or -1."""
    m = _PLAIN_VALUE[open_].match(text, start)
    if m is not None:
        return m.end() - 1
    closing = _find_closing(text, start, open_, _WRAPPERS[open_])
    return -1 if closing is None else closing[1] - 1


def bracket_fields(text: str) -> list[tuple[int, str, str, str]]:
    """`[key:: value]` and `(key:: value)` anywhere on a line: (column, key, value, wrapper)."""
    fields: list[tuple[int, str, str, str]] = []
    for open_ in _WRAPPERS:
        index = text.find(open_)
        while index >= 0:
            sep = text.find("::", index + 1)
            if sep < 0:
                break  # no `::` after this bracket, so none after a later one either
            key = text[index + 1 : sep].strip()
            end = -1
            if key and not ("[" in key or "]" in key or "(" in key or ")" in key):
                end = _closing_index(text, sep + 2, open_)
            if end < 0:
                index = text.find(open_, index + 1)
                continue
            fields.append((index, key, text[sep + 2 : end].strip(), open_))
            index = text.find(open_, end + 1)
    if len(fields) > 1:
        fields.sort(key=lambda f: f[0])
    return fields


_KEY_LEAD = re.compile(r"^[^0-9\w]*", re.UNICODE)
_KEY_TRAIL = re.compile(r"[_*~`]*$")


def _is_key_char(ch: str) -> bool:
    if ch.isalnum() or ch in "_/- \t":
        return True
    return unicodedata.category(ch) == "So"  # emoji and other symbols, as Dataview allows


def full_line_field(text: str) -> tuple[str, str] | None:
    """`Key:: value` taking the whole line, with Markdown decoration around the key dropped
    (`**Key**:: v`), following Dataview's rules for which keys are valid."""
    sep = _find_separator(text, 0)
    if sep is None:
        return None
    raw_key = _KEY_LEAD.sub("", sep[0])
    key_end = 0
    while key_end < len(raw_key) and _is_key_char(raw_key[key_end]):
        key_end += 1
    key = raw_key[:key_end]
    if _KEY_TRAIL.sub("", raw_key[key_end:]) != "" or not key.strip():
        return None
    return key.strip(), text[sep[1] :].strip()


def emoji_dates(text: str) -> dict[str, str]:
    # No search for any of the emojis first: non-ASCII items (the only ones scanned for dates) are
    # mostly tasks that hold one, and such a search tries a class of non-ASCII characters at every
    # position (0.4 µs a task, where the eight substring tests below take 0.15).
    out = {}
    for key, emojis, pattern in _EMOJI_DATES:
        # A task holds one or two of the five kinds: a substring test skips the others' searches.
        for emoji in emojis:
            if emoji in text:
                m = pattern.search(text)
                if m:
                    out[key] = m.group(1)
                break
    return out


class BodyScan:
    """Everything found in one note body, with file line numbers."""

    def __init__(self) -> None:
        self.headings: list[Heading] = []
        self.block_ids: list[BlockId] = []
        self.tags: list[str] = []
        self.links: list[Link] = []
        self.fields: list[InlineField] = []
        self.list_items: list[ListItem] = []
        self.problems: list[tuple[int, str, str]] = []  # (file line, kind, message)


def scan_body(body: str, first_line: int = 0) -> BodyScan:
    """Scan a note body whose first line is file line `first_line`."""
    # Some 200,000 lines per 10,000 notes go through the loop below, so it is written for the common
    # line: what a body lacks altogether is asked once per body rather than of every line, the three
    # states in which a line counts for nothing are one flag (`inside`), and the output lists are locals.
    out = BodyScan()
    headings, block_ids, links, tags, list_items = out.headings, out.block_ids, out.links, out.tags, out.list_items
    lines = body.split("\n")
    if "<!--" in body:
        # HTML comments (rare) are taken out first, with `%%` comments, as the renderer takes them out:
        # nothing in them counts. (The loop below handles `%%` comments alone.)
        lines = strip_comments(lines, keep_lines=True)
    fence: str | None = None
    fence_quotes = 0  # how many quote markers the open fence's line had
    fence_column = 0  # the content column of the list item the open fence is in (0: none)
    in_math = False
    # In a fence, a math block or a multi-line %% comment, where a line counts for nothing: the one
    # test most lines need. (In a comment: `inside`, with no fence and not `in_math`.)
    inside = False
    section: str | None = None
    stack: list[tuple[int, ListItem]] = []  # open list items: (content column, item)
    last_item: ListItem | None = None
    blank_before = False
    last_block = "paragraph"  # kind of the last non-blank block, for a `^id` on a line of its own
    # Asked once per body rather than of every line: a line holds only characters of its body (blanking
    # adds spaces), and most bodies have no carriage return, overlong line, fence, math or comment.
    unusual = "\r" in body or len(body) > MAX_LINE
    may_fence = "`" in body or "~" in body
    may_math = "$$" in body
    may_blank = "`" in body or "%%" in body  # code spans or comments to blank out

    for offset, raw in enumerate(lines):
        line = raw
        if unusual and line:
            line = line.rstrip("\r")
            if len(line) > MAX_LINE:
                line = line[:MAX_LINE]
        if not line:  # an empty line (a quarter of all lines), or one of carriage returns only
            if not inside:
                blank_before = True
            continue
        line_no = first_line + offset
        if inside:
            # Fenced code and math: nothing inside counts.
            if fence is not None:
                m = _FENCE.match(line)
                # Closed by a fence of the same kind, at least as long, with nothing after it (after
                # the quote markers, with or without a space: `>```` closes a fence in a callout).
                if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line[m.end() :].strip():
                    fence = None
                    inside = False
                    continue
                # A fence inside a quote ends with the quote, as in CommonMark: a line with fewer
                # quote markers is no longer code, and counts. So does one in a list item, with it.
                if fence_column:
                    body = line.lstrip(" \t")
                    if _indent_width(line[: len(line) - len(body)]) >= fence_column or not body:
                        continue
                elif not fence_quotes or _quote_depth(line) >= fence_quotes:
                    continue
                fence = None
                inside = False
            elif in_math:
                if "$$" in line:
                    in_math = inside = False
                continue
            else:
                # A multi-line %% comment: the rest of the line counts once it closes.
                end = line.find("%%")
                if end < 0:
                    continue
                line = " " * (end + 2) + line[end + 2 :]
                inside = False
        if may_fence and ("`" in line or "~" in line):
            m = _FENCE.match(line)
            if m:
                fence = m.group(1)
                fence_quotes = line.count(">", 0, m.start(1))
                # A fence in a list item ends with the item (CommonMark): at the first line indented
                # less than the item's content.
                in_item = last_item is not None and stack and not fence_quotes
                fence_column = stack[-1][0] if in_item and _indent_width(line[: m.start(1)]) >= stack[-1][0] else 0
                inside = True
                last_item = None
                continue
        if may_math and "$$" in line and _MATH_FENCE.match(line) and line.count("$$") == 1:
            in_math = inside = True
            continue
        lead = raw[0]
        if lead in " \t>":  # (not a line that only starts blank after a comment closed)
            capped = cap_line(line)
            if capped != line:
                # Read the line as the page renders it (flattened at the cap), so list items never
                # nest deeper than the renderer shows, and later stages cannot recurse without bound.
                line = capped
                if not any(p[1] == "nesting" for p in out.problems):
                    out.problems.append(
                        (line_no, "nesting", "lists or quotes nested too deeply; shown flattened at the maximum depth")
                    )
        original = line
        if may_blank and ("`" in line or "%%" in line):
            line = visible_text(line)
            if "%%" in line:  # an opening %% with no close on this line
                line = line[: line.find("%%")]
                inside = True  # (in a comment)

        stripped = line.strip()
        if not stripped:
            blank_before = True
            continue
        if stripped[0] == "^" and offset > 0:
            lone = _LONE_BLOCK_ID.match(stripped)
            if lone:
                # Obsidian: an id on its own line after a table, list or quote names that whole block.
                block_ids.append(BlockId(lone.group(1), line_no, last_block))
                stack.clear()
                last_item = None
                blank_before = False
                continue

        start = line[0]
        if start == "#":
            heading = _HEADING.match(line)
            if heading:
                text = _heading_text(line[heading.end() :])
                bid = _BLOCK_ID.search(text) if "^" in text else None
                if bid:
                    block_ids.append(BlockId(bid.group(1), line_no, "heading"))
                headings.append(Heading(heading.end(1), text, line_no))  # (the marker starts the line)
                section = text
                last_block = "heading"
                stack.clear()
                last_item = None
                if "#" in text:
                    tags.extend(find_tags(text))
                if "[[" in text or "](" in text:
                    links.extend(find_links(text, line_no))
                blank_before = False
                continue

        # (A link needs one of these; a task's `[ ]` is neither.)
        if "[[" in line or "](" in line:
            links.extend(find_links(line, line_no))
        if "#" in line:
            tags.extend(find_tags(line))
        bid = _BLOCK_ID.search(line) if "^" in line else None

        item_match = _LIST_ITEM.match(line) if start in _ITEM_START else None
        if item_match and last_item is None and not blank_before and last_block == "paragraph" and offset > 0:
            # Right under a line of text, only a bullet or `1.` item with some text starts a list
            # (CommonMark): `2. more` or an empty `-` there is more of the paragraph.
            symbol = item_match.group(2)
            empty = item_match.group(4) is None and not item_match.group(5).strip()
            if empty or (symbol[0].isdigit() and symbol[:-1].lstrip("0") != "1"):
                item_match = None
        if item_match:
            prefix, symbol, gap, status, text = item_match.groups()
            indent = len(prefix) if "\t" not in prefix else _indent_width(prefix)
            # An item nests under an open one when it starts at or past that item's content column
            # (CommonMark's rule, and so Obsidian's metadata cache and the rendered page): `- a` then
            # ` - b` are siblings, `1. a` then `   - b` parent and child.
            while stack and stack[-1][0] > indent:
                stack.pop()
            parent = stack[-1][1] if stack else None
            if original != line:  # the text as written: code spans and comments not blanked
                written = _LIST_ITEM.match(original)
                if written:
                    text = written.group(5)
            # (line, parent, status, text, line_count, symbol, section, tags, fields, dates, block_id,
            # children): every field positionally, as keywords took 1.6 times as long and the
            # defaults' factories a tenth more, for some 66,000 items per 10,000 notes.
            item = ListItem(
                line_no, parent.line if parent is not None else None, status, text.strip(), 1, symbol, section,
                [], {}, {}, None, [],
            )
            if parent is not None:
                parent.children.append(line_no)
            if bid:
                item.block_id = bid.group(1)
                block_ids.append(BlockId(bid.group(1), line_no, "list"))
            # The content column: after the marker and one to four spaces (more mean indented code,
            # which starts one space in), or one space in after a bare marker.
            width = len(gap) if "\t" not in gap else _indent_width(prefix + symbol + gap) - indent - len(symbol)
            stack.append((indent + len(symbol) + (width if 0 < width <= 4 and text else 1), item))
            last_block = "list"
            list_items.append(item)
            last_item = item
            blank_before = False
            continue

        # A continuation line of the last list item (indented, or lazily following it).
        if last_item is not None and (not blank_before or lead in " \t") and stripped[0] != "|":
            last_item.text += "\n" + original.strip()
            last_item.line_count = line_no - last_item.line + 1
            if bid:
                last_item.block_id = bid.group(1)
                block_ids.append(BlockId(bid.group(1), line_no, "list"))
            blank_before = False
            continue

        stack.clear()
        last_item = None
        blank_before = False
        first = stripped[0]
        last_block = "table" if first == "|" else "quote" if first == ">" else "paragraph"
        if bid:
            block_ids.append(BlockId(bid.group(1), line_no, last_block))
        # Page-level inline fields from paragraph (and table) lines.
        if "::" in line:
            found = bracket_fields(stripped)
            if found:
                for col, key, value, wrapper in found:
                    if original != line:
                        value = _value_as_written(stripped, _written(original, line), col, wrapper)
                    out.fields.append(InlineField(key, value, line_no, wrapped=wrapper))
            else:
                full = full_line_field(stripped)
                if full:
                    value = full[1]
                    if original != line:
                        value = _value_as_written(stripped, _written(original, line), 0, None)
                    out.fields.append(InlineField(full[0], value, line_no))

    _item_metadata(out)
    return out


def _written(original: str, blanked: str) -> str:
    """`original` as fields read it, column for column with its `visible_text` (`blanked`, which may
    end early at an unclosed comment) once that is stripped on the left: comments blanked, code spans
    kept. (Not stripped on the right, where a blanked code span is what is wanted.)"""
    if "%%" in original:
        original = _INLINE_COMMENT.sub(_blank, original)
    lead = len(blanked) - len(blanked.lstrip())
    return original[lead : len(blanked)]


def _value_as_written(blanked: str, written: str, col: int, wrapper: str | None) -> str:
    """A field's value found in `blanked` (code spans blanked), read from `written` instead: a value
    that is a code span keeps its code (`lang:: ` + a code span), as Dataview reads the raw line."""
    sep = blanked.find("::", col + 1 if wrapper else 0)
    if wrapper is None:
        return written[sep + 2 :].strip()
    end = _closing_index(blanked, sep + 2, wrapper)
    return written[sep + 2 : end].strip()


def _item_metadata(out: BodyScan) -> None:
    """List items' tags, dates and fields, from their whole text; fields on plain items are page fields."""
    for item in out.list_items:
        flat = item.text
        if "\n" in flat:
            flat = flat.replace("\n", " ")
        written = flat
        if "`" in flat or "%%" in flat:
            flat = visible_text(flat)
        if "#" in flat:
            item.tags = find_tags(flat)
        dates = item.dates
        if not flat.isascii():
            dates = item.dates = emoji_dates(flat)
        if "::" not in flat:  # (most items) no field: only the dates, if any, are fields
            if dates:
                item.fields = {key: [value] for key, value in dates.items()}
            continue
        found = bracket_fields(flat)
        shown = _written(written, flat) if written != flat else None
        for col, key, value, wrapper in found:
            if shown is not None:
                value = _value_as_written(flat.strip(), shown, col - (len(flat) - len(flat.lstrip())), wrapper)
            item.fields.setdefault(key, []).append(value)
            out.fields.append(
                InlineField(key, value, item.line, item.line, item.status is not None, wrapper)
            )
        for key, value in dates.items():
            item.fields.setdefault(key, []).append(value)
        written_fields = bool(found)
        if item.status is None and not found:
            full = full_line_field(flat)
            if full:
                value = full[1] if shown is None else _value_as_written(flat.strip(), shown, 0, None)
                item.fields.setdefault(full[0], []).append(value)
                out.fields.append(InlineField(full[0], value, item.line, item.line, False))
                written_fields = True
        # A field such as [due:: x] on a task also sets the task's date when no emoji did (the item's
        # other fields are its emoji dates, already in `dates`).
        if written_fields:
            for key in ("due", "scheduled", "start", "completion", "created"):
                if key not in dates and item.fields.get(key):
                    dates[key] = item.fields[key][0]
