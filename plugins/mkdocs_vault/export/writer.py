"""`mkdocs-vault export OUT_DIR`: write the published vault as plain Markdown, with the files it uses.

The output keeps the vault's folders and file names (so a link between two exported notes is the
relative path between them), and holds only what the site would publish:

- each published note, with its frontmatter reduced to public keys (private keys removed at any depth,
  in mappings and in lists of mappings, by `privacy.redact` right after loading) and its body rewritten
  by `export.notes`;
- the attachments the exported text links to or embeds, when the site publishes them too;
- each published `.base` file's views as Markdown at `X.base.md` (its YAML is never copied);
- the generated pages, as Markdown, under `vault-pages/` (`-2`, `-3` ... when the vault has a folder of
  that name): a directory by type, a timeline of dated notes, the tags, the open tasks; `index.md` at the
  top lists them when the vault has no `index.md` of its own.

It runs the same stages as a site build (`pipeline.VaultState`), so the publish filter and the privacy
rules are the same ones; it writes nothing else (no YAML of `.base` files, no index, no site assets).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..bases.spec import BaseError, parse_base
from ..bases.state import published_bases, read_base_file, run_base
from ..dataview.batch import context_for_state
from ..dataview.engine import run_query
from ..links.anchors import shown_text
from ..markdown.private_fields import strip_private_fields
from ..vault.linktext import parse_wikilink
from .bases import base_markdown
from .notes import ExportNotes, base_page, href
from .results import MarkdownResults, escape_text

GENERATED = "vault-pages"


@dataclass
class ExportSummary:
    notes: int = 0
    attachments: int = 0
    pages: list[str] = field(default_factory=list)
    warnings: list[tuple[str, int | None, str]] = field(default_factory=list)


def _frontmatter_links(value: Any, source: str, link_state: Any) -> Any:
    """Frontmatter values with every `[[link]]` to a file that is not published reduced to its shown
    text, as the site's properties panel shows it; links to published notes stay as written."""
    if isinstance(value, Mapping):
        return {k: _frontmatter_links(v, source, link_state) for k, v in value.items()}
    if isinstance(value, list):
        return [_frontmatter_links(v, source, link_state) for v in value]
    if isinstance(value, str) and "[[" in value:
        def reduce(m: re.Match[str]) -> str:
            wl = parse_wikilink(m.group(1))
            path, _how = link_state(wl.target, source) if wl.target else (source, "resolved")
            return m.group(0) if path is not None else shown_text(wl.target, wl.subpath, wl.display)

        return re.sub(r"!?\[\[([^\[\]\n]+?)\]\]", reduce, value)
    return value


def _yaml_block(frontmatter: Mapping[str, Any]) -> str:
    if not frontmatter:
        return ""
    text = yaml.safe_dump(dict(frontmatter), allow_unicode=True, sort_keys=False, default_flow_style=False)
    return f"---\n{text}---\n\n"


