"""Which Markdown extensions a vault site renders with, and the per-page context they read.

The Obsidian-flavoured work is done by Python-Markdown extensions (`links/`, `markdown/`,
`dataview/`) that also run under any other Python-Markdown host; this module puts them, and the
standard extensions they rely on (`markdown.site_config` lists them and says why), into MkDocs'
`markdown_extensions`, hands them the note being rendered, and runs the second phase
(`links.extension.fix_links`) once every page is rendered.
"""

from __future__ import annotations

import html
import os
import re
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from mkdocs.config.defaults import MkDocsConfig

from ..bases.extension import BasesExtension, BasesRunner
from ..dataview.batch import context_for_state
from ..dataview.extension import (
    SHARED_LINK,
    DataviewExtension,
    DataviewRunner,
    placeholder_image_html,
    placeholder_link_html,
    results_name,
)
from ..dataview.markup import MarkdownText
from ..dataview.settings import resolve_settings
from ..diagnostics import WARNING
from ..incremental import BaseUse
from ..links.extension import LinkContext, fix_links, fix_links_utf8, relative_url
from ..markdown.site_config import build_markdown, markdown_config
from ..pages.addresses import tag_url
from ..publish import is_base_file
from ..vault.settings import read_settings

if TYPE_CHECKING:
    from mkdocs.structure.pages import Page

    from ..pipeline import Options, VaultState

# Extensions that conflict with ours (see markdown.site_config): removed if a site lists them.
CONFLICTING = ("pymdownx.tasklist", "attr_list")
# The pipeline reports these for every link of every note already; the extension's copies would repeat them.
REPORTED_BY_PIPELINE = ("unresolved-link", "ambiguous-link", "unpublished-link")


class RenderingSite(Protocol):
    """What this module reads and sets on the site builder (`site.SiteBuilder`, which imports this
    module: a protocol rather than that class keeps the two modules free of an import cycle)."""

    state: VaultState
    options: Options
    dataview_runner: Any
    bases_runner: Any
    dataview_settings: Any
    link_context: Any


class _CachedResolver:
    """The resolver interface the links extension calls, answered from the pipeline's cache."""

    def __init__(self, site: RenderingSite) -> None:
        self.site = site

    def resolve(self, target: str, source_path: str = ""):
        return self.site.state.resolve(target, source_path)


def configure(config: MkDocsConfig, site: RenderingSite) -> None:
    """Create the build's link context and add every extension the notes need."""
    state = site.state

    def report(path: str, line: int | None, kind: str, message: str) -> None:
        if kind in REPORTED_BY_PIPELINE:
            return
        # A heading or block that cannot be found is a warning too (Obsidian shows the embed as not
        # found), so `--strict` stops on it.
        state.diagnostics.report(path, line, kind, message, WARNING)

    def get_note(path: str):
        vault = state.vault
        note = vault.notes.get(path) if vault is not None else None
        return note if note is not None and note.published else None

    context = LinkContext(_CachedResolver(site), state.url_of, state.is_published, get_note, report)
    # Obsidian's own settings decide what the options leave open; the vault is read in on_files, so
    # peek at them here.
    obsidian = read_settings(state.root)
    strict = site.options.strict_line_breaks
    line_breaks = not (strict if strict is not None else obsidian.strict_line_breaks)
    options = site.options
    dataview = site.dataview_settings = resolve_settings(
        obsidian,
        options.dataview,
        options.dataview_settings,
        options.date_format,
        Path(config.config_file_path or "mkdocs.yml").name,
    )
    for where, message in dataview.problems:
        state.diagnostics.report(where, None, "settings", message, WARNING)
    runner = site.dataview_runner = _dataview_runner(site, context)
    bases = site.bases_runner = _bases_runner(site, context)
    context.embed_base = lambda path, view, note: bases.embed(path, view, note)
    md = markdown_config(
        link_context=context,
        tag_url=tag_url,
        line_breaks=line_breaks,
        private_keys=state.options.private_keys,
        extra=[DataviewExtension(runner=runner), BasesExtension(runner=bases)],
    )
    context.markdown_factory = lambda: build_markdown(md)
    site.link_context = context

    names = {e if isinstance(e, str) else type(e).__name__ for e in config.markdown_extensions}
    config.markdown_extensions[:] = [
        e for e in config.markdown_extensions if not (isinstance(e, str) and e in CONFLICTING)
    ]
    for extension in md.extensions:
        key = extension if isinstance(extension, str) else type(extension).__name__
        if key not in names:
            config.markdown_extensions.append(extension)
    for name, options in md.configs.items():
        merged = dict(config.mdx_configs.get(name, {}))
        merged.update(options)
        config.mdx_configs[name] = merged


