"""Fenced code blocks whose info string Obsidian accepts but pymdownx.superfences does not.

CommonMark (and so Obsidian) takes any text after an opening fence as its info string (```` ```\\tasks ````,
```` ```c++ (old) ````); superfences only recognises a fence whose info string is a plain language name
and options, and otherwise leaves the line as text, so the following closing fence opens a block
that swallows the rest of the note. This preprocessor reduces such info strings to the language
name superfences understands (the first word, without characters it rejects), and touches nothing
inside code blocks.
"""

from __future__ import annotations

import re

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

_FENCE = re.compile(r"^(?P<indent>[ \t>]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
# What superfences takes after the fence: `{attrs}`, or a language and key=value options.
_ACCEPTED = re.compile(
    r"^[ \t]*(?:\{[^\n]*\}|\.?[\w#.+-]*[ \t]*(?:\b[a-zA-Z][a-zA-Z0-9_]*(?:=(\"|').*?\1)?[ \t]*)*)[ \t]*$"
)
_LANG_CHARS = re.compile(r"[^\w#.+-]")


def normalise_fences(lines: list[str]) -> list[str]:
    out: list[str] = []
    open_fence: str | None = None
    for line in lines:
        m = _FENCE.match(line)
        if m is None or ("`" in m.group("info") and m.group("fence")[0] == "`"):
            out.append(line)
            continue
        fence, info = m.group("fence"), m.group("info")
        if open_fence is not None:
            if fence[0] == open_fence[0] and len(fence) >= len(open_fence) and not info.strip():
                open_fence = None
            out.append(line)
            continue
        open_fence = fence
        if info.strip() and not _ACCEPTED.match(info):
            words = info.strip().split()
            lang = _LANG_CHARS.sub("", words[0]) if words else ""
            line = f"{m.group('indent')}{fence}{lang}"
        out.append(line)
    return out


class FenceInfoPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return normalise_fences(lines)


class FenceInfoExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After the nesting cap (40), before comments (28), Dataview blocks (27) and superfences (25).
        md.preprocessors.register(FenceInfoPreprocessor(md), "vault_fence_info", 39)


def makeExtension(**kwargs) -> FenceInfoExtension:
    return FenceInfoExtension(**kwargs)
