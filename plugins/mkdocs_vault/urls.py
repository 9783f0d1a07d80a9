"""Where each published note and attachment lands in the site.

A note's URL is its vault path with each segment slugified (lower case; spaces and punctuation become
`-`; Unicode letters and digits are kept), served as a directory URL: `Projects/Apollo Rollout.md` ->
`projects/apollo-rollout/`. A `permalink` frontmatter key overrides it. When two notes would land on the
same URL, the one whose path sorts first keeps it and the others get `-2`, `-3`, ... in path order, so
the result never depends on the order files were read in. Attachments keep their extension.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping

_DASHES = re.compile(r"-{2,}")
_NOT_ASCII_SLUG = re.compile(r"[^a-z0-9_]+")  # what `slugify_segment` replaces in lower-cased ASCII


@functools.lru_cache(maxsize=1 << 16)  # the URL map is made again whenever a note is (un)published
def slugify_segment(text: str) -> str:
    """Lower-case a path segment, keep letters/digits of any script, turn everything else into `-`."""
    if text.isascii():
        # What `_slugify_any` makes of ASCII text, in one substitution (asking each character's Unicode
        # category took 40 ms for the 10,000 note names of a first build, nearly all ASCII; this takes
        # 13): NFC leaves ASCII as it is, its letters and digits are `a-z0-9` once lower-cased, it has
        # no combining marks, and a run of other characters becomes `-`s that `_DASHES` makes one.
        return _NOT_ASCII_SLUG.sub("-", text.lower()).strip("-") or "-"
    return _slugify_any(text)


def _slugify_any(text: str) -> str:
    """`slugify_segment` of any text, character by character."""
    text = unicodedata.normalize("NFC", text).lower()
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in ("L", "N") or ch == "_":
            out.append(ch)
        elif cat in ("Mn", "Mc"):
            out.append(ch)  # combining marks belong to the letter before them
        else:
            out.append("-")
    slug = _DASHES.sub("-", "".join(out)).strip("-")
    return slug or "-"


def plain_segments(path: str) -> list[str] | None:
    """`people/zoe/` -> ['people', 'zoe'], `` and `.` -> []: the segments of a relative URL that
    normalising would leave as they are; None when it could change them (a leading or doubled `/`,
    a `.` or `..` segment). With `path_between`, the relative path between two site URLs without
    `posixpath.relpath` or MkDocs' `get_relative_url`, which normalise both on every call (about a
    second of a 10,000-note build, where every footer asks for dozens of pairs)."""
    if path in ("", "."):
        return []
    parts = path.removesuffix("/").split("/")
    if "" in parts or ("." in path and ("." in parts or ".." in parts)):
        return None  # also a leading `/`: its first segment is empty
    return parts


def path_between(target: list[str], start: list[str]) -> str:
    """The relative path from folder `start` to `target` (both `plain_segments`), as `relpath` makes
    it: `..` for each of `start`'s segments below the common part, then the rest of `target`; `.`
    when they are the same folder."""
    common = 0
    for a, b in zip(start, target):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:]) or "."


@functools.lru_cache(maxsize=1 << 16)  # made again for every note when one is (un)published
def _note_slug(path: str, reserved: frozenset[str] = frozenset()) -> str:
    """`Projects/Apollo Rollout.md` -> `projects/apollo-rollout`; a folder's `index.md` -> the folder.
    A top-level folder whose slug is a reserved URL (`Tags/`) moves aside to `tags-2/`, so notes never
    land among the generated pages."""
    parts = path.split("/")
    stem = parts[-1][:-3] if parts[-1].lower().endswith(".md") else parts[-1]
    segments = [slugify_segment(p) for p in parts[:-1]]
    if segments and segments[0] in reserved:
        segments[0] += "-2"
    if stem.lower() != "index":
        segments.append(slugify_segment(stem))
    return "/".join(segments)


def _clean_permalink(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    parts = [slugify_segment(p) for p in value.strip().strip("/").split("/") if p.strip() not in ("", ".", "..")]
    return "/".join(p for p in parts if p != "-") if parts else ""


def _attachment_slug(path: str) -> str:
    parts = path.split("/")
    name = parts[-1]
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    leaf = slugify_segment(stem) + (("." + slugify_segment(ext)) if ext else "")
    return "/".join([slugify_segment(p) for p in parts[:-1]] + [leaf])


class UrlMap:
    """Maps vault paths to site URLs (directory style, no leading slash; the home page is "")."""

    def __init__(
        self,
        notes: Mapping[str, Mapping[str, object]] | Iterable[str],
        attachments: Iterable[str] = (),
        reserved: Iterable[str] = (),
        home: str | None = None,
    ) -> None:
        """`notes` maps each note path to its frontmatter (for `permalink`), or is a plain list of paths.
        `reserved` are URLs the plugin's own generated pages use; notes never take them. `home` is the
        note served as the site's home page (default: a root `index.md`)."""
        frontmatters = notes if isinstance(notes, Mapping) else {p: {} for p in notes}
        taken: set[str] = {r.strip("/") for r in reserved}
        reserved_roots = frozenset(taken)
        if home is not None and home in frontmatters:
            self_home = home
        else:
            self_home = None
        self._note_url: dict[str, str] = {}
        wanted: dict[str, list[str]] = {}
        for path in sorted(frontmatters):
            fm = frontmatters[path] or {}
            base = _clean_permalink(fm.get("permalink")) if "permalink" in fm else None
            if path == self_home:
                base = ""
            elif base is None:
                base = _note_slug(path, reserved_roots)
            wanted.setdefault(base, []).append(path)
        # Permalinks and plain slugs compete for the same space: first come (in path order) first served.
        for base in sorted(wanted):
            # The chosen home note keeps the root URL even if a root index.md also wants it.
            paths = wanted[base]
            if len(paths) > 1:  # (nearly every URL is wanted by one note: nothing to order)
                paths = sorted(paths, key=lambda p: (p != self_home, p))
            for path in paths:
                url = base
                n = 2
                while url in taken:
                    url = f"{base}-{n}" if base else f"index-{n}"
                    n += 1
                taken.add(url)
                self._note_url[path] = url
        self._attachment_url: dict[str, str] = {}
        used_files = set()
        for path in sorted(attachments):
            url = _attachment_slug(path)
            stem, dot, ext = url.rpartition(".")
            n = 2
            while url in used_files or url in taken:
                url = f"{stem}-{n}.{ext}" if dot else f"{url}-{n}"
                n += 1
            used_files.add(url)
            self._attachment_url[path] = url

    def note_url(self, path: str) -> str:
        """Directory URL without leading slash and with a trailing slash, "" for the home page."""
        url = self._note_url[path]
        return f"{url}/" if url else ""

    def note_src_uri(self, path: str) -> str:
        """The MkDocs `src_uri` that makes MkDocs write the page at `note_url(path)`."""
        url = self._note_url[path]
        return f"{url}/index.md" if url else "index.md"

    @staticmethod
    def section_src_uri(folder: str) -> str:
        """Where the listing page of a top-level folder goes (unless a note already has that URL)."""
        return f"{slugify_segment(folder)}/index.md"

    def attachment_url(self, path: str) -> str:
        return self._attachment_url[path]

    def has_note(self, path: str) -> bool:
        return path in self._note_url

    def has_attachment(self, path: str) -> bool:
        return path in self._attachment_url

    def alias_urls(self, aliases: Mapping[str, Iterable[str]]) -> dict[str, str]:
        """Redirect URLs for note aliases: each alias, slugified, in its note's folder
        (`People/Ada Lovelace.md` with alias `Countess` -> `people/countess/`). A URL a note, an
        attachment or an earlier alias already has is skipped, in path order, so the result is stable."""
        taken = set(self._note_url.values()) | set(self._attachment_url.values())
        out: dict[str, str] = {}
        for path in sorted(aliases):
            if path not in self._note_url:
                continue
            folder = "/".join(slugify_segment(p) for p in path.split("/")[:-1])
            for alias in aliases[path]:
                slug = slugify_segment(alias)
                if slug == "-":
                    continue
                url = f"{folder}/{slug}" if folder else slug
                if url in taken or url in out:
                    continue
                out[url] = path
        return {f"{u}/": p for u, p in out.items()}

    def notes(self) -> dict[str, str]:
        return {p: self.note_url(p) for p in self._note_url}
