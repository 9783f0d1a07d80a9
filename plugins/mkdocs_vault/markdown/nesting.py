"""Cap how deeply lists and blockquotes nest before Python-Markdown sees them.

Python-Markdown parses nested blocks recursively and raises RecursionError at about 500 levels,
which would abort the whole MkDocs build. Lines indented or quoted deeper than the cap keep their
text but sit at the cap's depth; the vault scanner reports such lines to the user
(`vault.nesting`), so nothing is dropped silently.
"""

from __future__ import annotations

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from mkdocs_vault.vault.nesting import cap_line


class NestingCapPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return [cap_line(line) for line in lines]


class NestingCapExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # Before everything else (normalize_whitespace is 30), so no later step recurses deeply.
        md.preprocessors.register(NestingCapPreprocessor(md), "vault_nesting_cap", 40)


def makeExtension(**kwargs) -> NestingCapExtension:
    return NestingCapExtension(**kwargs)
