"""What of a note is private, taken out of the `Note` right after loading, before anything reads it.

`private_keys` name frontmatter keys and inline fields whose values are never shown. A value reaches a
site not only as itself but through what the scanner found in it: its links (outlinks, inlinks, linked
mentions, graph edges, and the attachments a link makes published), its tags (tag pages, the sitemap)
and the text of the list item or task it sits on (TASK results, `file.lists.text`). So every note with a
private value is read again with the values taken out, and later stages only ever see what is left:

- private keys are removed from the frontmatter at any depth (`comp: {salary: …}`,
  `history: [{rate: …}]`), and its links and tags are read from what remains;
- comments are taken out of the body, then on each line holding a private inline field the field is
  cut out (`pay [salary:: 900]` -> `pay`; a line that held nothing else is left empty, so every other
  line keeps its number), and the body is scanned again, so links, tags, list items and tasks come from
  what remains.

The note's own page is rendered from its body as written, where `markdown.private_fields` cuts the same
fields out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .index.build import is_private
from .markdown.comments import strip_comments
from .markdown.private_fields import strip_private_line
from .vault import frontmatter as fm
from .vault.loader import read_metadata
from .vault.model import Note


def private_set(keys: Iterable[str]) -> frozenset[str]:
    return frozenset(k.lower() for k in keys if k)


def redact(note: Note, private: frozenset[str]) -> bool:
    """Take every private value out of `note`, in place (see the module docstring); True when anything
    was taken out. Idempotent: a redacted note has nothing more to take out."""
    if not private:
        return False
    data = note.frontmatter
    kept = _without_private(data, private) if data else data
    lines = _private_lines(note, private)
    if kept == data and not lines:
        return False
    body = note.body
    if lines:
        # Comments first (nothing in them counts, and a field line may open one that must stay open).
        body_lines = strip_comments(body.split("\n"), keep_lines=True)
        for index in lines:
            if 0 <= index < len(body_lines):
                body_lines[index] = strip_private_line(body_lines[index], private) or ""
        body = "\n".join(body_lines)
    split = fm.split(note.text)
    read_metadata(note, kept, split.yaml_text or "", split.yaml_line, body, note.body_line)
    # What the scan finds again in a line it could not cut (a field inside an odd comment) stays out.
    note.fields = [f for f in note.fields if not is_private(f.key, private)]
    for item in note.list_items:
        if any(is_private(key, private) for key in item.fields):
            item.fields = {k: v for k, v in item.fields.items() if not is_private(k, private)}
    return True


def redact_notes(notes: dict[str, Note], paths: Iterable[str], private_keys: Iterable[str]) -> None:
    """`redact` the notes at `paths` (those read since the last call; the rest were redacted then)."""
    private = private_set(private_keys)
    if not private:
        return
    for path in paths:
        note = notes.get(path)
        if note is not None:
            redact(note, private)


def _without_private(value: Any, private: frozenset[str]) -> Any:
    """A frontmatter value without the private keys of every mapping in it, at any depth."""
    if isinstance(value, dict):
        return {k: _without_private(v, private) for k, v in value.items() if not is_private(str(k), private)}
    if isinstance(value, list):
        return [_without_private(v, private) for v in value]
    return value


def _private_lines(note: Note, private: frozenset[str]) -> list[int]:
    """Indexes into the body's lines of every line that may hold a private inline field: the field's
    own line, or every line of the list item it was read from (a field may sit on a continuation)."""
    found: set[int] = set()
    first = note.body_line
    for f in note.fields:
        if f.item_line is None and is_private(f.key, private):
            found.add(f.line - first)
    for item in note.list_items:
        if item.fields and any(is_private(key, private) for key in item.fields):
            found.update(range(item.line - first, item.line + item.line_count - first))
    return sorted(found)
