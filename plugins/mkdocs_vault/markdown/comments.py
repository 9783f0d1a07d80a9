"""`%%comments%%` removed entirely, inline or across lines, before anything else reads the text.

Users hide private remarks in comments, so this errs on the side of removal: an unclosed `%%` hides
the rest of the note, as it does in Obsidian. Only code is exempt: fenced code blocks (``` and ~~~)
and inline code spans on one line keep their `%%` as written. Indented code blocks are not
recognised (telling them from list continuations needs the block parser, which runs too late: a
comment must be gone before any block is formed, or it could split a paragraph).

A preprocessor at priority 28: after whitespace normalisation (30), before fenced code is stashed (25)
and raw HTML is stashed (20), so a comment that wraps HTML or a fence is removed with it. Lines that
were entirely comment disappear rather than becoming blank lines, so a comment between two lines of
a paragraph does not split it.
"""

from __future__ import annotations

import re
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

__all__ = ["CommentsExtension", "makeExtension", "strip_comments"]

FENCE_RE = re.compile(r"^[ \t>]*(`{3,}|~{3,})")
_TICKS = re.compile(r"`+")


def strip_comments(lines: list[str]) -> list[str]:
    """The lines with every `%%...%%` comment removed (see the module docstring for the rules)."""
    out: list[str] = []
    fence_end = -1  # index of the closing fence line while inside fenced code
    in_comment = False
    for index, line in enumerate(lines):
        if index <= fence_end:
            out.append(line)
            continue
        if not in_comment:
            m = FENCE_RE.match(line)
            if m and "%%" not in line[: m.start(1)]:
                close = _closing_fence(lines, index + 1, m.group(1))
                # An unclosed fence is not code (Markdown renders it as text): no protection.
                if close >= 0:
                    fence_end = close
                    out.append(line)
                    continue
        kept, in_comment = _strip_line(line, in_comment)
        if kept is None:
            continue
        out.append(kept)
    return out


def _closing_fence(lines: list[str], start: int, fence: str) -> int:
    for index in range(start, len(lines)):
        m = FENCE_RE.match(lines[index])
        if (
            m
            and m.group(1)[0] == fence[0]
            and len(m.group(1)) >= len(fence)
            and not lines[index][m.end() :].strip()
        ):
            return index
    return -1


def _strip_line(line: str, in_comment: bool) -> tuple[str | None, bool]:
    """One line's text outside comments (None when nothing of the line remains), and the state after it."""
    pieces: list[str] = []
    touched = in_comment
    i = 0
    while i < len(line):
        if in_comment:
            end = line.find("%%", i)
            if end < 0:
                i = len(line)
                break
            in_comment = False
            i = end + 2
            continue
        start = line.find("%%", i)
        tick = line.find("`", i)
        if start < 0:
            pieces.append(line[i:])
            break
        if 0 <= tick < start:
            # A code span on this line protects its `%%`; an unmatched backtick is literal.
            run = _TICKS.match(line, tick).group(0)
            close = _find_run(line, tick + len(run), run)
            stop = close + len(run) if close >= 0 else tick + len(run)
            pieces.append(line[i:stop])
            i = stop
            continue
        pieces.append(line[i:start])
        touched = True
        in_comment = True
        i = start + 2
    text = "".join(pieces)
    if touched and not text.strip():
        return None, in_comment
    return text, in_comment


def _find_run(line: str, start: int, run: str) -> int:
    """Position of a backtick run exactly as long as `run` at or after `start`, or -1."""
    for m in _TICKS.finditer(line, start):
        if m.group(0) == run:
            return m.start()
    return -1


class CommentsPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return strip_comments(lines)


class CommentsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(CommentsPreprocessor(md), "vault-comments", 28)


def makeExtension(**kwargs: Any) -> CommentsExtension:
    return CommentsExtension(**kwargs)
