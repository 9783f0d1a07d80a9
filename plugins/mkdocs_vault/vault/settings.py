"""Obsidian's own settings that change what the vault contains or how it renders.

Read from `.obsidian/app.json` (excluded files, attachment folder, strict line breaks),
`.obsidian/templates.json` (the templates folder, skipped like Obsidian's own template files are not
notes anyone publishes), `.obsidian/community-plugins.json` (which community plugins are enabled) and
`.obsidian/plugins/dataview/data.json` (Dataview's settings, as stored: `dataview.settings` types and
applies them). Missing or unreadable files mean Obsidian's defaults.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ALWAYS_SKIPPED = (".obsidian", ".trash", ".git")
DEFAULT_TEMPLATES = "Templates"


@dataclass(slots=True)
class ObsidianSettings:
    attachment_folder: str | None = None  # vault-relative, None for Obsidian's default (vault root)
    strict_line_breaks: bool = False
    ignore_prefixes: list[str] = field(default_factory=list)  # "Archive/" style filters
    ignore_patterns: list[re.Pattern[str]] = field(default_factory=list)  # "/regex/" filters
    templates_folder: str = DEFAULT_TEMPLATES
    has_obsidian: bool = False  # the vault has an `.obsidian` folder
    enabled_plugins: list[str] | None = None  # community-plugins.json; None when there is none
    dataview: dict[str, Any] = field(default_factory=dict)  # Dataview's data.json, as stored
    problems: list[str] = field(default_factory=list)

    def is_ignored(self, rel_path: str) -> bool:
        if any(rel_path == p.rstrip("/") or rel_path.startswith(p if p.endswith("/") else p + "/") or rel_path == p
               for p in self.ignore_prefixes):
            return True
        return any(p.search(rel_path) for p in self.ignore_patterns)


def _read_json(path: Path, problems: list[str], kind: type = dict) -> Any:
    """The file's JSON value if it is a `kind`, else an empty one (and a problem if it was unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return kind()
    except (OSError, ValueError) as exc:
        problems.append(f"{path.name}: cannot be read ({exc.__class__.__name__}); using Obsidian's defaults")
        return kind()
    return data if isinstance(data, kind) else kind()


def read_settings(root: Path) -> ObsidianSettings:
    settings = ObsidianSettings()
    app = _read_json(root / ".obsidian" / "app.json", settings.problems)
    folder = app.get("attachmentFolderPath")
    # "./x" means "x next to the note": there is no single folder to look in first then.
    if isinstance(folder, str) and folder.strip() not in ("", "/", "./") and not folder.startswith("./"):
        settings.attachment_folder = folder.strip().strip("/")
    settings.strict_line_breaks = bool(app.get("strictLineBreaks", False))
    for entry in app.get("userIgnoreFilters") or []:
        if not isinstance(entry, str) or not entry.strip():
            continue
        entry = entry.strip()
        if len(entry) > 2 and entry.startswith("/") and entry.endswith("/"):
            try:
                settings.ignore_patterns.append(re.compile(entry[1:-1]))
            except re.error as exc:
                settings.problems.append(f"app.json: excluded-files pattern {entry!r} is invalid ({exc})")
        else:
            settings.ignore_prefixes.append(entry)
    templates = _read_json(root / ".obsidian" / "templates.json", settings.problems)
    tfolder = templates.get("folder")
    if isinstance(tfolder, str) and tfolder.strip().strip("/"):
        settings.templates_folder = tfolder.strip().strip("/")
    settings.has_obsidian = (root / ".obsidian").is_dir()
    plugins = root / ".obsidian" / "community-plugins.json"
    if plugins.is_file():
        # Only a list that could be read says which plugins are on; anything else leaves it unknown.
        before = len(settings.problems)
        listed = _read_json(plugins, settings.problems, object)
        if isinstance(listed, list) and len(settings.problems) == before:
            settings.enabled_plugins = [p for p in listed if isinstance(p, str)]
    settings.dataview = _read_json(root / ".obsidian" / "plugins" / "dataview" / "data.json", settings.problems)
    return settings
