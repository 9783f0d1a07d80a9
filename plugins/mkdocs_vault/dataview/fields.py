"""Inline fields in a note's text, shown as Dataview's reading view shows them.

Dataview (`ui/views/inline-field.tsx`) replaces `[key:: value]` with the key and the value, each in a
span of its own, and `(key:: value)` with the value alone; the value is the field's typed value rendered
inline (a date in the date format, a link as a link, text as Markdown). A line that is nothing but a
`key:: value` field is shown the same way as `[key:: value]` (Dataview leaves those lines as typed; a site
has no editor to show the syntax in, so the raw `::` never shows). The markup, and so the class names a
stylesheet targets, are Dataview's:

    <span class="dataview inline-field">
      <span class="dataview inline-field-key" data-dv-key="Key" data-dv-norm-key="key">Key</span>
      <span class="vault-field-sep">: </span>
      <span class="dataview inline-field-value">value</span>
    </span>
    <span class="dataview inline-field"><span class="dataview inline-field-standalone-value">value</span></span>

Two inline patterns, registered below code spans (190) and escapes (180) and above wikilinks (176): what
is in code stays code, and the value's text is left to the patterns after them (links, emphasis, tags,
highlights), except for dates, durations, numbers and booleans, which are formatted as Dataview formats
them. Fields are found with the scanner's own rules (`vault.scan`), as the index finds them.

One span is ours, not Dataview's: `vault-field-sep` between the key and the value holds ": ", hidden by the
stylesheet the way screen-reader text is hidden. Without text between the two spans the page's text reads
"LocationKendal": Material's search index makes that one word (a search for "Kendal" does not find the
page), and a screen reader or a copy reads it the same way.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from typing import Any

from markdown import Markdown
from markdown.inlinepatterns import InlineProcessor

from ..vault.scan import _closing_index, full_line_field
from .dateformat import format_date
from .values import Duration, canonical_key, from_inline, num_to_str, render_minimal_duration

# `[key::` / `(key::` with a key of anything but brackets, on one line.
BRACKET_FIELD_RE = r"([\[(])([^\[\]()\n]+?)::"
_WIKILINK = re.compile(r"!?\[\[[^\[\]\n]+?\]\]")  # as `links.extension.WIKILINK_RE` finds them
# A line of its own that holds `::` (the scanner's full-line rules decide whether it is a field).
LINE_FIELD_RE = r"(?m)^([^\n]*?)::([^\n]*)$"

FIELD_SEP = ": "  # the text between a field's key and its value, hidden from sight (see above)

Formats = Callable[[], tuple[str, str, dt.tzinfo]]  # (date format, date-time format, zone)


def field_element(key: str | None, value: str, md: Markdown, formats: Formats) -> etree.Element:
    """Dataview's markup for one field; `key` None for the `(key:: value)` form."""
    box = etree.Element("span", {"class": "dataview inline-field"})
    if key is not None:
        k = etree.SubElement(
            box,
            "span",
            {"class": "dataview inline-field-key", "data-dv-key": key, "data-dv-norm-key": canonical_key(key)},
        )
        k.text = key
        etree.SubElement(box, "span", {"class": "vault-field-sep"}).text = FIELD_SEP
        cls = "dataview inline-field-value"
    else:
        cls = "dataview inline-field-standalone-value"
    v = etree.SubElement(box, "span", {"class": cls})
    shown = formatted(value, formats)
    if shown is None:
        v.text = value  # left to the later inline patterns: links, emphasis, tags, ...
    else:
        v.text = md.htmlStash.store(html.escape(shown))
    return box


def formatted(value: str, formats: Formats) -> str | None:
    """The text Dataview shows for a date, duration, number or boolean value; None for anything else."""
    if not value.strip():
        return None
    return _formatted(value, *formats())


@functools.lru_cache(maxsize=8192)  # a vault repeats the same few hundred dates and statuses
def _formatted(value: str, date_format: str, datetime_format: str, tz: dt.tzinfo) -> str | None:
    typed = from_inline(value, tz)
    if isinstance(typed, bool):
        return "true" if typed else "false"
    if isinstance(typed, (int, float)):
        return num_to_str(typed)
    if isinstance(typed, dt.datetime):
        midnight = (typed.hour, typed.minute, typed.second, typed.microsecond) == (0, 0, 0, 0)
        return format_date(typed, date_format if midnight else datetime_format)
    if isinstance(typed, Duration):
        return render_minimal_duration(typed)
    return None


class BracketFieldProcessor(InlineProcessor):
    """`[key:: value]` (key and value) and `(key:: value)` (value only)."""

    # Python-Markdown runs every pattern again over the text of the elements patterns return: a field's
    # value (in a span) is never read for fields again, as Dataview finds each `::` once.
    ANCESTOR_EXCLUDES = ("span",)

    def __init__(self, md: Markdown, formats: Formats) -> None:
        super().__init__(BRACKET_FIELD_RE, md)
        self.formats = formats

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Any, Any, Any]:
        key = m.group(2).strip()
        end = _closing_index(data, m.end(), m.group(1))
        if not key or end < 0 or "\n" in data[m.end() : end] or in_wikilink(data, m.start(), end):
            return None, None, None
        value = data[m.end() : end].strip()
        return field_element(key if m.group(1) == "[" else None, value, self.md, self.formats), m.start(), end + 1


def in_wikilink(data: str, start: int, end: int) -> bool:
    """Is `data[start:end + 1]` inside a `[[link]]`? There it is part of the link's target (a heading
    holding a field, `[[Note#Trip (kind:: road)]]`): the link must stay a link, not lose its middle."""
    if "[[" not in data:
        return False
    return any(w.start() < start and end < w.end() for w in _WIKILINK.finditer(data))


class LineFieldProcessor(InlineProcessor):
    """A line that is a `Key:: value` field (the first line of a paragraph, list item or table cell, or
    any line of a paragraph), by the scanner's rules for such keys (`**Key**:: v` has the key `Key`)."""

    ANCESTOR_EXCLUDES = ("span",)

    def __init__(self, md: Markdown, formats: Formats) -> None:
        super().__init__(LINE_FIELD_RE, md)
        self.formats = formats

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Any, Any, Any]:
        found = full_line_field(m.group(0).strip())
        if found is None or "\x02" in m.group(1):
            return None, None, None  # not a field, or its key holds something already rendered
        key, value = found
        return field_element(key, value, self.md, self.formats), m.start(), m.end()
