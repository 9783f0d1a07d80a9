"""The properties panel at the top of a note page, from its frontmatter, as Obsidian's Properties view
shows it: links resolved, lists as chips, dates readable, tags linking to their tag pages, the type
linking to its directory page, empty values hidden.

The panel is part of the page content, so Material's search indexes property values (a project is found
by its status, a person by an alias). Keys that only steer publishing or layout are not shown, and
`private_keys` never are: the index already dropped them, and this module checks again because it reads
the note's own frontmatter.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from collections.abc import Callable, Iterable
from typing import Any

from ..dataview.dateformat import format_date
from ..markdown.searchmarks import hidden, search_text
from .addresses import directory_url, relative, tag_url
from .inline import InlineRenderer, clean, external, is_url, plain

# Keys that steer publishing or layout, or that the page already shows (the title is the heading).
HIDDEN_KEYS = frozenset(
    {
        "title",
        "publish",
        "permalink",
        "cssclass",
        "cssclasses",
        "position",
        "kanban-plugin",
        "excalidraw-plugin",
    }
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?$")


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, dict)):
        return all(is_empty(v) for v in (value.values() if isinstance(value, dict) else value))
    return False


def readable_date(value: dt.date | dt.datetime | str, date_format: str) -> str | None:
    """`2026-11-03` -> `<time datetime="2026-11-03">November 3, 2026</time>`; None if not a date."""
    if isinstance(value, str):
        text = value.strip()
        if not _ISO_DATE.match(text):
            return None
        try:
            value = dt.datetime.fromisoformat(text) if len(text) > 10 else dt.date.fromisoformat(text)
        except ValueError:
            return None
    if isinstance(value, (dt.date, dt.datetime)):
        return _time_element(value, date_format)
    return None


@functools.lru_cache(maxsize=8192)  # the same few hundred days recur on thousands of notes
def _time_element(value: dt.date | dt.datetime, date_format: str) -> str:
    if isinstance(value, dt.datetime):
        shown = format_date(value, date_format) + value.strftime(" %H:%M")
    else:
        shown = format_date(dt.datetime.combine(value, dt.time()), date_format)
    return f'<time datetime="{html.escape(value.isoformat())}">{html.escape(shown)}</time>'


def chips(items: Iterable[str]) -> str:
    """A list of values shown as chips. Spans with list roles rather than <ul>: Material's search index
    keeps <ul>/<li> markup but only the text of spans, and the panel is indexed on every note. The spaces
    keep words apart in the index ("Zoë Zoe", not "ZoëZoe"); the flex layout ignores them on screen."""
    inner = " ".join(f'<span class="vault-chip" role="listitem">{item}</span>' for item in items)
    return f'<span class="vault-chips" role="list">{inner}</span>'


class PropertyRenderer:
    """Turns frontmatter values into HTML for the page at `inline.page_url`."""

    def __init__(self, inline: InlineRenderer, date_format: str) -> None:
        self.inline = inline
        self.date_format = date_format

    def value(self, value: Any) -> str:
        if isinstance(value, bool):
            return f'<span class="vault-bool">{"true" if value else "false"}</span>'
        if isinstance(value, (int, float)):
            return html.escape(str(value))
        if isinstance(value, (dt.date, dt.datetime)):
            return readable_date(value, self.date_format) or html.escape(str(value))
        if isinstance(value, str):
            if "[" not in value:  # no link (every link starts with `[`): the same HTML on every page
                return _unlinked_string(value, self.date_format, self.inline.private)
            date = readable_date(value, self.date_format)
            if date is not None:
                return date
            if is_url(value):
                return external(value.strip(), value.strip())
            return self.inline.text(value, markup=False)
        if isinstance(value, (list, tuple)):
            return chips(self.value(v) for v in value if not is_empty(v))
        if isinstance(value, dict):
            return chips(
                f'<span class="vault-subkey">{html.escape(str(k))}</span> {self.value(v)}'
                for k, v in value.items()
                if not is_empty(v)
            )
        return html.escape(str(value))

    def tags(self, tags: Iterable[str]) -> str:
        links = []
        for tag in tags:
            url, before, after = _tag_parts(tag)
            links.append(before + html.escape(relative(url, self.inline.page_url), quote=True) + after)
        return chips(links)

    def status(self, value: Any) -> str:
        """A `status` as a chip whose colour says what kind of state it is (properties.css: active,
        blocked, paused, done...); a status that is not a plain word or phrase is shown as any value."""
        if not isinstance(value, str) or "[" in value or not value.strip():
            return self.value(value)
        return _status_chip(value.strip())

    def note_type(self, value: str) -> str:
        href = relative(directory_url(value), self.inline.page_url)
        return f'<a class="vault-type" href="{html.escape(href, quote=True)}">{html.escape(value)}</a>'


@functools.lru_cache(maxsize=16384)  # statuses, roles, dates: the same values recur on many notes
def _unlinked_string(value: str, date_format: str, private: re.Pattern[str] | None) -> str:
    """`PropertyRenderer.value` of a string without `[`: no link, so nothing in it depends on the
    page or the note, and it is made once per value rather than once per note (keyed by all it
    reads, so it cannot go stale)."""
    date = readable_date(value, date_format)
    if date is not None:
        return date
    if is_url(value):
        return external(value.strip(), value.strip())
    return plain(clean(value, private), markup=False).strip()


@functools.lru_cache(maxsize=1024)  # a vault has a handful of statuses, on many notes
def _status_chip(value: str) -> str:
    kind = re.sub(r"[^a-z0-9]+", "-", value.casefold()).strip("-")
    return (
        f'<span class="vault-status-chip" data-status="{html.escape(kind, quote=True)}">'
        f"{html.escape(value)}</span>"
    )


@functools.lru_cache(maxsize=4096)  # a vault has a few hundred tags, shown on thousands of notes
def _tag_parts(tag: str) -> tuple[str, str, str]:
    """A tag chip's tag page URL, and its HTML before and after the href (which depends on the page)."""
    name = tag if tag.startswith("#") else "#" + tag
    return tag_url(name), '<a class="vault-tag" href="', f'">{html.escape(name)}</a>'


