"""How deeply lists and blockquotes may nest: Python-Markdown parses nested blocks recursively and
raises RecursionError at about 500 levels, which would abort a whole MkDocs build. The scanner reports
lines past the cap; `markdown.nesting` flattens them to the cap before rendering.
"""

from __future__ import annotations

import re

MAX_QUOTE_DEPTH = 100
# Headings a note renders as headings: MkDocs' search plugin places each heading by walking the table of
# contents from its top, so its time grows with the square of a page's headings (5,000 took 14 s of a
# build; 50,000 would take hours). The scanner reports a note past the cap; `markdown.heading_cap`
# shows the headings past it as paragraphs.
MAX_HEADINGS = 1000
MAX_INDENT = 4 * 100  # columns of leading indentation (a list level is 2-4 columns)
_QUOTES = re.compile(r"^(?:[ \t]{0,3}>)+")


def cap_line(line: str) -> str:
    """The line with at most MAX_QUOTE_DEPTH quote markers and MAX_INDENT columns of indentation."""
    if line.startswith((" ", "\t")):
        stripped = line.lstrip(" \t")
        width = len(line[: len(line) - len(stripped)].expandtabs(4))
        if width > MAX_INDENT:
            line = " " * MAX_INDENT + stripped
    if ">" in line[:4]:
        m = _QUOTES.match(line)
        if m and m.group(0).count(">") > MAX_QUOTE_DEPTH:
            line = ">" * MAX_QUOTE_DEPTH + " " + line[m.end() :].lstrip()
    return line


def too_deep(line: str) -> bool:
    return cap_line(line) != line
