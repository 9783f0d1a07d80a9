"""Section pages: one listing per top-level folder (for folders without a note of their own at that
URL), and a home page when the vault has no `index.md`. These keep the navigation small: it lists
the sections, never every note (MkDocs renders the whole nav into every page)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping

from ..urls import relative_url as get_relative_url
from ..vault.model import Note

UrlOf = Callable[[str], str | None]
# Listings repeat every note's title; searching them would push the notes themselves down the results
# (and a folder of 5,000 meetings would add a quarter megabyte to the index).
NOT_SEARCHED = "---\nsearch:\n  exclude: true\n---\n"


def _sort_key(note: Note) -> tuple[str, str]:
    return (note.title.casefold(), note.path)


def _shown(note: Note, url_of: UrlOf) -> tuple:
    """What a section page shows of a note: its title, date and URL."""
    return (note.title, note.day, url_of(note.path))


class SectionPages:
    """The section pages of one build, by folder, with what each listed of its notes (`_shown`). A
    serve rebuild makes again only the pages of the folders where a note came, went or shows
    differently (`made`): the folder of 5,000 meetings took 0.1 s to list."""

    def __init__(self, generation: int) -> None:
        self.generation = generation  # the `VaultState.generation` these pages show
        self.pages: dict[str, tuple[str, str]] = {}  # folder -> (title, Markdown)
        self.shown: dict[str, tuple] = {}  # note path -> what its folder's page shows of it

    @classmethod
    def made(
        cls,
        notes: Mapping[str, Note],
        url_of: UrlOf,
        src_uri_of: Callable[[str], str],
        generation: int,
        previous: SectionPages | None = None,
        changed: Iterable[str] = (),
    ) -> SectionPages:
        """The section page of every top-level folder of the published `notes` (path -> note, by path;
        a folder's notes at any depth, by title), for refresh `generation`. With `previous` (the pages
        of the refresh before) and `changed` (every path whose note that refresh edited, added,
        removed, published, unpublished or moved), only the folders where one of those shows
        differently are listed again."""
        out = cls(generation)
        redo: set[str] | None
        if previous is None:
            redo = None
            out.shown = {p: _shown(n, url_of) for p, n in notes.items() if "/" in p}
        else:
            redo = set()
            out.shown = dict(previous.shown)
            for path in changed:
                note = notes.get(path) if "/" in path else None
                now = _shown(note, url_of) if note is not None else None
                if out.shown.get(path) != now:
                    redo.add(path.split("/", 1)[0])
                    if now is None:
                        out.shown.pop(path, None)
                    else:
                        out.shown[path] = now
        folders = {p.split("/", 1)[0] for p in out.shown}
        members: dict[str, list[Note]] = {}
        for path, note in notes.items() if redo is None or redo else ():
            if "/" in path:
                folder = path.split("/", 1)[0]
                if redo is None or folder in redo:
                    members.setdefault(folder, []).append(note)
        for folder in sorted(folders, key=lambda f: (f.casefold(), f)):
            if redo is not None and folder not in redo:
                out.pages[folder] = previous.pages[folder]  # type: ignore[union-attr]
            else:
                ordered = sorted(members[folder], key=_sort_key)
                out.pages[folder] = section_page(folder, ordered, src_uri_of(folder), url_of)
        return out


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


_SELF_ENTRY = re.compile(r'<li><a href="\./">[^<]*</a>(?: <span class="vault-date">[^<]*</span>)?</li>\n?')


def listing_below_note(page: tuple[str, str]) -> str:
    """A folder's listing (`section_page`) as a section to put below its folder note's own text, when the
    note has the folder's URL: its hrefs are relative to that URL, which is the note's. Not searched, as
    the listing page was not; a <nav>, as it is the folder's links, not part of the note's text."""
    markdown = page[1]
    start = markdown.find('<div class="vault-listing"')
    if start < 0:
        return ""
    # The folder note itself is one of the folder's notes: no entry linking the page to itself.
    listing = _SELF_ENTRY.sub("", markdown[start:].rstrip())
    return (
        '<nav class="vault-folder-listing" aria-labelledby="vault-folder-listing" data-search-exclude>'
        '<h2 id="vault-folder-listing" data-search-exclude>In this folder</h2>'
        f"{listing}</nav>"
    )


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
