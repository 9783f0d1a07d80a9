"""Where each published note and attachment lands in the site.

A note's URL is its vault path with each segment slugified (lower case; spaces and punctuation become
`-`; Unicode letters and digits are kept), served as a directory URL: `Projects/Apollo Rollout.md` ->
`projects/apollo-rollout/`. A `permalink` frontmatter key overrides it. When two notes would land on the
same URL, the one whose path sorts first keeps it and the others get `-2`, `-3`, ... in path order, so
the result never depends on the order files were read in. Attachments keep their extension. A
segment whose slug is longer than file systems allow is shortened with a stable hash (`shorten`).
"""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re
import unicodedata
from collections.abc import Iterable, KeysView, Mapping

_DASHES = re.compile(r"-{2,}")
_NOT_ASCII_SLUG = re.compile(r"[^a-z0-9_]+")  # what `slugify_segment` replaces in lower-cased ASCII


# File systems allow 255 bytes a name. A segment's slug is kept to 240 bytes (room for a `-2` suffix, and
# for an attachment's extension, itself kept to 32): a longer one keeps its beginning and ends in `-` and
# ten hex digits of the SHA-1 of the whole slug, so it stays the same from build to build.
MAX_SEGMENT_BYTES = 240
MAX_EXTENSION_BYTES = 32
_HASH_LENGTH = 10


@functools.lru_cache(maxsize=1 << 16)  # section, alias and attachment URLs slugify the same folders
def slugify_segment(text: str) -> str:
    """Lower-case a path segment, keep letters/digits of any script, turn everything else into `-`; at
    most `MAX_SEGMENT_BYTES` bytes of UTF-8 (see `shorten`)."""
    return shorten(full_slug(text), MAX_SEGMENT_BYTES)


def shorten(slug: str, limit: int) -> str:
    """`slug` if it fits in `limit` bytes of UTF-8, else its beginning, `-` and a hash of the whole."""
    data = slug.encode("utf-8")
    if len(data) <= limit:
        return slug
    digest = hashlib.sha1(data).hexdigest()[:_HASH_LENGTH]
    head = data[: limit - _HASH_LENGTH - 1].decode("utf-8", "ignore").rstrip("-")
    return f"{head}-{digest}"


def is_shortened(text: str, limit: int = MAX_SEGMENT_BYTES) -> bool:
    """Does `slugify_segment(text)` shorten the slug (`text`'s slug is over `limit` bytes)?"""
    return len(full_slug(text).encode("utf-8")) > limit


@functools.lru_cache(maxsize=1 << 16)
def full_slug(text: str) -> str:
    """`slugify_segment` of `text` before any shortening."""
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


@functools.cache
def _norm_parts(path: str) -> tuple[str, ...]:
    # One leading slash, as MkDocs adds it: normpath keeps a leading "//" as it is.
    path = posixpath.normpath(path if path.startswith("/") else "/" + path)[1:]
    return tuple(path.split("/")) if path else ()


def relative_url(url: str, other: str) -> str:
    """`url` relative to the page at `other`, both site paths: the same answer as MkDocs 1.6's
    `mkdocs.utils.get_relative_url` (tests/foundation/test_urls.py compares them), written here so
    that the pages stage needs no MkDocs. A last segment of `other` with a dot is a file name."""
    folder, _, last = other.rpartition("/")
    if "." in last:
        other = folder
    here, there = _norm_parts(other), _norm_parts(url)
    common = 0
    for a, b in zip(here, there):
        if a != b:
            break
        common += 1
    rel = "/".join([".."] * (len(here) - common) + list(there[common:])) or "."
    return rel + "/" if url.endswith("/") else rel


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


@functools.lru_cache(maxsize=1 << 16)  # a URL map made again (another configuration) asks again
def _note_slug(path: str, reserved: frozenset[str] = frozenset()) -> str:
    """`Projects/Apollo Rollout.md` -> `projects/apollo-rollout`; a folder's `index.md` -> the folder.
    A base (`Views/Open Work.base`) is a page too, by the same rule: `views/open-work`.
    A top-level folder whose slug is a reserved URL (`Tags/`) moves aside to `tags-2/`, so notes never
    land among the generated pages."""
    segments, stem = _slug_parts(path, reserved)
    if stem.lower() != "index" and not is_folder_note(path):
        segments.append(slugify_segment(stem))
    return "/".join(segments)


def _slug_parts(path: str, reserved: frozenset[str]) -> tuple[list[str], str]:
    """(the slugified folders of `path`, the top one moved aside if reserved; its file name's stem)."""
    parts = path.split("/")
    leaf = parts[-1]
    stem = leaf[:-3] if leaf.lower().endswith(".md") else leaf[:-5] if leaf.lower().endswith(".base") else leaf
    segments = [slugify_segment(p) for p in parts[:-1]]
    if segments and segments[0] in reserved:
        segments[0] += "-2"
    return segments, stem