def _dataview_runner(site: RenderingSite, links: LinkContext) -> DataviewRunner:
    """Queries run while pages render, over this build's pages and index; their time is summed
    into the build's "queries" phase."""
    state = site.state
    contexts: dict[int, object] = {}

    def context():
        # One query context per refresh of the vault (page objects are built once per build).
        key = id(state.vault)
        if key not in contexts:
            contexts.clear()
            ctx = contexts[key] = context_for_state(state)
            ctx.id_column = settings.id_column
        return contexts[key]

    def report(path: str, line: int | None, kind: str, message: str, level: str = WARNING) -> None:
        state.diagnostics.report(path, line or None, kind, message, level)

    options = site.options
    settings = site.dataview_settings
    runner = TimedRunner(
        context=context,
        page=lambda: links.current.path,
        link_html=placeholder_link_html(state.is_published),
        report=report,
        source=lambda: (links.current.body, links.current.body_line),
        as_of=state.clock.today if options.show_query_date else None,
        settings=settings,
        zone=lambda: state.clock.tz,
        image_html=placeholder_image_html(state.is_published),
        embed_html=links.embed_note_html,
    )
    # Tags in result strings link to their pages (made page-relative by fix_links). Kept across serve
    # rebuilds with the same settings: it keeps each distinct string's HTML, and a long shared result
    # (thousands of task texts) is rendered again after every edit that can change it.
    key = (runner.date_format, runner.datetime_format, settings.pretty_fields, str(state.clock.tz))
    kept = _KEPT_MARKUP.get(state)
    if kept is None or kept[0] != key:
        formats = (runner.date_format, runner.datetime_format, state.clock.tz)  # (not the state: a weak key)
        fields = (lambda: formats) if settings.pretty_fields else None
        kept = _KEPT_MARKUP[state] = (key, MarkdownText(tag_url, deferred=True, fields=fields))
    runner.markup = kept[1]
    runner.timings = state.timings
    runner.inline_rows = SHARED_INLINE_ROWS
    runner.forget = contexts.clear  # type: ignore[attr-defined]  # site.SiteBuilder.release
    return runner


def _bases_runner(site: RenderingSite, links: LinkContext) -> BasesRunner:
    """Bases render while pages do (blocks and embeds) and when the files are listed (base pages)."""
    state = site.state
    is_published = state.is_published

    def media_html(path: str, alt: str) -> str | None:
        if not is_published(path):
            return None
        return f'<img src="" data-vault-src="{html.escape(path, quote=True)}" alt="{html.escape(alt, quote=True)}" loading="lazy">'

    def report(path: str, line: int | None, kind: str, message: str) -> None:
        state.diagnostics.report(path, line or None, kind, message)

    def shown(page: str, seen: frozenset[str] | None, probe: Callable[[], frozenset[str] | None], makes: bool) -> None:
        tracker = state.tracker
        if is_base_file(page):  # a base file's own page (`SiteBuilder._base_page`)
            tracker.base_pages[page] = (None, BaseUse(seen, probe, makes), None)
        elif tracker.recording:  # only a build that another may follow (`mkdocs serve`) keeps them
            tracker.bases.record(page, BaseUse(seen, probe, makes))

    return BasesRunner(
        state=lambda: state,
        page=lambda: links.current.path,
        link_html=placeholder_link_html(is_published),
        media_html=media_html,
        report=report,
        source=lambda: (links.current.body, links.current.body_line),
        shown=shown,
        timings=state.timings,
    )


_KEPT_MARKUP: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # VaultState -> (settings, MarkdownText)


class TimedRunner(DataviewRunner):
    """A DataviewRunner that adds the time spent in queries to the build's phase timings."""

    timings: dict[str, float]

    def run(self, query: str, line: int):
        start = time.perf_counter()
        try:
            return super().run(query, line)
        finally:
            self.timings["queries"] = self.timings.get("queries", 0.0) + time.perf_counter() - start


def set_current(site: RenderingSite, note_path: str | None) -> None:
    """Tell the extensions which note (None for a generated page) is about to be rendered."""
    state = site.state
    if note_path is not None and state.vault is not None:
        note = state.vault.notes[note_path]
        site.link_context.begin_page(note.path, note.body, note.body_line)
    else:
        site.link_context.begin_page("", "", 0)


