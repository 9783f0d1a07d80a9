"""Vault files -> `Note` and `Attachment` objects.

The loader owns reading: every `.md` file is decoded here (invalid UTF-8 becomes replacement characters
with a warning, a binary file named `.md` is skipped with a warning), so no file can abort a build.
Results are cached per file on (size, mtime), so a rebuild under `mkdocs serve` re-reads only what changed.
"""

from __future__ import annotations

import datetime as dt
import errno
import fnmatch
import functools
import os
import re
import stat as stat_module
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..clock import Clock
from ..diagnostics import Diagnostics
from . import frontmatter as fm
from .linktext import parse_wikilink
from .model import Attachment, InlineField, Link, Note
from .nesting import MAX_HEADINGS
from .scan import BodyScan, find_links, scan_body
from .settings import ALWAYS_SKIPPED, ObsidianSettings, read_settings

_FILE_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_LOADER_KINDS = (
    "encoding", "binary", "frontmatter", "read", "nesting", "control-character", "size", "publish",
)
# Python-Markdown's time grows faster than linearly with a note's size (and MkDocs' search plugin is
# quadratic in its headings): a 20 MB note would take many minutes. Past this many characters only the
# beginning of a note is published, with a warning, so one pasted log cannot stall a whole build.
MAX_NOTE_CHARS = 1_000_000
TRUNCATED_NOTICE = (
    "\n\n<p class=\"vault-truncated\"><em>This note is too long to show in full: "
    "the site shows only its beginning.</em></p>\n"
)


@dataclass
class Vault:
    root: Path
    notes: dict[str, Note] = field(default_factory=dict)
    attachments: dict[str, Attachment] = field(default_factory=dict)
    settings: ObsidianSettings = field(default_factory=ObsidianSettings)
    changed: set[str] = field(default_factory=set)  # paths added, modified or removed by the last load
    # Files of the templates folder: never read or published, but links to them are not "unresolved"
    # (Obsidian resolves them), so the resolver knows their names.
    templates: set[str] = field(default_factory=set)
    # Files left out by the `exclude` option or Obsidian's "excluded files", with the reason: never read,
    # but the publish report lists them as held back.
    excluded: dict[str, str] = field(default_factory=dict)


def _matches(rel_path: str, patterns: Iterable[str]) -> bool:
    """fnmatch globs against the vault-relative path; a pattern also matches everything below a folder."""
    for pattern in patterns:
        pattern = pattern.strip()
        if not pattern:
            continue
        folder = pattern.rstrip("/")
        if fnmatch.fnmatchcase(rel_path, pattern) or fnmatch.fnmatchcase(rel_path, folder + "/*"):
            return True
    return False


def _scan_folder(folder: str) -> tuple[list[os.DirEntry[str]], list[os.DirEntry[str]]]:
    """A folder's entries sorted by name, split as `os.walk` splits them: folders (a symbolic link to one
    included) and the rest. A folder that cannot be read has none, as `os.walk` skips it."""
    try:
        with os.scandir(folder) as entries:
            ordered = sorted(entries, key=lambda entry: entry.name)
    except OSError:
        return [], []
    dirs, files = [], []
    for entry in ordered:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        (dirs if is_dir else files).append(entry)
    return dirs, files


