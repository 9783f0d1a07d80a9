"""`%%comments%%` and HTML comments (`<!-- … -->`) removed entirely, inline or across lines, before anything
else reads the text.

Users hide private remarks in comments, so this errs on the side of removal: an unclosed `%%` hides
the rest of the note, as it does in Obsidian, and so does an unclosed `<!--` (Obsidian shows nothing of
an HTML comment; Python-Markdown would pass it on into the page source). `<!-->` and `<!--->` are whole
comments, as CommonMark reads them. Only code is exempt: fenced code blocks (``` and ~~~)
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


# What closes a comment, by what opens it.
CLOSING = {"%%": "%%", "<!--": "-->"}


def strip_comments(lines: list[str], keep_lines: bool = False) -> list[str]:
    """The lines with every `%%...%%` and `<!--...-->` comment removed (see the module docstring). With
    `keep_lines`, a line that was all comment stays as an empty line, so every line keeps its number
    (what the metadata scanner needs)."""
    text = "\n".join(lines)
    if "%%" not in text and "<!--" not in text:
        return list(lines)  # most notes hold no comment mark: every line stays (one scan, not one a line)
    out: list[str] = []
    fence_end = -1  # index of the closing fence line while inside fenced code
    in_comment: str | None = None  # the closing mark of the comment the line starts in
    for index, line in enumerate(lines):
        if index <= fence_end:
            out.append(line)
            continue
        if not in_comment:
            m = FENCE_RE.match(line)
            if m and "%%" not in line[: m.start(1)] and "<!--" not in line[: m.start(1)]:
                close = _closing_fence(lines, index + 1, m.group(1))
                # An unclosed fence is not code (Markdown renders it as text): no protection.
                if close >= 0:
                    fence_end = close
                    out.append(line)
                    continue
        kept, in_comment = _strip_line(line, in_comment)
        if kept is None:
            if keep_lines:
                out.append("")
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


def _strip_line(line: str, in_comment: str | None) -> tuple[str | None, str | None]:
    """One line's text outside comments (None when nothing of the line remains), and the closing mark of
    the comment still open after it (None when none is)."""
    pieces: list[str] = []
    touched = in_comment is not None
    i = 0
    while i < len(line):
        if in_comment:
            end = line.find(in_comment, i)
            if end < 0:
                i = len(line)
                break
            i = end + len(in_comment)
            in_comment = None
            continue
        start, opening = _next_opening(line, i)
        tick = line.find("`", i)
        if start < 0:
            pieces.append(line[i:])
            break
        if 0 <= tick < start:
            # A code span on this line protects its comment marks; an unmatched backtick is literal.
            run = _TICKS.match(line, tick).group(0)
            close = _find_run(line, tick + len(run), run)
            stop = close + len(run) if close >= 0 else tick + len(run)
            pieces.append(line[i:stop])
            i = stop
            continue
        pieces.append(line[i:start])
        touched = True
        i = start + len(opening)
        if opening == "<!--" and line.startswith((">", "->"), i):
            i += 1 if line[i] == ">" else 2  # `<!-->` and `<!--->`: empty comments, closed at once
        else:
            in_comment = CLOSING[opening]
    text = "".join(pieces)
    if touched and not text.strip():
        return None, in_comment
    return text, in_comment


def _next_opening(line: str, start: int) -> tuple[int, str]:
    """Where the first comment mark at or after `start` is, and which (-1 and "" when there is none)."""
    percent = line.find("%%", start)
    html = line.find("<!--", start) if "<!--" in line else -1
    if html >= 0 and (percent < 0 or html < percent):
        return html, "<!--"
    return percent, "%%"


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
