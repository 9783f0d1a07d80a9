"""`mkdocs.yml` as the CLI reads it: MkDocs' own YAML loader (`!ENV` tags) and the plugin's typed config.

The CLI takes its options from the same file as `mkdocs build`; reading it with MkDocs' loader keeps the
two readings the same, so the reader lives here in the adapter rather than as a second loader of ours.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mkdocs.utils import yaml_load

from .config import VaultConfig


class ConfigFileError(ValueError):
    """The file cannot be read, or the plugin's options in it are not valid."""


def plugin_options(config_file: Path) -> tuple[Path, dict[str, Any]]:
    """(vault folder, `vault` plugin options) from an mkdocs.yml, validated like MkDocs does."""
    try:
        with config_file.open("rb") as fh:
            data = yaml_load(fh) or {}
    except (OSError, ValueError) as exc:
        raise ConfigFileError(f"cannot read {config_file}: {exc}") from None
    docs_dir = config_file.parent / str(data.get("docs_dir", "docs"))
    raw: dict[str, Any] = {}
    for entry in data.get("plugins") or []:
        if entry == "vault":
            raw = {}
        elif isinstance(entry, dict) and "vault" in entry:
            raw = entry["vault"] or {}
    if isinstance(data.get("plugins"), dict):
        raw = data["plugins"].get("vault") or {}
    cfg = VaultConfig(config_file_path=str(config_file))
    cfg.load_dict(raw)
    errors, _warnings = cfg.validate()
    if errors:
        raise ConfigFileError("; ".join(f"vault plugin option {k}: {e}" for k, e in errors))
    return docs_dir, dict(cfg)


def placement_problem(config_file: Path, docs_dir: Path) -> str | None:
    """Why MkDocs will refuse this mkdocs.yml before any plugin runs, if it will: its `docs_dir` is the
    folder the file is in (the vault's own folder, `docs_dir: .`, the first thing an Obsidian user
    tries). MkDocs 1.6 allows no docs_dir that holds its config file; the file goes beside the vault."""
    folder = os.path.abspath(config_file.parent)
    if os.path.abspath(docs_dir) != folder:
        return None
    name = os.path.basename(folder) or folder
    return (
        f"{config_file.name} is inside the vault folder it publishes (docs_dir is its own folder), which "
        f"MkDocs refuses before any plugin runs. Move {config_file.name} to the folder that holds the "
        f"vault ({os.path.dirname(folder)}) and set `docs_dir: {name}`."
    )
