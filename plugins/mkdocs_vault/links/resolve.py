"""Which vault file a link names, decided the way Obsidian decides it.

Obsidian resolves a link path (the part of `[[path#subpath|display]]` before `#`) against every file
of the vault, not only the published ones, so a same-named unpublished note is never mistaken for a
published one. The rules, in order:

1. Comparison is case-insensitive and blind to Unicode normalisation (a name typed in NFC matches
   a file name stored in NFD, as macOS stores them); `.md` may be left out.
2. An exact vault-relative path wins (`[[Projects/Apollo]]`), then a path relative to the linking
   note's folder (`[[../People/Ada]]`, `[[./Sub/Note]]`).
3. Else the file name (or, for a link with folders, the path ending): a unique match wins. When
   several files share it, the one in the linking note's folder wins, else the shortest path, ties
   alphabetical (for attachments, the attachment folder from Obsidian's settings comes first); the
   candidates are reported so the caller can log an info line.
4. Else a note's `aliases` entry, with the same tie-breaking.

A link can never leave the vault: resolution only ever returns a path from the set it was built
from, and a `..` that climbs above the vault root, an absolute file-system path, a drive letter or a
URL scheme makes the link unresolved without a file-name fallback (`../../etc/passwd` must not
quietly find a note named `passwd`). A leading `/` means the vault root, as in Obsidian's
"absolute path in vault" link format, and then only an exact vault path matches.

Written by hand because no library models Obsidian's link semantics; the parsing helpers for link
text live here too, since the vault loader and the Markdown extension both need them.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..vault.linktext import MarkdownTarget, WikiLink, decode_markdown_target, parse_wikilink

__all__ = [
    "LinkResolver",
    "MarkdownTarget",
    "Resolution",
    "WikiLink",
    "decode_markdown_target",
    "fold",
    "parse_wikilink",
]

# What makes a path point outside the vault rather than into it.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")  # http:, file:, mailto:, C: ...
_BACKSLASH_ABS = re.compile(r"^(\\\\|[A-Za-z]:\\)")


def fold(text: str) -> str:
    """The comparison key for names and paths: NFC-normalised and lower-cased.

    `str.lower` rather than `casefold`, because Obsidian lower-cases (`ß` does not match `ss`).
    """
    return unicodedata.normalize("NFC", text).lower()


@dataclass(frozen=True, slots=True)
class Resolution:
    """The outcome of resolving one link path.

    `path` is the vault path of the file it names, or None. `candidates` lists every file that
    matched equally well when the name was ambiguous (sorted in preference order, `path` first), so
    the caller can log which one was taken. `how` says which rule decided: "path", "relative",
    "name", "alias", or for failures "missing", "outside", "empty".
    """

    path: str | None
    how: str
    candidates: tuple[str, ...] = ()

    @property
    def resolved(self) -> bool:
        return self.path is not None

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


@dataclass(frozen=True, slots=True)
class _Target:
    """What resolving one link path finds whichever note it is written in (see `LinkResolver._read`)."""

    settled: Resolution | None  # the answer for every note (outside the vault, or a vault-root path)
    plain: str | None = None  # the path read from the vault root, None when that climbs out of it
    at_path: str | None = None  # the file at `plain`, if any
    rivals: tuple[list[str], bool] | None = None  # `at_path`'s `_rival_files`
    by_name: tuple[list[str], bool] | None = None  # `_by_suffix(plain)`, when no file is at `plain`
    by_alias: list[str] | None = None  # the notes with `plain` as an alias, when no file is at `plain`
    single: Resolution | None = None  # the answer of `by_name` or `by_alias` when one file matches


class LinkResolver:
    """Resolves link paths against a fixed set of vault files (notes and attachments).

    Build one per build from every vault file, published or not: `paths` are vault-relative POSIX
    paths with extension; `aliases` maps a note path to its aliases. `attachment_folder` (Obsidian's
    `attachmentFolderPath` setting) is tried first for names that several attachments share.
    """

    def __init__(
        self,
        paths: Iterable[str],
        aliases: Mapping[str, Iterable[str]] | None = None,
        attachment_folder: str | None = None,
    ) -> None:
        self._paths: dict[str, str] = {}  # folded full path -> path
        self._by_name: dict[str, list[str]] = {}  # folded file name with extension -> paths
        for path in sorted(set(paths)):
            key = fold(path)
            # Two files differing only in case or normalisation: keep the first in sort order
            # so the choice is deterministic.
            self._paths.setdefault(key, path)
            self._by_name.setdefault(key.rpartition("/")[2], []).append(path)
        self._by_alias: dict[str, list[str]] = {}
        for path, names in (aliases or {}).items():
            for alias in names:
                if isinstance(alias, str) and alias.strip():
                    bucket = self._by_alias.setdefault(fold(alias.strip()), [])
                    if path not in bucket:
                        bucket.append(path)
        # Obsidian's `attachmentFolderPath`: "/" (vault root), "Folder", "./" (the note's own
        # folder) or "./sub" (a folder below the note's).
        raw = (attachment_folder or "").strip()
        self._attachment_relative = raw.startswith("./") or raw == "."
        self._attachment_folder = fold(raw.removeprefix(".").strip("/")) if raw else None
        self._targets: dict[str, _Target] = {}  # `_read` of each target resolved so far

    def __contains__(self, path: str) -> bool:
        return fold(path) in self._paths

    def resolve(self, target: str, source_path: str = "") -> Resolution:
        """Resolve `target` (a link path as written, without `#subpath`) from the note `source_path`.

        `target` is taken literally: callers strip `|display` and `#subpath` first (see
        `parse_wikilink`) and URL-decode Markdown link targets (see `decode_markdown_target`).
        An empty target is a same-page link and resolves to `source_path` itself.
        """
        target = target.strip()
        if not target:
            return Resolution(source_path or None, "empty" if not source_path else "path")
        # What the rules find from the target alone is read once per target (`_Target`): a vault links
        # to the same notes from many folders (24,000 resolutions of 7,000 targets at 10,000 notes).
        known = self._targets.get(target)
        if known is None:
            known = self._targets[target] = self._read(target)
        if known.settled is not None:
            return known.settled

        source_folder = posixpath.dirname(source_path)
        relative = _join_inside(source_folder, target)
        if relative is None:
            return Resolution(None, "outside")

        plain = known.plain
        if known.at_path is not None:
            return Resolution(known.at_path, "path", self._ranked_rivals(known.at_path, known.rivals, source_folder))
        if relative != plain:
            found = self._exact(relative)
            if found:
                rivals = self._rival_files(found, target)
                return Resolution(found, "relative", self._ranked_rivals(found, rivals, source_folder))
        if plain is None:
            # Climbs above the root when read from the vault root but not from the note's folder:
            # the relative reading above was the only legitimate one.
            return Resolution(None, "missing")

        if known.single is not None:
            return known.single
        if known.by_name is not None:
            bucket, attachments = known.by_name
            ordered = self._prefer(bucket, source_folder, attachments=attachments)
            return Resolution(ordered[0], "name", tuple(ordered) if len(ordered) > 1 else ())

        if known.by_alias:
            ordered = self._prefer(known.by_alias, source_folder, attachments=False)
            return Resolution(ordered[0], "alias", tuple(ordered) if len(ordered) > 1 else ())
        return Resolution(None, "missing")

    # -- internals -------------------------------------------------------------------------------

    def _read(self, target: str) -> _Target:
        """What `resolve` finds for a (stripped, non-empty) target wherever the link is written."""
        if _SCHEME.match(target) or _BACKSLASH_ABS.match(target) or target.startswith("~"):
            return _Target(Resolution(None, "outside"))
        if target.startswith("/"):
            # Vault-root path: only an exact match, never a name search.
            found = self._exact(target.lstrip("/"))
            return _Target(Resolution(found, "path") if found else Resolution(None, "missing"))
        plain = _normalise_inside(target)
        if plain is None:
            return _Target(None)
        at_path = self._exact(plain)
        if at_path:
            return _Target(None, plain, at_path, self._rival_files(at_path, target))
        by_name = self._by_suffix(plain)
        by_alias = self._by_alias.get(fold(plain)) if by_name is None else None
        # One file by name (or else one note by alias), as most are: the same answer from every folder.
        if by_name is not None:
            single = Resolution(by_name[0][0], "name") if len(by_name[0]) == 1 else None
        else:
            single = Resolution(by_alias[0], "alias") if by_alias and len(by_alias) == 1 else None
        return _Target(None, plain, None, None, by_name, by_alias, single)

    def _exact(self, path: str) -> str | None:
        key = fold(path)
        return self._paths.get(key) or self._paths.get(key + ".md")

    def _rival_files(self, found: str, target: str) -> tuple[list[str], bool] | None:
        """For a bare name that a path rule settled, the other files sharing that name, and whether
        they are attachments (None when there are none, or when the target names folders)."""
        if "/" in target.strip("/"):
            return None
        name = fold(found.rpartition("/")[2])
        bucket = [p for p in self._by_name.get(name, ()) if p != found]
        return (bucket, not name.endswith(".md")) if bucket else None

    def _ranked_rivals(
        self, found: str, rivals: tuple[list[str], bool] | None, source_folder: str
    ) -> tuple[str, ...]:
        """`found` and its `_rival_files` in preference order, or () without rivals.

        Not a resolution step: it only lets the caller say "3 files are named Notes, took X".
        """
        if rivals is None:
            return ()
        return (found, *self._prefer(rivals[0], source_folder, attachments=rivals[1]))

    def _by_suffix(self, target: str) -> tuple[list[str], bool] | None:
        """Files whose name (or path ending, for a target with folders) matches `target`, and whether
        they are attachments; None when none does."""
        key = fold(target)
        folders, _, base = key.rpartition("/")
        # A name as written first, then with `.md` added; a file literally named `x.md.md`
        # is reached by `[[x.md]]` only when no `x.md` exists.
        for name in (base, base + ".md"):
            bucket = self._by_name.get(name)
            if not bucket:
                continue
            if folders:
                ending = "/" + folders + "/"
                bucket = [p for p in bucket if ("/" + fold(posixpath.dirname(p)) + "/").endswith(ending)]
            if bucket:
                return bucket, not name.endswith(".md")
        return None

    def _prefer(self, paths: list[str], source_folder: str, *, attachments: bool) -> list[str]:
        """Order equally-named candidates: for attachments the attachment folder from Obsidian's
        settings first; then the linking note's folder, the shortest path, alphabetical."""
        if len(paths) == 1:
            return list(paths)  # (most names are unique: nothing to rank)
        here = fold(source_folder)
        att = self._attachment_folder
        if att is not None and self._attachment_relative:
            att = "/".join(p for p in (here, att) if p)

        def rank(path: str) -> tuple[int, int, int, str, str]:
            folder = fold(posixpath.dirname(path))
            return (
                0 if attachments and att is not None and folder == att else 1,
                0 if folder == here else 1,
                len(path),
                fold(path),
                path,
            )

        return sorted(set(paths), key=rank)


def _normalise_inside(path: str) -> str | None:
    """`path` with `.` and `..` segments folded, or None when it climbs above the vault root."""
    if "." not in path and "//" not in path and path[:1] != "/" and path[-1:] != "/":
        return path  # no `.`, `..` or empty segment: already as folded (most link targets)
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def _join_inside(folder: str, path: str) -> str | None:
    """`path` read relative to `folder`, or None when it leaves the vault."""
    return _normalise_inside(f"{folder}/{path}" if folder else path)


# -- link text parsing -----------------------------------------------------------------------------
