"""Split link text as Obsidian does: `[[target#subpath|display]]` and Markdown link hrefs.

Upstream of everything that reads links (the vault scanner that records them, the links extension
that renders them, the pages that show them), so all of them agree on what a link names.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import unquote

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")  # http:, file:, mailto:, C: ...


@dataclass(frozen=True, slots=True)
class WikiLink:
    """The parts of `[[target#subpath|display]]` (brackets already removed)."""

    target: str  # "" for a same-page link such as `[[#Heading]]`
    subpath: str | None  # "Heading", "Heading#Sub", "^block-id"; None when there is no '#'
    display: str | None  # text after the first '|', None when absent


# Memoised: a vault names the same few thousand notes over and over, and the result is immutable.
@functools.lru_cache(maxsize=16384)
def parse_wikilink(inner: str) -> WikiLink:
    """Split the text between `[[` and `]]` into target, subpath and display text.

    The first `|` separates the display text (Obsidian's rule; `\\|`, the escaped pipe used inside
    tables, counts as a separator too). The first `#` of the rest starts the subpath; surrounding
    whitespace is trimmed from every part, and empty subpath segments (`Note##Head`, `Note#^`) are dropped.
    """
    inner = inner.replace("\\|", "|")
    link, bar, display = inner.partition("|")
    target, hash_, subpath = link.partition("#")
    sub: str | None = None
    if hash_:
        # (`^` alone, a block link with no id, is as empty as `#` alone: a link to the note itself.)
        parts = [p.strip() for p in subpath.split("#")]
        sub = "#".join(p for p in parts if p and p != "^")
    return WikiLink(target.strip(), sub, display.strip() if bar else None)


@dataclass(frozen=True, slots=True)
class MarkdownTarget:
    """A Markdown link's href, decoded into a vault link path and subpath."""

    target: str
    subpath: str | None


def decode_markdown_target(href: str) -> MarkdownTarget | None:
    """Decode the href of `[text](href)` into a vault link, or None for an external link.

    Handles `Note%20Name.md`, `<Note Name.md>`, `Note.md#Some%20Heading` and `#Heading`. URLs with
    a scheme (`https:`, `mailto:`) and protocol-relative `//host` links are external, not vault links.
    """
    href = href.strip()
    if href.startswith("<") and href.endswith(">"):
        href = href[1:-1].strip()
    if not href or href.startswith("//") or _SCHEME.match(href):
        return None
    path, hash_, fragment = href.partition("#")
    path = path.partition("?")[0]
    sub: str | None = None
    if hash_:
        parts = [p.strip() for p in unquote(fragment).split("#")]
        sub = "#".join(p for p in parts if p)
    return MarkdownTarget(unquote(path).strip(), sub)
