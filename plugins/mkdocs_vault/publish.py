"""The one predicate that decides what is published.

Applied after names are resolved over every note (so a link finds the right note even when that note
is unpublished) and before the index is built, so no later stage can see an unpublished note.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .vault.frontmatter import publish_property
from .vault.model import Attachment, Note


def publish_flag(frontmatter: Mapping[str, Any]) -> bool | None:
    """The note's own `publish` property as a boolean, or None when it does not say; read fail-closed
    (`vault.frontmatter.publish_property`: any case of the key, `false`/`"false"`/`no`/`off`/`0`, and a
    value in doubt are all false)."""
    return publish_property(frontmatter).flag


def is_base_file(path: str) -> bool:
    """An Obsidian Bases file (`.base`): a page of its own on the site, not a copied attachment."""
    return path.lower().endswith(".base")


def is_published(note: Note, publish_by_default: bool = True) -> tuple[bool, str]:
    """(published?, reason). A note whose frontmatter could not be read but may say `publish: false` is
    held back (`Note.held`); one with invalid frontmatter and no such line is published by the default
    rule: its body is the user's text, and the invalid block itself never goes out."""
    if note.held is not None:
        return False, note.held
    flag = publish_flag(note.frontmatter)
    if flag is False:
        return False, "publish: false"
    if flag is True:
        return True, "publish: true"
    if publish_by_default:
        return True, "published by default"
    return False, "publish_by_default is false and the note does not say publish: true"


@dataclass
class PublishDecision:
    notes: dict[str, str] = field(default_factory=dict)  # published note path -> reason
    held_notes: dict[str, str] = field(default_factory=dict)  # unpublished note path -> reason
    attachments: dict[str, str] = field(default_factory=dict)
    held_attachments: dict[str, str] = field(default_factory=dict)


def decide(
    notes: Mapping[str, Note],
    attachments: Mapping[str, Attachment],
    publish_by_default: bool = True,
    excluded: Mapping[str, str] | Iterable[str] = (),
) -> PublishDecision:
    """Mark every note and attachment published or not; attachments go out only when a published note
    links to or embeds them (links must already be resolved). `excluded` (path -> reason, or paths) are
    files the loader left out; they are listed as held back so the publish report names them."""
    decision = PublishDecision()
    for path in sorted(notes):
        note = notes[path]
        ok, reason = is_published(note, publish_by_default)
        note.published = ok
        (decision.notes if ok else decision.held_notes)[path] = reason
    used: dict[str, str] = {}
    for path in sorted(decision.notes):
        for link in notes[path].links:
            if link.resolved and link.resolved in attachments and link.resolved not in used:
                used[link.resolved] = f"used by {path}"
    for path in sorted(attachments):
        attachment = attachments[path]
        if is_base_file(path):
            # A base has no frontmatter to say `publish`: it goes out by the default rule (the exclude
            # option, Obsidian's excluded files and the templates folder already kept it out of the
            # vault). Its YAML is never copied: the site shows it as a page of its views.
            attachment.published = publish_by_default
            if publish_by_default:
                decision.attachments[path] = "a base: published by default"
            else:
                decision.held_attachments[path] = "a base, and publish_by_default is false"
            continue
        attachment.published = path in used
        if attachment.published:
            decision.attachments[path] = used[path]
        else:
            decision.held_attachments[path] = "not used by any published note"
    reasons = excluded if isinstance(excluded, Mapping) else dict.fromkeys(excluded, "")
    for path in sorted(reasons):
        reason = reasons[path] or "excluded by the exclude option or Obsidian's excluded files"
        held = decision.held_notes if path.lower().endswith(".md") else decision.held_attachments
        held.setdefault(path, reason)
    return decision