def _utf8(name: str) -> bool:
    """Is a name from the file system valid UTF-8? (Undecodable bytes arrive as lone surrogates.)"""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def decode_text(data: bytes) -> tuple[str, int | None]:
    """UTF-8 text (BOM dropped) and the 1-based line of the first invalid byte, or None if all was valid."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return data.decode("utf-8", errors="replace"), data.count(b"\n", 0, exc.start) + 1


def read_file(path: str | Path, size: int) -> bytes:
    """The whole file, as `open(path, "rb").read()` gives it, in about half the time: with its size
    known from the directory scan, plain `os.read` calls need no buffered file object (10,000 notes
    are read per build). Reads on until the end, so a file that grew since its `stat` comes whole."""
    # Non-blocking, so that a FIFO put in a file's place since the scan cannot block the open; then
    # only a regular file is read (a FIFO's reader would wait for a writer for ever).
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat_module.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        data = os.read(fd, size + 1)
        if not data:
            return data
        chunks = [data]
        while more := os.read(fd, max(size, 65536)):
            chunks.append(more)
        return data if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)


def looks_binary(data: bytes) -> bool:
    return b"\x00" in data[:8192]


_TAG_SEPARATORS = re.compile(r"[,\s]+")
_ALIAS_SEPARATORS = re.compile(r",")


def _string_list(value: Any, separators: re.Pattern[str]) -> list[str]:
    """Obsidian/Dataview accept a YAML list, or one string split on separators, for tags and aliases."""
    if value is None or value is False:
        return []
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            if type(item) is str:
                # (What the last line below makes of a string, without a call per item of every
                # note's tag list: most items are one tag, which `split` leaves whole.)
                parts = separators.split(item)
                if len(parts) == 1:
                    part = item.strip()
                    if part:
                        out.append(part)
                else:
                    out.extend(part.strip() for part in parts if part.strip())
            elif item is not None and item != "":
                out.extend(_string_list(item, separators))
        return out
    if isinstance(value, dict):
        return []
    return [part.strip() for part in separators.split(str(value)) if part.strip()]


def frontmatter_tags(data: dict[str, Any]) -> list[str]:
    tags: list[str] = []
    for key, value in data.items():
        if isinstance(key, str) and key.lower() in ("tags", "tag"):
            for tag in _string_list(value, _TAG_SEPARATORS):
                tags.append(tag if tag.startswith("#") else "#" + tag)
    return tags


def frontmatter_aliases(data: dict[str, Any]) -> list[str]:
    aliases: list[str] = []
    for key, value in data.items():
        if isinstance(key, str) and key.lower() in ("alias", "aliases") and value:
            if isinstance(value, list):
                aliases.extend(str(v).strip() for v in value if v is not None and str(v).strip())
            else:
                aliases.extend(_string_list(value, _ALIAS_SEPARATORS))
    return aliases


def with_parents(tags: Iterable[str]) -> list[str]:
    """The tags and every parent of each (`#a/b` gives `#a`, `#a/b`), first seen first."""
    out: dict[str, None] = {}
    for tag in tags:
        out.update(_lineage(tag))
    return list(out)


@functools.lru_cache(maxsize=16384)
def _lineage(tag: str) -> dict[str, None]:
    """`#a`, `#a/b`, `#a/b/c` for `#a/b/c`, memoised: a vault repeats the same tags on every note.
    (Read only: `with_parents` copies it.)"""
    parts = tag.lstrip("#").split("/")
    return {"#" + "/".join(parts[:i]): None for i in range(1, len(parts) + 1)}


def _frontmatter_links(data: dict[str, Any], yaml_text: str, yaml_line: int) -> list[Link]:
    """Wikilinks written in frontmatter string values (Obsidian 1.4+ counts them as the note's links)."""
    if "[[" not in yaml_text and "\\" not in yaml_text:
        return []  # no value can hold `[[` (only an escape in a quoted string could make one)
    links: list[Link] = []
    lookup = _LineLookup(yaml_text.split("\n"), yaml_line)
    for key, value in data.items():
        # Most values are a string or a list of strings, visited here; anything nested is walked.
        if isinstance(value, str):
            if "[[" in value:
                _string_links(value, str(key), lookup, links)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    if "[[" in item:
                        _string_links(item, str(key), lookup, links)
                elif isinstance(item, (list, dict)):
                    _nested_links(item, str(key), lookup, links)
        elif isinstance(value, dict):
            _nested_links(value, str(key), lookup, links)
    return links


def _nested_links(value: list | dict, key: str, lookup: _LineLookup, links: list[Link]) -> None:
    """`_string_links` of every string inside a list or mapping, depth first, in order."""
    # Without recursion (a stack of iterators) or closures, which would leave reference cycles for
    # the garbage collector on every note.
    stack = [iter(value if isinstance(value, list) else value.values())]
    while stack:
        item = next(stack[-1], _DONE)
        if item is _DONE:
            stack.pop()
        elif isinstance(item, str):
            if "[[" in item:
                _string_links(item, key, lookup, links)
        elif isinstance(item, list):
            stack.append(iter(item))
        elif isinstance(item, dict):
            stack.append(iter(item.values()))


def _string_links(item: str, key: str, lookup: _LineLookup, links: list[Link]) -> None:
    """Append the wikilinks of one frontmatter string, under `key`, with the line they are on."""
    for link in find_links(item, 0):
        if link.markdown:
            continue
        # The string's first `[[` up to the `]]` after it (or its end): what the line is found by.
        start = item.find("[[")
        end = item.find("]]", start + 2)
        link.line = lookup.line_of(item[start:end] if end >= 0 else item[start:])
        link.origin, link.key = "frontmatter", key
        links.append(link)


_DONE = object()


class _LineLookup:
    """The file line of a piece of YAML text, searching onwards from the last one found (values come
    in the order written), then from the top."""

    def __init__(self, lines: list[str], first_line: int) -> None:
        self.lines = lines
        self.first_line = first_line
        self.search_from = 0

    def line_of(self, needle: str) -> int:
        lines = self.lines
        for i in range(self.search_from, len(lines)):
            if needle in lines[i]:
                self.search_from = i
                return self.first_line + i
        for i in range(len(lines)):
            if needle in lines[i]:
                return self.first_line + i
        return self.first_line


def parse_iso_day(value: Any) -> dt.date | dt.datetime | None:
    if isinstance(value, (dt.date, dt.datetime)):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text)
            return dt.datetime.fromisoformat(text)  # Python 3.11 reads a trailing Z
        except ValueError:
            return None
    return None