def finish(site: RenderingSite, page: Page, note_path: str | None) -> str:
    """Second rendering phase for one page: link placeholders become final HTML, and links to whole
    shared query results point at their folder from this page."""
    html = fix_links(page.content or "", note_path or "", site.link_context, page_url=page.url)
    links = site.state.tracker.shared_links
    if SHARED_LINK in html:
        names = frozenset(_SHARED_NAME.findall(html))
        links[page.file.src_uri] = (page.file.abs_dest_path, names)
        html = html.replace(SHARED_LINK, relative_url(SHARED_RESULTS, page.url))
    else:
        links.pop(page.file.src_uri, None)
    return html


# A page-independent query result longer than this many rows is shown on its pages as a placeholder
# (`DataviewRunner._render_shared`): the whole result and its first rows with the count are written
# into `SHARED_RESULTS` (`write_shared_results`), which the site's script fills the placeholder from.
# A task list of a whole vault on every project page made the site grow with projects x tasks, and
# every edit render all those pages again under `mkdocs serve --dirty`.
SHARED_INLINE_ROWS = 50
SHARED_RESULTS = "vault-results/"
_SHARED_NAME = re.compile(re.escape(SHARED_LINK) + r"([0-9a-f]+)\.html")


def write_shared_results(site: RenderingSite, site_dir: str, outputs: set[str]) -> set[str]:
    """Write the results files of the long shared results this build ran (`DataviewRunner.shared_pages`):
    the whole result, a small HTML document whose links work from where it is, and its first rows with
    the count (`<name>.first.html`, an HTML fragment). Returns the paths of every results file a page
    of the site links to (those of pages a `--dirty` rebuild did not render included)."""
    runner = site.dataview_runner
    written: set[str] = set()
    if runner is None:
        return written
    folder = os.path.join(site_dir, SHARED_RESULTS)
    tracker = site.state.tracker
    links = tracker.shared_links
    for uri, (dest, _names) in list(links.items()):
        if dest not in outputs:  # the page is gone (`outputs`: this build's output files)
            del links[uri]
    needed = set().union(*(names for _dest, names in links.values())) if links else set()
    # How the pages show each shared result this build ran, for the next rebuild's plan; a result no
    # page links to any more is shown by none (a page showing it inline would have told us so).
    for shared, (query, placeholder) in runner.shared_shown.items():
        if placeholder:
            tracker.placeholders[shared] = query
        else:
            tracker.placeholders.pop(shared, None)
    for shared in [s for s in tracker.placeholders if results_name(s) not in needed]:
        del tracker.placeholders[shared]
        tracker.queries.forget([shared])
    for name in needed:
        written |= {os.path.abspath(os.path.join(folder, f"{name}{end}")) for end in (".html", ".first.html")}
    known = tracker.fixed_links if tracker.recording else None  # kept across serve rebuilds
    for name, (whole_utf8, first_utf8) in runner.shared_pages.items():
        if name not in needed:
            continue  # (run again for a rebuild that removed every page showing it)
        url = f"{SHARED_RESULTS}{name}.html"
        css = relative_url("assets/stylesheets/vault.css", url)
        head = (
            '<!doctype html>\n<html><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>Query result</title><link rel="stylesheet" href="{css}"></head>\n'
            '<body><div class="vault-dataview">'
        )
        # The whole result's links are fixed a piece at a time, and written as UTF-8 pieces: at 50,000
        # notes a shared task list is over 70 MB as one string, and a string that size is memory of its
        # own, whatever the build has freed.
        content = tuple(fix_links_utf8(whole_utf8, "", site.link_context, page_url=url, known=known))
        tail = b"</div></body></html>\n"
        # The fragment's links are relative to the folder too: the script makes them absolute.
        first = first_utf8.decode("utf-8", "surrogatepass")
        fragment = fix_links(first, "", site.link_context, page_url=url, known=known) + "\n"
        os.makedirs(folder, exist_ok=True)
        _write_if_changed(os.path.join(folder, f"{name}.html"), head.encode(), *content, tail)
        _write_if_changed(os.path.join(folder, f"{name}.first.html"), fragment.encode())
    runner.shared_pages.clear()
    runner.shared_shown.clear()
    return written


def _write_if_changed(path: str, *parts: bytes) -> None:
    """Write the UTF-8 `parts` to `path` unless it holds them already (a serve rebuild: left as it
    is); never joined into one object (`write_shared_results`)."""
    try:
        with open(path, "rb") as f:
            held = f.read()
        at = 0
        for part in parts:
            if not held.startswith(part, at):
                break
            at += len(part)
        else:
            if at == len(held):
                return
        del held
    except OSError:
        pass
    with open(path, "wb") as f:
        for part in parts:
            f.write(part)
