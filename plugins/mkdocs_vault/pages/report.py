"""The publish report: every note and attachment that goes out, and every one held back, with why."""

from __future__ import annotations

import json

from ..pipeline import VaultState


def publish_report_data(state: VaultState) -> dict:
    d = state.decision
    return {
        "published_notes": [{"path": p, "reason": r} for p, r in sorted(d.notes.items())],
        "held_notes": [{"path": p, "reason": r} for p, r in sorted(d.held_notes.items())],
        "published_attachments": [{"path": p, "reason": r} for p, r in sorted(d.attachments.items())],
        "held_attachments": [{"path": p, "reason": r} for p, r in sorted(d.held_attachments.items())],
    }


def publish_report(state: VaultState, as_json: bool = True) -> str:
    data = publish_report_data(state)
    if as_json:
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    lines = []
    for title, key in (
        ("Published notes", "published_notes"),
        ("Held back notes", "held_notes"),
        ("Published attachments", "published_attachments"),
        ("Held back attachments", "held_attachments"),
    ):
        lines.append(f"{title} ({len(data[key])}):")
        lines.extend(f"  {row['path']}  ({row['reason']})" for row in data[key])
    return "\n".join(lines) + "\n"
