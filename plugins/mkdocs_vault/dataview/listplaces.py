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

import re
from typing import Any

from ..vault.model import ListItem, Note

_MARKER = re.compile(r"^([ \t>]*)(\d+[.)]|[-*+])")


def _units(text: str) -> int:
    """Length in UTF-16 code units (characters beyond the Basic Multilingual Plane count twice)."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


class ItemPlaces:
    """`position` and `list` for the list items of one note (lines counted in the whole file)."""

    def __init__(self, note: Note) -> None:
        self.lines = note.text.split("\n")
        self.starts: list[int] = []
        offset = 0
        for line in self.lines:
            self.starts.append(offset)
            offset += _units(line) + 1
        self.lists = self._list_starts(note.list_items)

    def _line(self, n: int) -> str:
        return self.lines[n] if 0 <= n < len(self.lines) else ""

    def position(self, item: ListItem) -> dict[str, Any]:
        first = self._line(item.line)
        m = _MARKER.match(first)
        col = _units(m.group(1)) if m else 0
        last_line = item.line + max(item.line_count, 1) - 1
        end_col = _units(self._line(last_line).rstrip())
        start = self.starts[item.line] if item.line < len(self.starts) else 0
        end = self.starts[last_line] if last_line < len(self.starts) else start
        return {
            "start": {"line": item.line, "col": col, "offset": start + col},
            "end": {"line": last_line, "col": end_col, "offset": end + end_col},
        }

    def list_of(self, item: ListItem) -> int:
        return self.lists.get(item.line, -1)

    def _list_starts(self, items: list[ListItem]) -> dict[int, int]:
        out: dict[int, int] = {}
        current = -1  # first line of the open list block, -1 if none
        kind = ""  # marker kind of its top-level items
        block_end = -1  # last line of the block so far
        for item in items:
            m = _MARKER.match(self._line(item.line))
            prefix, symbol = (m.group(1), m.group(2)) if m else ("", item.symbol)
            if ">" in prefix:
                out[item.line] = -1  # inside a quote or callout: no list block of Obsidian's holds it
                continue
            if item.parent is not None and item.parent in out:
                out[item.line] = out[item.parent]
            else:
                item_kind = symbol if symbol in "-*+" else symbol[-1]
                gap = range(block_end + 1, item.line)
                continues = current >= 0 and item_kind == kind and all(not self._line(n).strip() for n in gap)
                if not continues:
                    current, kind = item.line, item_kind
                out[item.line] = current
            block_end = max(block_end, item.line + max(item.line_count, 1) - 1)
        return out