def _free_folder(root: Path, name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate.lower() in taken or (root / candidate).exists():
        n += 1
        candidate = f"{name}-{n}"
    return candidate


def export_vault(state: Any, out: Path, date_format: str | None = None) -> ExportSummary:
    """Write the published vault of `state` (a refreshed `pipeline.VaultState`) under `out`."""
    vault = state.vault
    published = sorted(state.decision.notes)
    notes = {path: vault.notes[path] for path in published}
    private = frozenset(k.lower() for k in state.options.private_keys)
    ctx = context_for_state(state)
    summary = ExportSummary()

    def link_state(target: str, source: str) -> tuple[str | None, str]:
        path, how = state.link_state(target, source)
        if path is not None and not state.is_published(path):
            return None, "unpublished"
        return path, how

    def results_for(origin: str, here: str) -> MarkdownResults:
        def link(path: str, subpath: str | None, shown: str) -> str:
            target = path if state.is_published(path) else None
            return exporter.link(target, subpath, shown, here)

        def text(value: str, source: str) -> str:
            kept = strip_private_fields(value.split("\n"), state.options.private_keys)
            return exporter.text("\n".join(kept), source, here)

        kwargs = {"date_format": date_format} if date_format else {}
        return MarkdownResults(link, text, origin, **kwargs)

    def query(text: str, origin: str, here: str) -> str:
        return results_for(origin, here).result(run_query(text, origin, ctx))

    def inline_query(expr: str, origin: str, here: str) -> str:
        return results_for(origin, here).result(run_query("=" + expr, origin, ctx)).replace("\n", " ")

    def base(text: str | None, path: str | None, view: str | None, origin: str, here: str) -> str:
        try:
            spec = parse_base(text if text is not None else read_base_file(state, path or ""))
        except (BaseError, OSError) as exc:
            where = path or origin
            exporter.warnings.append((where, None, f"base not exported: {exc}"))
            return f"> **Base:** {escape_text(str(exc))}"

        def link(target: str | None, shown: str) -> str:
            published_target = target if target is not None and state.is_published(target) else None
            return exporter.link(published_target, None, shown, here)

        return base_markdown(run_base(state, spec, view, origin), link)

    exporter = ExportNotes(notes, link_state, list(state.options.private_keys), query, inline_query, base)

    out.mkdir(parents=True, exist_ok=True)
    for path in published:
        note = notes[path]
        # Private keys were taken out at any depth right after loading (`privacy.redact`).
        front = dict(note.frontmatter) if note.frontmatter_valid else {}
        front = _frontmatter_links(front, path, link_state)
        text = _yaml_block(front) + exporter.body(note) + "\n"
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        summary.notes += 1

    for path in published_bases(state):
        title = path.rpartition("/")[2].removesuffix(".base")
        text = f"# {escape_text(title)}\n\n" + base(None, path, None, path, base_page(path)) + "\n"
        target = out / base_page(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        summary.pages.append(base_page(path))

    generated = _free_folder(out, GENERATED, {p.split("/")[0].lower() for p in published})
    pages = _generated_pages(state, notes, exporter, generated, private)
    for rel, text in pages.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        summary.pages.append(rel)

    for path in sorted(exporter.attachments_used):
        if path in notes or not state.is_published(path) or path.lower().endswith(".base"):
            continue  # a base's YAML is never copied: its views are written as Markdown instead
        source = Path(vault.root) / path if hasattr(vault, "root") else Path(state.root) / path
        try:
            if not source.is_file():
                raise FileNotFoundError(path)
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            summary.attachments += 1
        except OSError as exc:
            exporter.warnings.append((path, None, f"attachment not copied: {exc}"))
    summary.warnings = exporter.warnings
    return summary


def _title(note: Any) -> str:
    return escape_text(note.title)


def _generated_pages(state: Any, notes: dict[str, Any], exporter: ExportNotes, folder: str,
                     private: frozenset[str]) -> dict[str, str]:
    """The site's generated pages as Markdown: {output path: text}."""
    pages: dict[str, str] = {}

    def line_for(path: str, here: str, extra: str = "") -> str:
        return f"- [{_title(notes[path])}]({href(path, here)}){extra}"

    # Directory: notes by their `type`, then the rest.
    here = f"{folder}/directory.md"
    by_type: dict[str, list[str]] = {}
    for path, note in notes.items():
        kind = note.type if note.type and "type" not in private else ""
        by_type.setdefault(kind, []).append(path)
    lines = ["# Directory", ""]
    for kind in sorted(by_type, key=lambda k: (k == "", k.lower())):
        lines += [f"## {escape_text(kind.replace('-', ' ').capitalize()) if kind else 'Other notes'}", ""]
        lines += [line_for(p, here) for p in sorted(by_type[kind], key=lambda p: notes[p].title.lower())]
        lines.append("")
    pages[here] = "\n".join(lines)

    # Timeline: dated notes, newest first.
    here = f"{folder}/timeline.md"
    dated = [(n.day, p) for p, n in notes.items() if n.day is not None]
    dated.sort(key=lambda x: (_as_datetime(x[0]), x[1]), reverse=True)
    lines = ["# Timeline", ""]
    lines += [line_for(p, here, f" ({_as_date(day).isoformat()})") for day, p in dated] or ["*No dated notes.*"]
    pages[here] = "\n".join(lines) + "\n"

    # Tags: each tag with its notes.
    here = f"{folder}/tags.md"
    by_tag: dict[str, list[str]] = {}
    for path, note in notes.items():
        for tag in note.tags:
            by_tag.setdefault(tag, []).append(path)
    lines = ["# Tags", ""]
    for tag in sorted(by_tag, key=str.lower):
        lines += [f"## {escape_text(tag)}", ""] + [line_for(p, here) for p in sorted(by_tag[tag])] + [""]
    if not by_tag:
        lines.append("*No tags.*")
    pages[here] = "\n".join(lines)

    # Open tasks, by note.
    here = f"{folder}/tasks.md"
    lines = ["# Open tasks", ""]
    for path in sorted(notes):
        open_tasks = [t for t in notes[path].list_items if t.status == " "]
        if not open_tasks:
            continue
        lines += [f"## [{_title(notes[path])}]({href(path, here)})", ""]
        for task in open_tasks:
            kept = strip_private_fields(task.text.split("\n")[:1], state.options.private_keys)
            text = exporter.text(" ".join(kept), path, here)
            lines.append(f"- [ ] {text}")
        lines.append("")
    if len(lines) == 2:
        lines.append("*No open tasks.*")
    pages[here] = "\n".join(lines)

    if "index.md" not in {p.lower() for p in notes}:
        pages["index.md"] = "\n".join([
            f"# {escape_text(os.path.basename(str(state.root)) or 'Vault')}", "",
            f"- [Directory]({folder}/directory.md)",
            f"- [Timeline]({folder}/timeline.md)",
            f"- [Tags]({folder}/tags.md)",
            f"- [Open tasks]({folder}/tasks.md)", "",
        ])
    return pages


def _as_datetime(day: Any) -> dt.datetime:
    if isinstance(day, dt.datetime):
        return day.replace(tzinfo=None)
    return dt.datetime(day.year, day.month, day.day)


def _as_date(day: Any) -> dt.date:
    return day.date() if isinstance(day, dt.datetime) else day
