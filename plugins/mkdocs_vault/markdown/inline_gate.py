"""Skip inline patterns that cannot match: Python-Markdown's inline step, with a substring test first.

Python-Markdown runs every inline pattern over every piece of text, in priority order, each with a
regular-expression search called from Python. A note site registers about twenty patterns, and most
pieces of text hold the marker of only a few of them (no backtick, no `<`, no `[[`): at 10,000 notes
the calls that find nothing were the largest part of the inline step. Every pattern listed in `GATES`
can only match text containing one of its markers (the regex needs that character or string), so when
none is in the text the pattern would not match and is passed over, exactly as a failed search would
be (the next pattern starts at the beginning). Any other pattern, including third-party ones and any
whose regex a new release changes, runs as before. Markers only need checking against the text as it
is when the pattern's turn comes: a match replaces text with a placeholder made of control characters,
letters and digits, none of which is a marker, so text never gains a marker it did not have.

The order of patterns, the text each sees and what each produces are unchanged, so the HTML is
byte-identical (tests compare both processors over the test notes and corpora). It overrides one
private method of `markdown.treeprocessors.InlineProcessor`; if a Python-Markdown release renames it,
`GateExtension` leaves the standard processor in place.
"""

from __future__ import annotations

from typing import Any

from markdown import Extension, Markdown, util
from markdown.treeprocessors import InlineProcessor

from mkdocs_vault.dataview.fields import BRACKET_FIELD_RE, LINE_FIELD_RE
from mkdocs_vault.links.extension import WIKILINK_RE
from mkdocs_vault.markdown.highlight import HIGHLIGHT_RE
from mkdocs_vault.markdown.tags import TAG_RE

# `dataview.blocks.INLINE_QUERY`, written out: importing blocks would make `dataview.markup`, which gates
# its own Markdown, import itself back (blocks -> batch -> render -> markup). A test checks they agree.
_INLINE_QUERY = r"(?<![`\\])`(?P<js>\$?)=(?P<expr>[^`\n]+)`(?!`)"

# Regular expression (as its pattern string) -> the strings one of which every match contains.
# Python-Markdown's own patterns, the footnote, arithmatex and tilde extensions', and ours.
GATES: dict[str, tuple[str, ...]] = {
    # markdown.inlinepatterns
    r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)": ("`",),  # code spans (backslashes only before a backtick)
    r"\\(.)": ("\\",),  # escapes
    r"(?<!\!)\[": ("[",),  # links and references
    r"\!\[": ("![",),  # images
    r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>": ("<",),  # autolinks
    r"<([^<> !]+@[^@<> ]+)>": ("<",),  # e-mail autolinks
    r"  \n": ("  \n",),  # hard line breaks
    r"\n": ("\n",),  # nl2br
    r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)": ("&",),  # entities
    r"\*|_": ("*", "_"),  # emphasis and strong
    (
        r"""(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'=<>]++))?+)*+"""
        r"""\s*+/?|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|[?]>).)*[?]|!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)"""
    ): ("<",),  # inline HTML
    # markdown.extensions.footnotes
    r"\[\^([^\]]*)\]": ("[^",),
    # pymdownx.arithmatex (generic output): `$...$` or `\(...\)`
    (
        r"(?:(?:(?<!\\)((?:\\{2})+)(?=\$)|(?<!\\)(\$)(?!\s)((?:\\.|[^\\$\x02\x03])+?)(?<!\s)(?:\$))"
        r"|(?:(?<!\\)((?:\\{2})+?)(?=\\\()|(?<!\\)(\\\()((?:\\[^)]|[^\\\x02\x03])+?)(?:\\\))))"
    ): ("$", "\\("),
    # pymdownx.tilde
    r"\~": ("~",),
    # ours: Dataview inline queries, wikilinks and embeds, highlights, tags
    _INLINE_QUERY: ("`",),
    BRACKET_FIELD_RE: ("::",),
    LINE_FIELD_RE: ("::",),
    WIKILINK_RE: ("[[",),
    HIGHLIGHT_RE: ("==",),
    TAG_RE: ("#",),
}

_HANDLE = "_InlineProcessor__handleInline"
_APPLY = "_InlineProcessor__applyPattern"
AVAILABLE = hasattr(InlineProcessor, _HANDLE) and hasattr(InlineProcessor, _APPLY)


def gate_of(pattern: Any) -> tuple[str, ...] | None:
    """The markers one of which text needs for `pattern` to match, or None to always run it."""
    compiled = getattr(pattern, "compiled_re", None)
    return GATES.get(compiled.pattern) if compiled is not None else None


class GatedInlineProcessor(InlineProcessor):
    """`InlineProcessor` that passes over a pattern when none of its markers is in the text."""

    def run(self, tree: Any, ancestors: list[str] | None = None) -> Any:
        # Extensions register patterns after the processor is made: read them per document (cheap).
        self._patterns = list(self.inlinePatterns)
        self._gates = [gate_of(p) for p in self._patterns]
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        """Python-Markdown's loop over the patterns (same order, same start indices), with the test."""
        if isinstance(data, util.AtomicString):
            return data
        apply = getattr(self, _APPLY)
        patterns, gates = self._patterns, self._gates
        count = len(patterns)
        start = 0
        while patternIndex < count:
            gate = gates[patternIndex]
            if gate is not None:
                for marker in gate:
                    if marker in data:
                        break
                else:  # no marker: the search would find nothing
                    patternIndex += 1
                    start = 0
                    continue
            data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


class GateExtension(Extension):
    """Replace the standard inline processor with `GatedInlineProcessor` (same name and priority)."""

    def extendMarkdown(self, md: Markdown) -> None:
        if AVAILABLE and type(md.treeprocessors["inline"]) is InlineProcessor:
            md.treeprocessors.register(GatedInlineProcessor(md), "inline", 20)


def makeExtension(**kwargs: Any) -> GateExtension:
    return GateExtension(**kwargs)
