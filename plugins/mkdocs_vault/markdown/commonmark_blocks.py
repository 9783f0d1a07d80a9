"""CommonMark's block structure for Python-Markdown: lists, quotes, code, rules and headings as
Obsidian's reading view (CommonMark + GFM) builds them.

Python-Markdown follows Markdown.pl's block rules, not CommonMark's: a list needs a blank line before
it, a nested item needs four spaces (`1. a` then `   - b` is flattened), `1)` is not a list marker,
changing the bullet (`-` then `*`) does not start a new list, a fence right after a line of text stays
inside the paragraph, and a paragraph followed by `---` is a paragraph and a rule rather than a setext
heading. Notes are written for Obsidian, so those shapes are everywhere in real vaults.

How: the note is parsed by markdown-it-py (block rules only, GFM tables on), a well-kept CommonMark
parser that passes the spec's tests; from its tokens and their line ranges this preprocessor writes
the same text back in the shape Python-Markdown reads the same way: every list level indented by four
spaces under its item, each container's prefix (`> `, the item's marker) rewritten and the leaf text
kept as written, a blank line where a block interrupts a paragraph, `N)` as `N.`, setext headings as
ATX headings, an empty HTML comment between two lists CommonMark keeps apart. Everything after the
block structure (inline Markdown, callouts, block ids, fences' contents, tables, Dataview) still goes
through Python-Markdown and our extensions unchanged.

Why not an existing Python-Markdown extension: `mdx_truly_sane_lists` (unchanged since 2022) only
sets one fixed nesting indent for the whole note, where CommonMark nests by each item's own content
column; `mdx_breakless_lists` (2020) only adds the missing blank line. Neither handles `1)`, bullet
changes, fences after text or setext headings, and both still leave the structure to rules that
are not CommonMark's. Replacing Python-Markdown by markdown-it-py outright would drop the extensions
the site is built on (superfences, arithmatex, footnotes, toc, ours).

Cost: markdown-it-py's block pass adds about a third to Python-Markdown's time for the same note, so
`needs_commonmark` first looks for any shape on which the two can differ (a block right under a line
of text, an indent that is not a multiple of four, `N)`, a changed bullet, `---` or `===` under text,
a fence that is indented, unclosed or has text right against it); a note with none is passed through
untouched. That search is one regular expression over the note (about 15-30 µs a note); none of the
generated benchmark notes and 40 of the 268 corpus notes go on to the full pass. A test checks on every
corpus note that the notes the gate skips would come out of the full pass with the same blocks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor
from markdown_it import MarkdownIt

__all__ = ["CommonMarkBlocksExtension", "commonmark_lines", "makeExtension", "needs_commonmark"]

# Block rules only: inline content is Python-Markdown's job. GFM tables on, as in Obsidian. Nesting
# deep enough for the nesting cap (`vault.nesting`: 100 quote levels or 400 columns); a list level is
# two levels for markdown-it (the list and its item).
_PARSER = MarkdownIt("commonmark", {"maxNesting": 220}).enable("table").disable(["inline", "text_join"])

_CONTAINERS = {"blockquote_open", "list_item_open"}
_LISTS = {"bullet_list_open", "ordered_list_open"}
_LEAVES = {"paragraph_open", "heading_open", "fence", "code_block", "hr", "html_block", "table_open"}
_LIST_KINDS = ("bullet_list", "ordered_list")
_FENCE_OPEN = re.compile(r"( {0,3})(`{3,}|~{3,})")
_FENCE_CLOSE = re.compile(r" {0,3}(`{3,}|~{3,})[ ]*$")
# A lazy line's text that Python-Markdown would read as a list item or a setext underline: its marker
# gets a backslash.
_LAZY_MARKER = re.compile(r"^(\d{0,9})([-+*.)])(?=[ ]|$)|^()(=)(?==*[ ]*$)")
_STASHED = {"fence", "code_block", "html_block", "table"}
_QUOTE_PREFIX = re.compile(r" {0,3}>( ?)")
_ITEM_PREFIX = re.compile(r"( {0,3})([-+*]|\d{1,9}[.)])( *)")
#: What Python-Markdown gets between two lists CommonMark keeps apart: an element that shows nothing.
LIST_BREAK_HTML = "<!-- -->"


@dataclass(eq=False)
class _Block:
    kind: str  # the token type without "_open": "blockquote", "list_item", "bullet_list", "paragraph", …
    start: int
    end: int
    markup: str = ""
    info: str = ""
    parent: _Block | None = None
    previous: _Block | None = None  # the sibling before it
    width: int = 0  # a list item's content column, relative to its container's content
    children: list[_Block] = field(default_factory=list)


def _tree(lines: list[str]) -> list[_Block]:
    """The blocks markdown-it-py finds, as a tree (top-level blocks returned)."""
    top: list[_Block] = []
    stack: list[_Block] = []
    for token in _PARSER.parse("\n".join(lines)):
        kind = token.type
        if kind.endswith("_close"):
            if kind[:-6] in ("blockquote", "list_item", "bullet_list", "ordered_list"):
                stack.pop()
            continue
        if token.map is None or not (kind in _CONTAINERS or kind in _LISTS or kind in _LEAVES):
            continue
        block = _Block(kind.removesuffix("_open"), token.map[0], token.map[1], token.markup, token.info)
        siblings = stack[-1].children if stack else top
        block.parent = stack[-1] if stack else None
        block.previous = siblings[-1] if siblings else None
        siblings.append(block)
        if kind in _CONTAINERS or kind in _LISTS:
            stack.append(block)
    return top


def commonmark_lines(lines: list[str], stash: Callable[[str], str]) -> list[str]:
    """`lines` rewritten so Python-Markdown builds the blocks CommonMark builds (see the module
    docstring). `stash(html)` keeps raw HTML aside and returns the placeholder Python-Markdown puts it
    back for (`md.htmlStash.store`): an empty comment between two lists, nothing in an empty item."""
    count = len(lines)
    chains: list[list[_Block]] = [[] for _ in range(count)]  # containers around each line, outermost first
    leaf_of: list[_Block | None] = [None] * count
    starts: list[_Block | None] = [None] * count  # the outermost block starting on each line

    def visit(blocks: list[_Block]) -> None:
        for block in blocks:
            if block.start < count and starts[block.start] is None:
                starts[block.start] = block
            if block.kind in ("blockquote", "list_item"):
                for line in range(block.start, min(block.end, count)):
                    chains[line].append(block)
            elif block.kind not in _LIST_KINDS:
                for line in range(block.start, min(block.end, count)):
                    leaf_of[line] = block
            visit(block.children)

    visit(_tree(lines))

    out: list[str] = []
    blank_at = [False] * count  # the line is blank, or a blank line was put before it
    for index, line in enumerate(lines):
        chain = chains[index]
        rest, lazy = _strip_containers(line, index, chain)
        leaf = leaf_of[index]
        prefix = "".join(_prefix(block, index, lazy) for block in chain)
        blank = not rest.strip()
        blank_at[index] = blank

        new = starts[index]
        if new is not None and not lazy:
            parent = new.parent
            previous = new.previous
            is_list = new.kind in _LIST_KINDS
            # A list right under the text on its item's own line: Python-Markdown nests it without a
            # blank line (under a later paragraph of the item it needs one).
            under_text = (
                is_list
                and parent is not None
                and parent.kind == "list_item"
                and previous is not None
                and previous.kind == "paragraph"
                and previous.start == parent.start
            )
            # After code, a table or HTML even the next item needs one: Python-Markdown would read it
            # as more of that block's placeholder paragraph. So does an item after an item holding a
            # blank line: Python-Markdown would take it for more of that item's last paragraph.
            after_block = index > 0 and leaf_of[index - 1] is not None and leaf_of[index - 1].kind in _STASHED
            after_loose = (
                new.kind == "list_item"
                and previous is not None
                and any(blank_at[k] for k in range(previous.start + 1, index))
            )
            gap = _blank_prefix(chain, new)
            if (
                out
                and out[-1].rstrip() != gap
                and ((new.kind != "list_item" and not under_text) or after_block or after_loose)
            ):
                out.append(gap)
                blank_at[index] = True
            if (
                previous is not None
                and previous.kind in _LIST_KINDS
                and (
                    previous.kind == new.kind
                    or new.kind == "code_block"
                    or (is_list and _ends_nested(previous))
                )
            ):
                # Two lists in a row (another bullet, `.` then `)`; a bullet after a numbered list whose
                # last item holds a list), or code after a list: Python-Markdown would make one list, or
                # put the code or the list in the last item.
                holder = _blank_prefix(chain, new)
                out.extend([_line_prefix(chain, new) + stash(LIST_BREAK_HTML), holder])

        opens_item = bool(chain) and chain[-1].kind == "list_item" and chain[-1].start == index and not lazy
        if opens_item and leaf is not None and leaf.start == index and leaf.kind in ("fence", "code_block"):
            # Code on the item's own line: Python-Markdown finds code only at the start of a line.
            out.append(prefix + stash(""))
            prefix = "".join(_prefix(block, -1, True) for block in chain)
            out.append(prefix.rstrip())
        if leaf is not None and leaf.kind == "fence":
            out.extend(_fence_line(leaf, index, rest, prefix, lines))
            continue
        if blank:
            # An empty item: `-` alone would be text to Python-Markdown (or a setext underline).
            out.append(prefix + stash("") if opens_item else prefix.rstrip())
            continue
        if leaf is not None and leaf.kind == "heading" and leaf.markup in ("=", "-"):
            if index == leaf.start:
                text = " ".join(_heading_lines(lines, chains, leaf))
                out.append(prefix + ("#" if leaf.markup == "=" else "##") + " " + text)
            continue  # the other lines of a setext heading are in the ATX line
        if leaf is not None and leaf.kind == "hr":
            out.append(prefix + "***")
            continue
        if lazy:
            rest = _LAZY_MARKER.sub(_escape_marker, rest.lstrip(" "), count=1)
        elif leaf is not None and leaf.start == index and leaf.kind in ("paragraph", "heading"):
            rest = rest.lstrip(" ")  # (Python-Markdown wants an ATX heading at the line's start)
        out.append(prefix + rest)
    return out


def _escape_marker(m: re.Match[str]) -> str:
    return (m.group(1) or "") + "\\" + (m.group(2) or m.group(4))


def _ends_nested(listing: _Block) -> bool:
    """Whether the last item of a list holds a list of its own."""
    last = listing.children[-1] if listing.children else None
    return last is not None and any(child.kind in _LIST_KINDS for child in last.children)


def _strip_containers(line: str, index: int, chain: list[_Block]) -> tuple[str, bool]:
    """The line without its containers' prefixes, and whether it is a lazy continuation line (one
    that leaves out a prefix; the rest of the line is then paragraph text)."""
    rest = line
    for block in chain:
        if block.kind == "blockquote":
            m = _QUOTE_PREFIX.match(rest)
            if m is None:
                return rest, True
            rest = rest[m.end() :]
        elif index == block.start:
            m = _ITEM_PREFIX.match(rest)
            if m is None:  # (not expected: markdown-it found an item here)
                return rest, True
            marker_end = m.end(2)
            after = rest[marker_end:]
            spaces = len(m.group(3))
            # The content column: after the marker and 1-4 spaces; 5 or more mean indented code.
            block.width = marker_end + (1 if not after.strip() or spaces > 4 else spaces)
            rest = rest[block.width :] if after.strip() else ""
        else:
            indent = len(rest) - len(rest.lstrip(" "))
            if not rest.strip():
                rest = ""
            elif indent >= block.width:
                rest = rest[block.width :]
            else:
                return rest, True
    return rest, False


def _fence_line(fence: _Block, index: int, rest: str, prefix: str, lines: list[str]) -> list[str]:
    """A line of fenced code in the shape superfences reads: the fence at the container's content
    column, its indentation taken off the code lines, the closing fence written out (also where the
    fence ran to the end of its container unclosed)."""
    opening = fence.markup
    if index == fence.start:
        m = _FENCE_OPEN.match(rest)
        fence.width = len(m.group(1)) if m else 0
        shown = [prefix + (rest[fence.width :] if m else rest)]
    else:
        m = _FENCE_CLOSE.match(rest)
        if m and m.group(1)[0] == opening[0] and len(m.group(1)) >= len(opening):
            return [prefix + opening]
        indent = len(rest) - len(rest.lstrip(" "))
        code = rest[min(indent, fence.width) :]
        shown = [prefix + code if code else prefix.rstrip()]
    if index == fence.end - 1 or index == len(lines) - 1:
        shown.append(prefix + opening)  # unclosed: CommonMark ends the code with its container
    return shown


def _heading_lines(lines: list[str], chains: list[list[_Block]], heading: _Block) -> list[str]:
    """The text lines of a setext heading (without its underline), container prefixes removed."""
    texts = []
    for index in range(heading.start, heading.end - 1):
        rest = lines[index]
        for block in chains[index]:
            if block.kind == "blockquote":
                m = _QUOTE_PREFIX.match(rest)
                rest = rest[m.end() :] if m else rest
            elif index == block.start:
                rest = rest[block.width :]
        texts.append(rest.strip())
    return texts


def _prefix(block: _Block, index: int, lazy: bool) -> str:
    if block.kind == "blockquote":
        return "> "
    if index == block.start and not lazy:
        marker = block.markup
        if block.info:  # an ordered item: its number as written, with `.` (Python-Markdown knows no `)`)
            marker = block.info + "."
        return marker + " "
    return "    "


def _blank_prefix(chain: list[_Block], new: _Block) -> str:
    """A blank line inside the containers that hold `new` (quote markers kept)."""
    return _line_prefix(chain, new).rstrip()


def _line_prefix(chain: list[_Block], new: _Block) -> str:
    """The continuation prefix of the containers around `new` (not `new` itself)."""
    parts = []
    for block in chain:
        if block is new or (block.kind == "list_item" and block.parent is new):
            break
        parts.append("> " if block.kind == "blockquote" else "    ")
    return "".join(parts)


# -- the gate --------------------------------------------------------------------------------------

_FENCE_LINE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})(.*)$", re.MULTILINE)
_ITEM = r"(?:[-+*]|\d{1,9}[.)])(?:[ ]|$)"
# A line of text: one that starts with none of the marks that open an item, quote, table or fence.
_TEXT_LINE = r"[ ]*+(?:[^\s\->|`~*+\d]|`(?!``)|~(?!~~)|[-*+](?![ ]|$)|\d++(?![.)]))[^\n]*+\n"
# Each alternative is a shape on which Python-Markdown and CommonMark can build different blocks; a
# note with none of them is left as it is. Searched over the whole note at once, without backtracking
# (possessive quantifiers): a loop over the lines in Python cost a tenth of the conversion time.
_DIFFERS = re.compile(
    "^(?:"
    + "|".join(
        [
            r"[ >]*+\d{1,9}\)(?:[ ]|$)",  # `1)` items
            r"(?:[ ]{4})*+[ ]{1,3}\S",  # a line indented by other than a multiple of four
            # an empty item, or one opening with code
            r"[ >]*+(?:[-+*]|\d{1,9}[.)])(?:[ ]*+$|[ ]{1,4}(?:```|~~~)|[ ]{5})",
            rf"[ ]*+>[ >]*+(?:{_ITEM}|```|~~~|[-=_*]{{3}})",  # a list, fence or rule inside a quote
            r"[ ]*+>[^\n]*+\n[ ]*+[^\s>]",  # a quote and then a line that is not quoted
            rf"{_TEXT_LINE}[ ]*+(?:{_ITEM}|>|\|)",  # a line of text, then a list, quote or table under it
            rf"[ ]*+\|[^\n]*+\n[ ]*+(?:{_ITEM}|>)",  # a table row, then a list or quote under it
            # Any line and a rule or setext underline right under it.
            r"[ ]*+\S[^\n]*+\n[ ]*+(?:(?:[-_*][ ]*+){3,}|=++[ ]*+|-++[ ]*+)$",
            # A bullet changed between two items at the same indent, or a bullet item after an ordered
            # one or the other way round (with blank or more indented lines between, or none).
            r"([ ]*+)([-+*])[ ][^\n]*+\n(?:(?:\1[ ]++[^\n]*+|[ ]*+)\n)*+\1(?!\2)[-+*][ ]",
            r"([ ]*+)\d{1,9}\.[ ][^\n]*+\n(?:(?:\3[ ]++[^\n]*+|[ ]*+)\n)*+\3[-+*][ ]",
            r"([ ]*+)[-+*][ ][^\n]*+\n(?:(?:\4[ ]++[^\n]*+|[ ]*+)\n)*+\4\d{1,9}\.[ ]",
            r"[ ]{0,3}[-_*][-_* ]*?[ ]{3}[-_* ]*$",  # a rule spaced out: an item to Python-Markdown
        ]
    )
    + ")|\t",  # (tabs are expanded before this step; a tab means a caller that did not)
    re.MULTILINE,
)


def needs_commonmark(lines: list[str]) -> bool:
    """Whether Python-Markdown and CommonMark could build different blocks from `lines`.

    False only for notes made of shapes both read alike: blocks separated by blank lines, list items
    at four-space steps with one marker kind per list, fences with blank lines around them.
    """
    text = "\n".join(lines)
    if _DIFFERS.search(text) is not None:
        return True
    if "```" not in text and "~~~" not in text:
        return False
    # Fences: one opening right under a line of text, or text right under a closing one.
    fence = ""
    for m in _FENCE_LINE.finditer(text):
        mark, start, end = m.group(1), m.start(), m.end()
        if fence:
            if mark[0] == fence[0] and len(mark) >= len(fence) and not m.group(2).strip():
                if len(mark) != len(fence):
                    return True  # superfences closes a fence only with one of the same length
                fence = ""
                following = text.find("\n", end + 1)
                if text[end + 1 : following if following >= 0 else len(text)].strip():
                    return True
            continue
        fence = mark
        if text[start] == " ":
            return True  # an indented fence: superfences wants its code indented alike
        if start and text[text.rfind("\n", 0, start - 1) + 1 : start - 1].strip():
            return True
    return bool(fence)  # an unclosed fence: code to the end, for CommonMark


class CommonMarkBlocksPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        if not needs_commonmark(lines):
            return lines
        return commonmark_lines(lines, self.md.htmlStash.store)


class CommonMarkBlocksExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After whitespace normalisation (30, which expands tabs), comments (28), private fields and
        # Dataview blocks (27); before fenced code is stashed (25) and raw HTML (20).
        md.preprocessors.register(CommonMarkBlocksPreprocessor(md), "vault-commonmark-blocks", 26)


def makeExtension(**kwargs: Any) -> CommonMarkBlocksExtension:
    return CommonMarkBlocksExtension(**kwargs)