def note_day(
    data: dict[str, Any], name: str, fields: Iterable[InlineField] = ()
) -> dt.date | dt.datetime | None:
    """The note's date (Dataview's file.day): the first value of the first `date`/`day` key that is a
    date, keys in Dataview's order (frontmatter, then inline fields of list items, then of paragraphs;
    fields on tasks are the tasks' own), else a YYYY-MM-DD in the file name."""
    firsts: dict[str, Any] = dict(data)
    inline = [f for f in fields if not f.on_task]
    for f in [f for f in inline if f.item_line is not None] + [f for f in inline if f.item_line is None]:
        firsts.setdefault(f.key, f.value)  # a key's later values never decide, as in Dataview
    for key, value in firsts.items():
        if isinstance(key, str) and key.lower() in ("date", "day"):
            if isinstance(value, list) and value:
                value = value[0]
            if isinstance(value, str) and value.strip().startswith("[["):
                value = parse_wikilink(value.strip()[2:].rstrip("]")).target
                m = _FILE_DATE.search(value)
                value = m.group(0) if m else None
            day = parse_iso_day(value)
            if day is not None:
                return day
    m = _FILE_DATE.search(name)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    return None


def parse_note(path: str, text: str, diagnostics: Diagnostics) -> Note:
    """Build a Note from decoded text. Frontmatter problems are reported, never raised."""
    split = fm.split(text)
    head = text[: len(text) - len(split.body)]  # (the body is the end of the text)
    note = Note(path=path, head=head, body=split.body, body_line=split.body_line)
    data: dict[str, Any] = {}
    if split.yaml_text is not None:
        try:
            data = fm.parse_yaml(split.yaml_text)
        except fm.FrontmatterError as exc:
            line = split.yaml_line + (exc.line or 0) + 1
            # Fail closed: a block that cannot be read but has a `publish: false` line (or one in doubt)
            # holds the note back; the one warning says so.
            doubt = fm.publish_line_doubt(split.yaml_text)
            outcome = "the frontmatter block is ignored and left out of the page"
            if doubt is not None:
                note.held = f"invalid frontmatter with the line `{doubt[1]}`"
                outcome = f"it has the line `{doubt[1]}`, so the note is held back"
            diagnostics.report(path, line, "frontmatter", f"{exc}; {outcome}")
            note.frontmatter_valid = False
            data = {}
        else:
            if data:
                stated = fm.publish_property(data)
                if stated.problem is not None:
                    line = fm.publish_key_line(split.yaml_text)
                    where = split.yaml_line + (line or 0) + 1
                    diagnostics.report(path, where, "publish", stated.problem)
    body = read_metadata(note, data, split.yaml_text or "", split.yaml_line, split.body, split.body_line)
    for line, kind, message in body.problems:
        diagnostics.report(path, line + 1, kind, message)
    if len(note.headings) > MAX_HEADINGS:
        diagnostics.report(
            path, note.headings[MAX_HEADINGS].line + 1, "size",
            f"{len(note.headings):,} headings; the ones after the first {MAX_HEADINGS:,} are shown as bold text",
        )
    return note


