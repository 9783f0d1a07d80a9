"""Where a note's list items are, as Obsidian's metadata cache tells Dataview: `position` and `list`.

Dataview copies each item's `position` from Obsidian (`{start: {line, col, offset}, end: {...}}`, 0-based,
columns and offsets in UTF-16 code units as JavaScript counts them, the start at the item's marker and
the end at the end of its own last line) and sets `list` to the first line of the list block the item
belongs to, or -1 when no list block holds it (an item inside a blockquote or callout, which Obsidian
files under the quote). A list block runs on over blank lines and nested items, and ends at any other
line, or where a top-level item changes its kind of marker (`-` to `*`, `1.` to `1)`), as CommonMark
starts a new list there.
"""

from __future__ import annotations

import bisect
import re
from itertools import accumulate
from typing import Any

from ..vault.model import ListItem, Note

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # two UTF-16 code units each


class _Place:
    """Lends a `position`'s `start` or `end` its dict (`position`)."""


class _Position:
    """Lends a `position` its dict."""


class ItemPlaces:
    """`position` and `list` for the list items of one note (lines counted in the whole file).

    Made for every note with list items on every build, so written for speed: the line lengths and
    starts come from C-level `split` and `accumulate`, and a UTF-16 offset is the character offset plus
    the number of characters beyond the Basic Multilingual Plane before it (none in most notes).
    """

    __slots__ = ("astral", "lines", "lists", "starts")

    def __init__(self, note: Note) -> None:
        text = note.text
        self.lines = lines = text.split("\n")
        # Characters before line n: the lengths of the lines before it, plus one line break each.
        self.starts = list(accumulate(map(len, lines), initial=0))
        self.astral = None if text.isascii() else [m.start() for m in _ASTRAL.finditer(text)]
        self.lists = self._list_starts(note.list_items)

    def position(self, item: ListItem) -> dict[str, Any]:
        lines, starts = self.lines, self.starts
        n = item.line
        last = n + (max(1, item.line_count)) - 1
        if last >= len(lines):
            last = n = min(n, len(lines) - 1)
        first = lines[n]
        col = len(first) - len(first.lstrip(" \t>"))  # the marker, after indentation and quotes
        end_col = len(lines[last].rstrip())
        line_start, last_start = starts[n] + n, starts[last] + last
        start, end = line_start + col, last_start + end_col
        astral = self.astral
        if astral:  # offsets and columns in UTF-16 code units, as JavaScript counts
            before = bisect.bisect_left
            col += before(astral, start) - before(astral, line_start)
            end_col += before(astral, end) - before(astral, last_start)
            start += before(astral, start)
            end += before(astral, end)
        # Three dicts for every list item of the vault: attribute dicts, whose keys their class keeps
        # once (as `pages._ItemDict`), each a `dict` with the keys in this order.
        first, final, position = _Place(), _Place(), _Position()
        first.line, first.col, first.offset = item.line, col, start
        final.line, final.col, final.offset = last, end_col, end
        position.start, position.end = first.__dict__, final.__dict__
        return position.__dict__

    def list_of(self, item: ListItem) -> int:
        return self.lists.get(item.line, -1)

    def _list_starts(self, items: list[ListItem]) -> dict[int, int]:
        out: dict[int, int] = {}
        lines = self.lines
        current = -1  # first line of the open list block, -1 if none
        kind = ""  # marker kind of its top-level items
        block_end = -1  # last line of the block so far
        for item in items:
            line = lines[item.line] if item.line < len(lines) else ""
            lead = line[: len(line) - len(line.lstrip(" \t>"))]
            if ">" in lead:
                out[item.line] = -1  # inside a quote or callout: no list block of Obsidian's holds it
                continue
            if item.parent is not None and item.parent in out:
                out[item.line] = out[item.parent]
            else:
                symbol = item.symbol
                item_kind = symbol if symbol in "-*+" else symbol[-1]
                continues = (
                    current >= 0
                    and item_kind == kind
                    and not any(lines[g].strip() for g in range(block_end + 1, item.line))
                )
                if not continues:
                    current, kind = item.line, item_kind
                out[item.line] = current
            end = item.line + (max(1, item.line_count)) - 1
            block_end = max(block_end, end)
        return out