def properties_panel(
    frontmatter: dict[str, Any],
    renderer: PropertyRenderer,
    is_private: Callable[[str], bool],
    frontmatter_tags: Iterable[str] = (),
    extra: Iterable[tuple[str, str]] = (),
) -> str:
    """The panel's HTML ("" when nothing is left to show). `frontmatter_tags` are the note's tags from
    its frontmatter in `#tag` form (shown as links); `extra` adds computed rows as (label, html)."""
    rows: list[str] = []
    searched: list[str] = []  # the keys and values the search index gets, as HTML
    for key, value in frontmatter.items():
        name = str(key)
        low = name.lower()
        if low in HIDDEN_KEYS or is_private(name) or is_empty(value):
            continue
        if low in ("tags", "tag"):
            tags = list(frontmatter_tags)
            if not tags:
                continue
            shown = renderer.tags(tags)
        elif low == "type" and isinstance(value, str):
            shown = renderer.note_type(value.strip())
        elif low == "status":
            shown = renderer.status(value)
        else:
            shown = renderer.value(value)
        if not shown:
            continue
        rows.append(_row(name, shown, indexed=low != "type"))
        if low != "type":
            searched.append(f"{_escaped_key(name)} {shown}")
    rows.extend(_row(label, shown, computed=True, indexed=False) for label, shown in extra)
    if not rows:
        return ""
    panel = '<div class="vault-properties" role="group" aria-label="Properties"><dl>' + "".join(rows) + "</dl></div>"
    # Search reads the values as text: the panel's markup costs the search plugin's parser more than
    # the rest of a typical note (searchview.py).
    return hidden(panel) + search_text(" ".join(searched)) + "\n"


def _row(key: str, shown: str, computed: bool = False, indexed: bool = True) -> str:
    return _row_head(key, computed, indexed) + shown + "</dd></div> "


@functools.lru_cache(maxsize=4096)  # a vault has a few dozen keys, on every note page
def _row_head(key: str, computed: bool, indexed: bool) -> str:
    """A row's HTML before its value."""
    cls = "vault-property vault-property--computed" if computed else "vault-property"
    skip = "" if indexed else " data-search-exclude"
    name = _escaped_key(key)
    return f'<div class="{cls}" data-key="{name}"{skip}><dt>{name}</dt> <dd>'


@functools.lru_cache(maxsize=4096)
def _escaped_key(key: str) -> str:
    return html.escape(key, quote=True)
