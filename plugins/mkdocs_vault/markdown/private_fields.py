"""Inline fields whose key is one of the `private_keys` (`rate:: 150`, `[salary:: 90k]`, `(rate:: 1)`) are
removed from a note's rendered body, so their values appear nowhere in the site.

The index and Dataview already leave these keys out; the body is the remaining place such a value would
show, since Markdown renders `rate:: 150` as ordinary text. A line that is nothing but a private field
disappears (like a comment line, it does not split the paragraph around it); an inline `[key:: value]` or
`(key:: value)` is cut out of its line. Keys match as the index matches them: case-insensitive, in
written or Dataview-normalised form.

A preprocessor at priority 27: after comments are removed (28), before fenced code is stashed (25), so it
skips fenced code itself (as the comments extension does) and leaves code spans on a line alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from ..index.build import is_private
from ..vault.scan import bracket_fields, full_line_field, visible_text
from .comments import FENCE_RE, _closing_fence

__all__ = ["PrivateFieldsExtension", "makeExtension", "strip_private_fields", "strip_private_line"]

_LIST_MARK = re.compile(r"^([ \t>]*(?:[-*+]|\d+[.)])[ \t]+(?:\[.\][ \t]+)?)")
_QUOTE_MARK = re.compile(r"^([ \t>]*)")


def _bracketed(line: str, private: frozenset[str]) -> list[tuple[int, int]]:
    """(start, end) of every `[key:: value]` / `(key:: value)` with a private key, outside code spans."""
    visible = visible_text(line)  # code spans blanked, same length
    spans: list[tuple[int, int]] = []
    for open_, close in (("[", "]"), ("(", ")")):
        start = visible.find(open_)
        while start >= 0:
            sep = visible.find("::", start + 1)
            end = _closing(visible, sep + 2, open_, close) if sep > 0 else -1
            key = visible[start + 1 : sep].strip() if sep > 0 else ""
            if end > 0 and key and not any(c in key for c in "[]()") and is_private(key, private):
                spans.append((start, end + 1))
                start = visible.find(open_, end + 1)
            else:
                start = visible.find(open_, start + 1)
    return sorted(spans)


def _closing(text: str, start: int, open_: str, close: str) -> int:
    depth = 0
    for index in range(start, len(text)):
        if text[index] == open_:
            depth += 1
        elif text[index] == close:
            if depth == 0:
                return index
            depth -= 1
    return -1


def _strip_line(line: str, private: frozenset[str]) -> str | None:
    """The line without its private fields; None when nothing else was on it."""
    if "::" not in line:
        return line
    prefix = (_LIST_MARK.match(line) or _QUOTE_MARK.match(line)).group(1)
    spans = _bracketed(line, private)
    if spans:
        out, last = [], 0
        for start, end in spans:
            out.append(line[last:start])
            last = end
        out.append(line[last:])
        kept = re.sub(r"[ \t]{2,}", " ", "".join(out)).rstrip()
        return None if kept.strip() == prefix.strip() else kept
    rest = visible_text(line[len(prefix) :]).strip()
    # As Dataview reads it: a line with bracketed fields has no full-line field.
    if not bracket_fields(rest):
        full = full_line_field(rest)
        if full is not None and is_private(full[0], private):
            return None
    return line


def strip_private_line(line: str, private: frozenset[str]) -> str | None:
    """One line without its private fields (`private`: lower-cased keys); None when nothing else was on
    it. Code spans are left alone; the caller keeps fenced code and comments away."""
    return _strip_line(line, private)


def strip_private_fields(lines: list[str], private_keys: Iterable[str]) -> list[str]:
    """The lines with every inline field whose key is private removed (see the module docstring)."""
    private = frozenset(k.lower() for k in private_keys)
    if not private:
        return lines
    out: list[str] = []
    fence_end = -1
    for index, line in enumerate(lines):
        if index <= fence_end:
            out.append(line)
            continue
        m = FENCE_RE.match(line)
        if m:
            close = _closing_fence(lines, index + 1, m.group(1))
            if close >= 0:
                fence_end = close
                out.append(line)
                continue
        kept = _strip_line(line, private)
        if kept is not None:
            out.append(kept)
    return out


class PrivateFieldsPreprocessor(Preprocessor):
    def __init__(self, md: Markdown, private_keys: Iterable[str]) -> None:
        super().__init__(md)
        self.private_keys = list(private_keys)

    def run(self, lines: list[str]) -> list[str]:
        return strip_private_fields(lines, self.private_keys)


class PrivateFieldsExtension(Extension):
    """`PrivateFieldsExtension(private_keys=[...])`: nothing happens without keys."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {"private_keys": [[], "inline-field keys whose values are never shown"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        keys = self.getConfig("private_keys") or []
        md.preprocessors.register(PrivateFieldsPreprocessor(md, keys), "vault-private-fields", 27)


def makeExtension(**kwargs: Any) -> PrivateFieldsExtension:
    return PrivateFieldsExtension(**kwargs)