def read_metadata(
    note: Note, data: dict[str, Any], yaml_text: str, yaml_line: int, body: str, body_line: int
) -> BodyScan:
    """Set everything `note` holds that is read from its frontmatter `data` and its `body` (frontmatter,
    aliases, links, headings, block ids, fields, list items, tags, day); the body's scan is returned for
    its problems. (`privacy.redact` calls it again with private values taken out.)"""
    note.frontmatter = data
    note.aliases = frontmatter_aliases(data)
    scan = scan_body(body, body_line)
    fm_links = _frontmatter_links(data, yaml_text, yaml_line) if data else []
    note.links = fm_links + scan.links
    note.headings = scan.headings
    note.block_ids = scan.block_ids
    note.fields = scan.fields
    note.list_items = scan.list_items
    # Dataview lists body tags before frontmatter tags (it reads Obsidian's cache first).
    note.etags = list(dict.fromkeys(scan.tags + frontmatter_tags(data)))
    note.tags = with_parents(note.etags)
    note.day = note_day(data, note.name, note.fields)
    return scan


class VaultLoader:
    """Reads a vault folder; keeps a per-file cache between loads."""

    def __init__(
        self,
        root: Path | str,
        clock: Clock,
        diagnostics: Diagnostics,
        exclude: Iterable[str] = (),
        skip_templates: bool = True,
    ) -> None:
        """`skip_templates=False` keeps the templates folder, as Dataview itself indexes it (the
        conformance runner needs that); a published site never wants template files."""
        self.root = Path(root).resolve()
        self.skip_templates = skip_templates
        self.clock = clock
        self.diagnostics = diagnostics
        self.exclude = list(exclude)
        self._cache: dict[str, tuple[int, int, Note | None]] = {}
        self._attachments: dict[str, tuple[int, int]] = {}

    def forget(self) -> None:
        """Drop the per-file cache (the next `load` reads every file again)."""
        self._cache.clear()
        self._attachments.clear()

    def _walk(self, settings: ObsidianSettings) -> Iterator[tuple[str, os.DirEntry[str]]]:
        """Every file to read, as (vault path, directory entry): the files of a folder in name order,
        then its subfolders', as `os.walk` visits them. `os.scandir`'s entries know whether they are
        symbolic links and keep their `stat`, which saves two system calls a file."""
        skipped_roots = set(ALWAYS_SKIPPED)
        if self.skip_templates:
            skipped_roots.add(settings.templates_folder)
        return self._walk_folder(str(self.root), "", skipped_roots, settings)

    def _walk_folder(
        self, folder: str, rel_dir: str, skipped_roots: set[str], settings: ObsidianSettings
    ) -> Iterator[tuple[str, os.DirEntry[str]]]:
        dirs, files = _scan_folder(folder)
        keep = []
        for entry in dirs:
            d = entry.name
            rel = f"{rel_dir}/{d}" if rel_dir else d
            if not _utf8(d) and not d.startswith("."):
                self._unreadable_name(rel)
                continue
            if rel == settings.templates_folder and rel in skipped_roots:
                self._template_files = self._list_files(Path(entry.path), rel)
                continue
            if d.startswith(".") or rel in skipped_roots:
                continue
            if entry.is_symlink():
                # Never followed (it could lead out of the vault, or loop); say so when it leads out.
                if not self._inside(os.path.realpath(entry.path)):
                    self.diagnostics.report(
                        rel, None, "symlink", "symbolic link leads outside the vault; not published", "info"
                    )
                continue
            reason = self._exclusion(rel, settings)
            if reason:
                for path in self._list_files(Path(entry.path), rel):
                    self._excluded[path] = reason
                continue
            keep.append((entry.path, rel))
        for entry in files:
            name = entry.name
            if name.startswith("."):
                continue
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if not _utf8(name):
                self._unreadable_name(rel)
                continue
            if entry.is_symlink():
                real = os.path.realpath(entry.path)
                if not self._inside(real):
                    self.diagnostics.report(
                        rel, None, "symlink", "symbolic link leads outside the vault; not published", "info"
                    )
                    continue
                # A link to a file the vault leaves out (an excluded or hidden folder, the templates
                # folder) is left out with it: otherwise it would publish that file under its own name.
                target = os.path.relpath(real, self.root).replace(os.sep, "/")
                why = self._left_out(target, skipped_roots, settings)
                if why:
                    self.diagnostics.report(
                        rel, None, "symlink",
                        f"symbolic link to {target}, which is left out of the vault ({why}); not published",
                    )
                    self._excluded[rel] = f"symbolic link to {target} ({why})"
                    continue
            reason = self._exclusion(rel, settings)
            if reason:
                self._excluded[rel] = reason
                continue
            try:
                regular = entry.is_file()  # (following a symbolic link)
            except OSError:
                regular = False
            if not regular:
                # A FIFO, socket or device (or a link to one, or to nothing): a FIFO's reader would wait
                # for a writer for ever.
                self.diagnostics.report(
                    rel, None, "read", "not a regular file (a pipe, a device or a broken link); skipped"
                )
                continue
            yield rel, entry
        for path, rel in keep:
            yield from self._walk_folder(path, rel, skipped_roots, settings)

    def _unreadable_name(self, rel: str) -> None:
        # The name is not UTF-8 (Python keeps its bytes as lone surrogates, which no later stage could
        # write out): shown with U+FFFD in place of the bytes.
        shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        self.diagnostics.report(shown, None, "encoding", "file name is not valid UTF-8; skipped")

    def _left_out(self, rel: str, skipped_roots: set[str], settings: ObsidianSettings) -> str | None:
        """Why the walk leaves the file at vault path `rel` out, or None when it reads it."""
        parts = rel.split("/")
        if any(part.startswith(".") for part in parts):
            return "hidden"
        for depth in range(1, len(parts)):
            if "/".join(parts[:depth]) in skipped_roots:
                return "in a folder that is never published"
        return self._exclusion(rel, settings)

    def _exclusion(self, rel: str, settings: ObsidianSettings) -> str | None:
        """Why `rel` is left out of the vault, or None when it is not."""
        if _matches(rel, self.exclude):
            return "excluded by the exclude option"
        if settings.is_ignored(rel):
            return "excluded by Obsidian's excluded files setting"
        return None

    def _inside(self, real_path: str) -> bool:
        return real_path.startswith(str(self.root) + os.sep)

    @staticmethod
    def _list_files(folder: Path, rel_folder: str) -> set[str]:
        found = set()
        for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            rel_dir = os.path.relpath(dirpath, folder).replace(os.sep, "/")
            prefix = rel_folder if rel_dir == "." else f"{rel_folder}/{rel_dir}"
            found.update(f"{prefix}/{name}" for name in filenames if not name.startswith("."))
        return found

    def load(self) -> Vault:
        settings = read_settings(self.root)
        self._template_files: set[str] = set()
        self._excluded: dict[str, str] = {}
        for problem in settings.problems:
            self.diagnostics.report(".obsidian", None, "settings", problem)
        vault = Vault(self.root, settings=settings)
        seen_notes: set[str] = set()
        seen_attachments: set[str] = set()
        for rel, entry in self._walk(settings):
            try:
                stat = entry.stat()
            except OSError as exc:
                self.diagnostics.report(rel, None, "read", f"cannot be read: {exc.strerror}")
                continue
            if rel.lower().endswith(".md"):
                seen_notes.add(rel)
                note = self._load_note(rel, entry.path, stat, vault.changed)
                if note is not None:
                    vault.notes[rel] = note
            else:
                seen_attachments.add(rel)
                key = (stat.st_size, stat.st_mtime_ns)
                if self._attachments.get(rel) != key:
                    vault.changed.add(rel)
                    self._attachments[rel] = key
                vault.attachments[rel] = Attachment(rel, stat.st_size)
        vault.templates = self._template_files
        vault.excluded = self._excluded
        for gone in set(self._cache) - seen_notes:
            del self._cache[gone]
            self.diagnostics.forget([gone])
            vault.changed.add(gone)
        for gone in set(self._attachments) - seen_attachments:
            del self._attachments[gone]
            vault.changed.add(gone)
        return vault

    def _load_note(self, rel: str, full: str, stat: os.stat_result, changed: set[str]) -> Note | None:
        key = (stat.st_size, stat.st_mtime_ns)
        cached = self._cache.get(rel)
        if cached and cached[:2] == key:
            return cached[2]
        changed.add(rel)
        self.diagnostics.forget([rel], _LOADER_KINDS)
        note = self.read_note(rel, full, stat)
        self._cache[rel] = (key[0], key[1], note)
        return note

    def read_note(self, rel: str, full: str | Path, stat: os.stat_result | None = None) -> Note | None:
        try:
            stat = stat or os.stat(full)
            data = read_file(full, stat.st_size)
        except OSError as exc:
            self.diagnostics.report(rel, None, "read", f"cannot be read: {exc.strerror}")
            return None
        if looks_binary(data):
            self.diagnostics.report(rel, None, "binary", "binary data in a .md file; skipped")
            return None
        text, bad_line = decode_text(data)
        if bad_line is not None:
            self.diagnostics.report(
                rel, bad_line, "encoding", "not valid UTF-8; invalid bytes shown as \ufffd"
            )
        text = text.replace("\r\n", "\n")
        if "\x00" in text:
            # NUL is not allowed in HTML (browsers show U+FFFD): make the page say what it shows.
            line = text.count("\n", 0, text.index("\x00")) + 1
            self.diagnostics.report(rel, line, "control-character", "NUL characters replaced by \ufffd")
            text = text.replace("\x00", "\ufffd")
        truncated = len(text) > MAX_NOTE_CHARS
        if truncated:
            # The frontmatter is split off before any cut: a cut through it would lose its closing `---`
            # and publish the whole block (`publish: false` and private keys with it) as the body.
            split = fm.split(text)
            head = len(text) - len(split.body) if split.yaml_text is not None else 0
            if head > MAX_NOTE_CHARS:
                self.diagnostics.report(
                    rel, 1, "size",
                    f"frontmatter block is {head / 1e6:.1f} million characters, over the cap of "
                    f"{MAX_NOTE_CHARS / 1e6:g} million; it is not read and the note is held back",
                )
                note = Note(path=rel, held="frontmatter over the size cap", frontmatter_valid=False)
                note.size = stat.st_size
                note.ctime, note.mtime = self.clock.file_times_of(rel, stat)
                return note
            cut = text.rfind("\n", head, MAX_NOTE_CHARS)
            text = text[: cut if cut > head else MAX_NOTE_CHARS]
            self.diagnostics.report(
                rel, None, "size",
                f"note is {len(data) / 1e6:.1f} MB; only its first {MAX_NOTE_CHARS / 1e6:g} million "
                "characters are published",
            )
        note = parse_note(rel, text, self.diagnostics)
        if truncated:
            note.body += TRUNCATED_NOTICE
        note.size = stat.st_size
        note.ctime, note.mtime = self.clock.file_times_of(rel, stat)
        return note


def load_vault(
    root: Path | str,
    clock: Clock | None = None,
    diagnostics: Diagnostics | None = None,
    exclude: Iterable[str] = (),
    skip_templates: bool = True,
) -> Vault:
    """Read a whole vault once (no cache kept): the simple entry point for tests and the CLI."""
    clock = clock or Clock(vault_root=Path(root))
    if diagnostics is None:
        diagnostics = Diagnostics()
    return VaultLoader(root, clock, diagnostics, exclude, skip_templates).load()
