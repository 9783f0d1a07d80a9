"""Section pages: one listing per top-level folder (for folders without a note of their own at that
URL), and a home page when the vault has no `index.md`. These keep the navigation small: it lists
the sections, never every note (MkDocs renders the whole nav into every page)."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable

from mkdocs.utils import get_relative_url

from ..vault.model import Note

UrlOf = Callable[[str], str | None]
# Listings repeat every note's title; searching them would push the notes themselves down the results
# (and a folder of 5,000 meetings would add a quarter megabyte to the index).
NOT_SEARCHED = "---\nsearch:\n  exclude: true\n---\n"


def _sort_key(note: Note) -> tuple[str, str]:
    return (note.title.casefold(), note.path)


def top_level_sections(notes: Iterable[Note]) -> list[tuple[str, list[Note]]]:
    """Top-level folders that hold published notes, with their notes (at any depth), by folder name."""
    groups: dict[str, list[Note]] = {}
    for note in notes:
        if "/" in note.path:
            groups.setdefault(note.path.split("/", 1)[0], []).append(note)
    return [(folder, sorted(groups[folder], key=_sort_key)) for folder in sorted(groups, key=str.casefold)]


def _page_url(src_uri: str) -> str:
    return "" if src_uri == "index.md" else src_uri.rsplit("/", 1)[0] + "/"


def _link(note: Note, url_of: UrlOf, page_url: str) -> str:
    target = url_of(note.path) or ""
    href = get_relative_url(target or ".", page_url or ".")
    return f'<a href="{html.escape(href)}">{html.escape(note.title)}</a>'


def section_page(folder: str, members: list[Note], src_uri: str, url_of: UrlOf) -> tuple[str, str]:
    """(title, Markdown) of a folder's listing page, grouped by sub-folder."""
    page_url = _page_url(src_uri)
    by_sub: dict[str, list[Note]] = {}
    for note in members:
        sub = note.folder[len(folder) + 1 :] if note.folder != folder else ""
        by_sub.setdefault(sub, []).append(note)
    parts = [
        NOT_SEARCHED,
        f"<h1>{html.escape(folder)}</h1>",
        f'<div class="vault-listing" data-count="{len(members)}">',
    ]
    for sub in sorted(by_sub, key=lambda s: (s != "", s.casefold())):
        if sub:
            parts.append(f"<h2>{html.escape(sub)}</h2>")
        parts.append("<ul>")
        for note in by_sub[sub]:
            day = f' <span class="vault-date">{note.day.isoformat()[:10]}</span>' if note.day else ""
            parts.append(f"<li>{_link(note, url_of, page_url)}{day}</li>")
        parts.append("</ul>")
    parts.append("</div>")
    return folder, "\n".join(parts) + "\n"


def home_page(sections: list[tuple[str, str]], notes: list[Note], url_of: UrlOf) -> tuple[str, str]:
    """A home page for a vault without `index.md`: its sections and its most recent dated notes."""
    parts = [NOT_SEARCHED, "<h1>Home</h1>", '<div class="vault-listing">', "<ul>"]
    for folder, uri in sections:
        href = get_relative_url(_page_url(uri) or ".", ".")
        parts.append(f'<li><a href="{html.escape(href)}">{html.escape(folder)}</a></li>')
    parts.append("</ul>")
    dated = sorted((n for n in notes if n.day), key=lambda n: (n.day.isoformat(), n.path), reverse=True)[:10]
    if dated:
        parts += ["<h2>Recent</h2>", "<ul>"]
        for note in dated:
            parts.append(f"<li>{_link(note, url_of, '')} <span class=\"vault-date\">{note.day.isoformat()[:10]}</span></li>")
        parts.append("</ul>")
    parts.append("</div>")
    return "Home", "\n".join(parts) + "\n"
