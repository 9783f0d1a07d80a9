"""Dataview's own settings for a vault: whether Dataview runs at all, and how its results look.

Three layers, each overriding the one before: Dataview's defaults (its `settings.ts`), the vault's
`.obsidian/plugins/dataview/data.json` (read by `vault.settings`), and the site's `dataview_settings:`
mapping, which takes the same key names. The older `date_format` option sits between the file and
the mapping. Whether Dataview runs is the `dataview:` option: `on`, `off`, or `auto`, which turns it
off only when the vault lists its enabled community plugins and Dataview is not among them.

Settings that only matter in a live Obsidian (ticking a task off writes a completion date:
`taskCompletionTracking`, `taskCompletionText`, `taskCompletionUseEmojiShorthand`,
`recursiveSubTaskCompletion`) are read and validated but change nothing on a read-only site.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..vault.settings import ObsidianSettings
from .values import DEFAULT_DATE_FORMAT, DEFAULT_DATETIME_FORMAT

DATA_JSON = ".obsidian/plugins/dataview/data.json"

# Dataview's key -> (our attribute, expected type).
KEYS: dict[str, tuple[str, type]] = {
    "enableInlineDataview": ("inline_enabled", bool),
    "enableDataviewJs": ("js_enabled", bool),
    "inlineQueryPrefix": ("inline_prefix", str),
    "inlineJsQueryPrefix": ("inline_js_prefix", str),
    "renderNullAs": ("render_null_as", str),
    "defaultDateFormat": ("date_format", str),
    "defaultDateTimeFormat": ("datetime_format", str),
    "tableIdColumnName": ("id_column", str),
    "tableGroupColumnName": ("group_column", str),
    "showResultCount": ("show_result_count", bool),
    "warnOnEmptyResult": ("warn_on_empty", bool),
    "taskCompletionTracking": ("task_completion_tracking", bool),
    "taskCompletionText": ("task_completion_text", str),
    "taskCompletionUseEmojiShorthand": ("task_completion_emoji", bool),
    "recursiveSubTaskCompletion": ("recursive_subtask_completion", bool),
    "maxRecursiveRenderDepth": ("max_render_depth", int),
    "prettyRenderInlineFields": ("pretty_fields", bool),
}


@dataclass(frozen=True)
class DataviewSettings:
    """The settings in force for one site (defaults as Dataview installs them)."""

    enabled: bool = True
    inline_enabled: bool = True
    js_enabled: bool = False
    inline_prefix: str = "="
    inline_js_prefix: str = "$="
    render_null_as: str = "\\-"
    date_format: str = DEFAULT_DATE_FORMAT
    datetime_format: str = DEFAULT_DATETIME_FORMAT
    id_column: str = "File"
    group_column: str = "Group"
    show_result_count: bool = True
    warn_on_empty: bool = True
    task_completion_tracking: bool = False
    task_completion_text: str = "completion"
    task_completion_emoji: bool = False
    recursive_subtask_completion: bool = False
    max_render_depth: int = 4
    pretty_fields: bool = True  # inline fields in notes shown as Dataview's reading view shows them
    # Where Dataview is on but the vault has no `.obsidian` at all, nobody chose Dataview for it: an
    # inline code span that merely starts with the prefix and does not parse stays code.
    lenient_inline: bool = False
    problems: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # (file, message)


def _typed(key: str, value: Any, where: str, problems: list[tuple[str, str]]) -> tuple[str, Any] | None:
    attr, kind = KEYS[key]
    if kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
    else:
        ok = isinstance(value, kind)
    if kind is str and ok and key in ("inlineQueryPrefix", "inlineJsQueryPrefix") and not value.strip():
        ok = False
    if not ok:
        what = {bool: "true or false", str: "a non-empty text" if "Prefix" in key else "a text",
                int: "a whole number of at least 1"}[kind]
        problems.append((where, f"Dataview setting {key} should be {what}, not {value!r}; it is ignored"))
        return None
    return attr, value


def resolve_settings(
    obsidian: ObsidianSettings,
    mode: str = "auto",
    overrides: Mapping[str, Any] | None = None,
    date_format: str | None = None,
    config_file: str = "mkdocs.yml",
) -> DataviewSettings:
    """The settings in force: defaults, then the vault's data.json, then `date_format`, then
    `overrides` (the `dataview_settings:` mapping). Bad values are left out and listed in `problems`
    with the file they came from; unknown keys in the mapping are listed too (data.json holds many
    settings that do not concern a site, so its unknown keys are not)."""
    problems: list[tuple[str, str]] = []
    values: dict[str, Any] = {}
    for key, value in obsidian.dataview.items():
        if key in KEYS:
            typed = _typed(key, value, DATA_JSON, problems)
            if typed:
                values[typed[0]] = typed[1]
    if date_format:
        values["date_format"] = date_format
    for key, value in (overrides or {}).items():
        if key not in KEYS:
            problems.append((config_file, f"dataview_settings: {key!r} is not a Dataview setting this site reads"))
            continue
        typed = _typed(key, value, config_file, problems)
        if typed:
            values[typed[0]] = typed[1]
    if mode == "on":
        enabled = True
    elif mode == "off":
        enabled = False
    else:
        plugins = obsidian.enabled_plugins
        enabled = plugins is None or "dataview" in plugins
    return replace(
        DataviewSettings(),
        **values,
        enabled=enabled,
        lenient_inline=not obsidian.has_obsidian,
        problems=tuple(problems),
    )