def is_folder_note(path: str) -> bool:
    """Is `path` a folder note, named like its folder (`Customers/Acme/Acme.md`)? It is the folder's page,
    at the folder's URL (`customers/acme/`), as a folder's `index.md` is."""
    parts = path.split("/")
    if len(parts) < 2:
        return False
    leaf = parts[-1]
    stem = leaf[:-3] if leaf.lower().endswith(".md") else leaf[:-5] if leaf.lower().endswith(".base") else leaf
    return slugify_segment(stem) == slugify_segment(parts[-2])


def _clean_permalink(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    parts = [slugify_segment(p) for p in value.strip().strip("/").split("/") if p.strip() not in ("", ".", "..")]
    return "/".join(p for p in parts if p != "-") if parts else ""


def long_segment(path: str, frontmatter: Mapping[str, object] | None = None, aliases: Iterable[str] = ()) -> str | None:
    """The first text that gives a note (or, without `frontmatter`, an attachment) at `path` a URL
    segment `shorten` had to shorten (a folder or file name, a `permalink` segment, an alias, the
    `type`), or None."""
    parts = path.split("/")
    texts = list(parts[:-1])
    name = parts[-1]
    if frontmatter is None:
        stem, dot, ext = name.rpartition(".")
        ext_bytes = len(full_slug(ext).encode("utf-8")) if dot and stem else 0
        if ext_bytes > MAX_EXTENSION_BYTES or is_shortened(stem if dot and stem else name,
                                                           MAX_SEGMENT_BYTES - min(ext_bytes, MAX_EXTENSION_BYTES) - 1):
            return name
    else:
        texts.append(name[:-3] if name.lower().endswith(".md") else name)
        permalink = frontmatter.get("permalink")
        if isinstance(permalink, str):
            texts += permalink.split("/")
        note_type = frontmatter.get("type")
        if isinstance(note_type, str):
            texts.append(note_type.strip())
        texts += list(aliases)
    return next((text for text in texts if is_shortened(text)), None)


def _attachment_slug(path: str) -> str:
    parts = path.split("/")
    name = parts[-1]
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    ext = shorten(full_slug(ext), MAX_EXTENSION_BYTES) if ext else ""
    stem = shorten(full_slug(stem), MAX_SEGMENT_BYTES - len(ext.encode("utf-8")) - 1)
    leaf = stem + (("." + ext) if ext else "")
    return "/".join([slugify_segment(p) for p in parts[:-1]] + [leaf])


_NUMBERED = re.compile(r"(?:-[0-9]+)+$")


def _family(url: str) -> str:
    """The URLs a note asking for `url` may end up with: `url`, `url-2`, `url-3`, ... (`index-2`, ...
    for the root), all of one family, named by the URL without any trailing `-<number>`s. Notes
    asking for URLs of different families never compete for a URL, so the notes of one family can
    be given their URLs apart from every other (`UrlMap.updated`)."""
    if not url:
        return "index"
    return _NUMBERED.sub("", url) if "0" <= url[-1] <= "9" else url


class UrlMap:
    """Maps vault paths to site URLs (directory style, no leading slash; the home page is "")."""

    def __init__(
        self,
        notes: Mapping[str, Mapping[str, object]] | Iterable[str],
        attachments: Iterable[str] = (),
        reserved: Iterable[str] = (),
        home: str | None = None,
        site_files: Iterable[str] = (),
    ) -> None:
        """`notes` maps each note path to its frontmatter (for `permalink`), or is a plain list of paths.
        `reserved` are URLs the plugin's own generated pages use; notes never take them. `home` is the
        note served as the site's home page (default: a root `index.md`). `site_files` are the files
        the site has that do not come from the vault (the theme's, the plugin's generated data): an
        attachment never takes one of their paths (`clashes` names those that would have)."""
        frontmatters = notes if isinstance(notes, Mapping) else {p: {} for p in notes}
        self._reserved = frozenset(r.strip("/") for r in reserved)
        self._home = home
        self._site_files = frozenset(site_files)
        self.clashes: dict[str, str] = {}  # attachment path -> the site file's path it was kept off
        self._wanted: dict[str, str] = {}  # note path -> the URL it asks for (`_wanted_url`)
        self._families: dict[str, set[str]] = {}  # `_family` -> the notes asking for a URL of it
        for path, fm in frontmatters.items():
            wanted = self._wanted[path] = self._wanted_url(path, fm)
            self._families.setdefault(_family(wanted), set()).add(path)
        self._note_url: dict[str, str] = {}
        for members in self._families.values():
            self._settle(members)
        self._attachment_url = self._attachment_urls(attachments)

    def _wanted_url(self, path: str, frontmatter: Mapping[str, object] | None) -> str:
        """The URL a published note asks for: the root for the home note, else its permalink or its
        slugified path."""
        if path == self._home:
            return ""
        fm = frontmatter or {}
        base = _clean_permalink(fm.get("permalink")) if "permalink" in fm else None
        return _note_slug(path, self._reserved) if base is None else base

    def _settle(self, members: set[str]) -> None:
        """Give each of one family's notes its URL. Permalinks and plain slugs compete for the same space:
        by wanted URL, then path (the home note first among those wanting the root), each note takes
        the first of its wanted URL, `-2`, `-3`, ... that no reserved URL or earlier note has."""
        wanted, home, reserved = self._wanted, self._home, self._reserved
        if len(members) == 1:  # most families: a note alone with its URL, taken at once
            (path,) = members
            if wanted[path] not in reserved:
                self._note_url[path] = wanted[path]
                return
        taken: set[str] = set()
        for path in sorted(members, key=lambda p: (wanted[p], p != home, p)):
            base = url = wanted[path]
            n = 2
            while url in taken or url in reserved:
                url = f"{base}-{n}" if base else f"index-{n}"
                n += 1
            taken.add(url)
            self._note_url[path] = url

    def _attachment_urls(self, attachments: Iterable[str]) -> dict[str, str]:
        """Attachment URLs keep the extension; a clash with a note or an earlier attachment (in path
        order) takes `-2`, `-3`, ... before it."""
        out: dict[str, str] = {}
        self.clashes = {}
        paths = sorted(attachments)
        if not paths:
            return out
        taken = set(self._note_url.values()) | self._reserved
        used_files = set()
        for path in paths:
            url = wanted = _attachment_slug(path)
            stem, dot, ext = url.rpartition(".")
            n = 2
            while url in used_files or url in taken or self._is_site_file(url):
                url = f"{stem}-{n}.{ext}" if dot else f"{url}-{n}"
                n += 1
            if url != wanted and self._is_site_file(wanted):
                self.clashes[path] = wanted
            used_files.add(url)
            out[path] = url
        return out

    def _is_site_file(self, url: str) -> bool:
        """Would an attachment at `url` replace a file of the site that is not from the vault: one of
        `site_files`, or a page (an `index.html` in a note's folder or under a generated page's)?"""
        if url in self._site_files:
            return True
        folder, _, leaf = url.rpartition("/")
        if leaf != "index.html":
            return False
        return folder == "" or folder in self._reserved or folder.split("/")[0] in self._reserved or any(
            u == folder for u in self._note_url.values()
        )

    def updated(
        self, changes: Mapping[str, Mapping[str, object] | None], attachments: Iterable[str]
    ) -> tuple[UrlMap, set[str]]:
        """The map of the site after an edit, and the notes whose URL it changed (they had one and now
        have another). `changes` names every note whose frontmatter or publishing may have changed,
        with its frontmatter when it is published now, None when not; every other note is as this map
        has it. `attachments` are all published attachments.

        Equal to a new `UrlMap` of the whole site, made in a fraction of its time: only the families
        (`_family`) of the changed notes' wanted URLs are settled again, and the notes of any other
        family keep their URLs, since no note of theirs can ask for one of those. A map that would
        not change is returned itself (this one, no notes moved)."""
        families: set[str] = set()
        wanted: dict[str, str | None] = {}
        for path, fm in changes.items():
            old = self._wanted.get(path)
            new = self._wanted_url(path, fm) if fm is not None else None
            if old != new:
                wanted[path] = new
                families.update(_family(url) for url in (old, new) if url is not None)
        attachments = set(attachments)
        if not families and attachments == self._attachment_url.keys():
            return self, set()
        out = object.__new__(UrlMap)
        out._reserved, out._home, out._site_files = self._reserved, self._home, self._site_files
        out.clashes = self.clashes
        out._wanted, out._note_url = dict(self._wanted), dict(self._note_url)
        out._families = dict(self._families)  # the sets shared with this map but those copied here:
        for family in families:
            out._families[family] = set(self._families.get(family, ()))
        for path, url in wanted.items():
            if path in self._wanted:
                out._families[_family(self._wanted[path])].discard(path)
            if url is None:
                del out._wanted[path]
            else:
                out._wanted[path] = url
                out._families[_family(url)].add(path)
        for family in families:
            for path in self._families.get(family, ()):
                out._note_url.pop(path, None)
        for family in families:  # (after every old URL is gone: a note may have changed families)
            if out._families[family]:
                out._settle(out._families[family])
            else:
                del out._families[family]
        out._attachment_url = self._attachment_url
        if families or attachments != self._attachment_url.keys():
            out._attachment_url = out._attachment_urls(attachments)  # they avoid the notes' URLs
        moved = {
            path
            for family in families
            for path in out._families.get(family, ())
            if path in self._note_url and self._note_url[path] != out._note_url[path]
        }
        return out, moved

    def note_paths(self) -> KeysView[str]:
        """Every note with a URL."""
        return self._note_url.keys()

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

    def folder_note_redirects(self) -> dict[str, str]:
        """The URL each folder note had before it moved to its folder's URL (`customers/acme/acme/` for
        `Customers/Acme/Acme.md`) -> the note, for a redirect page there, so links people shared keep
        working; unless a note or an attachment has that URL."""
        taken = set(self._note_url.values()) | set(self._attachment_url.values())
        out: dict[str, str] = {}
        for path in sorted(self._note_url):
            if not is_folder_note(path):
                continue
            segments, stem = _slug_parts(path, self._reserved)
            old = "/".join([*segments, slugify_segment(stem)])
            if old != self._note_url[path] and old not in taken:
                out[f"{old}/"] = path
        return out

    def notes(self) -> dict[str, str]:
        return {p: self.note_url(p) for p in sorted(self._note_url)}
