"""The Python-Markdown extension that shows Dataview queries as Dataview would: blocks and inline queries.

* A preprocessor (priority 27: after `%%comments%%` at 28 are gone, before superfences' fences at 25)
  replaces each ```dataview block with its rendered result, stashed as raw HTML, also inside
  callouts (`> ```dataview`); ```dataviewjs blocks become a notice and are never run.
* An inline pattern (priority 191, just above code spans at 190) replaces `` `= expr` `` with its
  value and `` `$= js` `` with a notice.

The vault's Dataview settings (`settings.DataviewSettings`) decide whether either runs (Dataview off:
blocks and inline code stay code, as in an Obsidian without the plugin), the inline prefixes, and how
results look. Where the vault has no `.obsidian` at all, inline code that starts with the prefix but
does not parse is left as code and reported at info: such a vault never chose Dataview, and its
`` `==highlight==` `` is an example, not a query.

Queries run during the render: every note is read, resolved and indexed before any page renders, so
all they need is known. Links in results are emitted through `link_html` (the links stage gives
`<vault-link>` placeholders that `fix_links` turns into URLs once all pages are built). A failing
query renders as an error box and is reported once, with its file line, through `report`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

from markdown import Extension, Markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor

from ..markdown.searchmarks import hidden
from .blocks import find_blocks, inline_query_pattern
from .engine import QueryContext, Result, run_query, shared_origin_of
from .fields import BracketFieldProcessor, LineFieldProcessor
from .markup import MarkdownText
from .parser import DQLError, parse_expression
from .render import EmbedHtml, ImageHtml, LinkHtml, RowHtml, render_result, render_unsupported
from .settings import DataviewSettings
from .values import DEFAULT_DATE_FORMAT, DEFAULT_DATETIME_FORMAT

Report = Callable[..., None]  # path, 1-based line, kind, message[, level ("warning" or "info")]


@dataclass
class DataviewRunner:
    """What the extension needs from the build, set up once per build.

    - `context()`: the `QueryContext` (pages, clock, index) of this build;
    - `page()`: vault path of the note being rendered (the query's `this`);
    - `source()`: that note's body and the 0-based file line it starts on (to give reports a line);
    - `link_html(path, subpath, display)`: HTML for a link in a result;
    - `report(path, line, kind, message)`: the diagnostics sink;
    - `date_format` / `datetime_format`: how dates show (Luxon tokens, Dataview's defaults);
    - `as_of`: when set, an "as of <date>" line follows each block's result;
    - `settings`: the vault's Dataview settings (when given, its date formats are the ones used).
    """

    context: Callable[[], QueryContext]
    page: Callable[[], str]
    link_html: LinkHtml
    report: Report = lambda path, line, kind, message, level="warning": None
    source: Callable[[], tuple[str, int]] = lambda: ("", 0)
    date_format: str = DEFAULT_DATE_FORMAT
    datetime_format: str = DEFAULT_DATETIME_FORMAT
    as_of: dt.date | None = None
    # A page-independent result (`Result.shared`) longer than this is shown as a placeholder: a link to
    # the whole result and the address of its first rows with its count, both written by the host into
    # results files of their own (`shared_pages`, and the `SHARED_LINK` prefix of the addresses, which
    # the host makes relative to each page). 0: show it whole.
    inline_rows: int = 0
    settings: DataviewSettings | None = None
    zone: Callable[[], dt.tzinfo] = lambda: dt.UTC  # the build's time zone (for inline field values)
    markup: MarkdownText | None = None  # how string values render; one per build (it keeps their HTML)
    image_html: ImageHtml | None = None  # an embedded image in a result; None: shown as a link
    embed_html: EmbedHtml | None = None  # an embedded note in a result; None: shown as a link

    def __post_init__(self) -> None:
        # Results file name -> (whole result's HTML, first rows' HTML), for the host to write; kept as
        # UTF-8 until then (`write_shared_results`): a task list with one 📅 takes 4 bytes a character as a string,
        # and the host writes these once every page is (at 10,000 notes the two were 15 MB as strings).
        self.shared_pages: dict[str, tuple[bytes, bytes]] = {}
        # Shared origin -> (query text, shown as a placeholder?) of every shared result of this build.
        self.shared_shown: dict[str, tuple[str, bool]] = {}
        # Shared origins of the long results whose rows no edit since the last build can have changed
        # (the host's, from its query log): a page showing one gets its placeholder without running it.
        self.kept_placeholders: set[str] = set()
        # Shared origin -> its rows' HTML (`render.RowHtml`), when the host keeps them across serve
        # rebuilds for long shared results (and drops them when links may render differently).
        self.row_html: dict[str, RowHtml] | None = None
        self._shared_html: dict[int, tuple[Result, str]] = {}  # id(result) -> (result, its HTML)
        if self.settings is not None:
            self.date_format = self.settings.date_format
            self.datetime_format = self.settings.datetime_format
        else:
            self.settings = DataviewSettings()
        self.inline_pattern = inline_query_pattern(self.settings.inline_prefix, self.settings.inline_js_prefix)
        if self.markup is None:
            self.markup = MarkdownText(fields=self.field_formats if self.settings.pretty_fields else None)

    def begin(self) -> None:
        """A new render starts: locate the page's queries in its source, for line numbers."""
        body, body_line = self.source()
        lines = body.split("\n")
        self._block_lines = [body_line + b.line + 1 for b in find_blocks(lines) if b.kind == "dataview"]
        self._inline_lines: dict[str, list[int]] = {}
        if "`" in body:  # (an inline query is a code span)
            for n, line in enumerate(lines):
                if "`" in line:
                    for m in self.inline_pattern.finditer(line):
                        self._inline_lines.setdefault(m.group(0), []).append(body_line + n + 1)
        self._blocks_seen = 0
        self._inline_seen: dict[str, int] = {}

    def block_line(self) -> int:
        """1-based file line of the fence of the next ```dataview block (0 if unknown)."""
        k = self._blocks_seen
        self._blocks_seen += 1
        lines = getattr(self, "_block_lines", [])
        return lines[k] if k < len(lines) else 0

    def inline_line(self, raw: str) -> int:
        """1-based file line of the next occurrence of the inline query `raw` (0 if unknown)."""
        seen = getattr(self, "_inline_seen", {})
        k = seen.get(raw, 0)
        seen[raw] = k + 1
        lines = getattr(self, "_inline_lines", {}).get(raw, [])
        return lines[k] if k < len(lines) else 0

    def run(self, query: str, line: int) -> tuple[str, Result]:
        """Run one query of the current page (`line`: its fence's or its own 1-based file line);
        returns its HTML and the result. Errors are reported with the line the error is on."""
        ctx = self.context()
        origin = self.page()
        if self.kept_placeholders:
            shared = shared_origin_of(query, origin, ctx)
            if shared in self.kept_placeholders:
                if ctx.recorder is not None:
                    ctx.recorder.shows(origin, shared)
                return _placeholder(results_name(shared)), Result("table", shared=shared)
        result = run_query(query, origin, ctx)

        def resolve_text(target: str) -> str:
            return ctx.pages.builder.resolve_path(target, origin)

        if result.shared:
            # The same object on every page of a folder: rendered once.
            found = self._shared_html.get(id(result))
            if found is None or found[0] is not result:
                if len(self._shared_html) >= 256:
                    self._shared_html.clear()  # serve rebuilds: let earlier builds' results go
                found = self._shared_html[id(result)] = (result, self._render_shared(query, result))
            html = found[1]
        else:
            html = self._render(result, resolve_text)
        if result.type == "error" and result.error is not None:
            err = result.error
            # A block's query starts on the line after its fence: its line N is the fence line + N.
            if line and err.line and not query.startswith("="):
                line += err.line
            self.report(origin, line, "query", f"Dataview query failed: {err.message}")
        placeholder = bool(result.shared) and self.shared_shown.get(result.shared, ("", False))[1]
        for notice in result.notices:
            self.report(origin, line, "query", f"Dataview query: {notice}")
            # (What the reader sees too: the result is not all the query would have listed.)
            if not placeholder:
                html += f'<p class="vault-notice"><em>{escape(notice)}</em></p>'
        return html, result

    def field_formats(self) -> tuple[str, str, dt.tzinfo]:
        """How inline fields' values show: the date formats and the build's zone."""
        return self.date_format, self.datetime_format, self.zone()

    def parses(self, expr: str) -> bool:
        """Does `expr` (an inline query without its prefix) parse as an expression?"""
        try:
            parse_expression(expr, self.context().tz)
        except DQLError:
            return False
        return True

    def _render(
        self, result: Result, resolve_text: Callable[[str], str], rows: RowHtml | None = None, utf8: bool = False
    ) -> str:
        """The HTML of one result, with this build's settings (as UTF-8 with `utf8`: `render_result`'s)."""
        return render_result(
            result,
            self.link_html,
            resolve_text,
            self.date_format,
            self.datetime_format,
            self.as_of,
            self.settings,
            self.markup,
            self.image_html,
            self.embed_html,
            rows,
            utf8=utf8,
        )

    def shared_result(self, query: str, shared: str) -> bool:
        """Run the page-independent `query` as its shared origin `shared` again (a serve rebuild whose
        edit may change it, when no page showing it renders): True when it is still shown as a
        placeholder, its results files then written with this build's (`shared_pages`)."""
        result = run_query(query, shared, self.context())
        if not result.shared:
            return False  # it fails now: the pages show the error
        found = self._shared_html.get(id(result))
        if found is None or found[0] is not result:
            self._shared_html[id(result)] = (result, self._render_shared(query, result))
        return self.shared_shown[shared][1]

    def _render_shared(self, query: str, result: Result) -> str:
        """A shared result's HTML on every page showing it: the result itself, or for a long one a
        placeholder that stays the same whatever its rows (so that a change to them renders no page
        again): a link to the whole result and the address of its first rows, which the site's script
        puts in its place. Both results files are rendered here, for the host to write."""
        ctx = self.context()

        def resolve_text(target: str) -> str:
            return ctx.pages.builder.resolve_path(target, result.shared)

        first = _first_rows(result, self.inline_rows) if self.inline_rows else None
        self.shared_shown[result.shared] = (query, first is not None)
        if first is None:
            return self._render(result, resolve_text)
        rows = None
        if self.row_html is not None:  # the host keeps rows' HTML across serve rebuilds
            rows = self.row_html.setdefault(result.shared, RowHtml())
            rows.start((self.date_format, self.datetime_format, self.as_of, repr(self.settings)))
        name = results_name(result.shared)
        total = f"{result.count:,}"
        # The first rows' file lives beside the whole result's: its link to it is just the name.
        more = (
            f'<p class="vault-dataview-more">The first {self.inline_rows:,} of {total} · '
            f'<a href="{name}.html">all {total}</a></p>'
        )
        # Its notices go with its rows: the placeholder stays the same.
        notices = "".join(f'<p class="vault-notice"><em>{escape(n)}</em></p>' for n in result.notices)
        whole: bytes = self._render(result, resolve_text, rows, utf8=True)  # type: ignore[assignment]
        first_html = self._render(first, resolve_text, rows) + more
        self.shared_pages[name] = (
            whole + notices.encode("utf-8", "surrogatepass") if notices else whole,
            (first_html + notices).encode("utf-8", "surrogatepass"),
        )
        return _placeholder(name)


# The link to a whole shared result, as the runner writes it: the host replaces this prefix with the
# URL of the folder it writes `DataviewRunner.shared_pages` to, relative to each page.
SHARED_LINK = "vault-shared-result:"


def _placeholder(name: str) -> str:
    """A long shared result on a page: the same whatever its rows. The link works without JavaScript;
    the site's script puts the first rows and the count (`<name>.first.html`) in its place."""
    return (
        f'<div class="vault-shared-result" data-vault-result="{SHARED_LINK}{name}.first.html">'
        f'<p class="vault-dataview-more">A long result, on <a href="{SHARED_LINK}{name}.html">a page of '
        "its own</a>.</p></div>"
    )


def results_name(shared: str) -> str:
    """The results files' name of a page-independent result (its shared origin: the query text and
    the folder), the same whatever its rows, so that the pages linking to it stay the same."""
    return hashlib.sha256(shared.encode("utf-8")).hexdigest()[:20]


def _first_rows(result: Result, k: int) -> Result | None:
    """The result cut to its first `k` rows, when it is a table, a list or an ungrouped task list that
    has more (None otherwise)."""
    if result.type == "table" and len(result.rows) > k:
        return dataclasses.replace(result, rows=result.rows[:k], shared="")
    if result.type == "list" and len(result.items) > k:
        return dataclasses.replace(result, items=result.items[:k], shared="")
    if result.type == "task" and result.groups is None and len(result.tasks) > k:
        return dataclasses.replace(result, tasks=result.tasks[:k], shared="")
    return None


class DataviewBlockPreprocessor(Preprocessor):
    def __init__(self, md: Markdown, runner: DataviewRunner) -> None:
        super().__init__(md)
        self.runner = runner

    def run(self, lines: list[str]) -> list[str]:
        self.runner.begin()
        blocks = find_blocks(lines)
        if not blocks:
            return lines
        out: list[str] = []
        last = 0
        for block in blocks:
            out.extend(lines[last : block.line])
            if block.kind == "dataviewjs":
                html = render_unsupported("dataviewjs")
            else:
                html, _ = self.runner.run(block.query, self.runner.block_line())
            # Results repeat other notes' content: left out of the search index (Material honours
            # data-search-exclude, and the site keeps them out of what its parser reads), so searches
            # find the notes themselves, and the index stays small.
            html = hidden(f'<div class="vault-dataview" data-search-exclude>{html}</div>')
            placeholder = self.md.htmlStash.store(html)
            # Blank lines around the placeholder keep it a block of its own (inside callouts too).
            quote = block.prefix.rstrip() if block.prefix.strip() else ""
            out.extend([quote, (block.prefix or "") + placeholder, quote])
            last = block.end + 1
        out.extend(lines[last:])
        return out


class InlineQueryProcessor(InlineProcessor):
    def __init__(self, md: Markdown, runner: DataviewRunner) -> None:
        super().__init__(runner.inline_pattern.pattern, md)
        self.runner = runner

    def handleMatch(self, m: Any, data: str) -> tuple[Any, int, int]:
        if m.group("js"):
            html = render_unsupported("inline-js").replace("<div", "<span").replace("</div>", "</span>")
            html = html.replace("<p ", "<span ").replace("</p>", "</span>")
            return self.md.htmlStash.store(html), m.start(0), m.end(0)
        runner = self.runner
        line = runner.inline_line(m.group(0))
        assert runner.settings is not None
        if runner.settings.lenient_inline and not runner.parses(m.group("expr")):
            # Not a query in a vault that never chose Dataview: the code span it is (rendered by
            # Python-Markdown's own backtick pattern, which runs next).
            runner.report(
                runner.page(), line, "query",
                f"inline code {m.group(0)} starts like a Dataview query but is not one; shown as code",
                "info",
            )
            return None, None, None
        html, _ = runner.run("=" + m.group("expr"), line)
        return self.md.htmlStash.store(html), m.start(0), m.end(0)


class DataviewExtension(Extension):
    """Renders Dataview queries; give it a `DataviewRunner` (without one it does nothing)."""

    def __init__(self, runner: DataviewRunner | None = None, **kwargs: Any) -> None:
        self.runner = runner
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        runner = self.runner
        if runner is None or runner.settings is None or not runner.settings.enabled:
            return  # no Dataview: its blocks and inline queries stay code, as without the plugin
        md.preprocessors.register(DataviewBlockPreprocessor(md, runner), "vault-dataview", 27)
        if runner.settings.inline_enabled:
            md.inlinePatterns.register(InlineQueryProcessor(md, runner), "vault-dataview-inline", 191)
        if runner.settings.pretty_fields:
            formats = runner.field_formats
            md.inlinePatterns.register(BracketFieldProcessor(md, formats), "vault-dataview-field", 179)
            md.inlinePatterns.register(LineFieldProcessor(md, formats), "vault-dataview-line-field", 178)


def makeExtension(**kwargs: Any) -> DataviewExtension:
    return DataviewExtension(**kwargs)


def placeholder_link_html(is_published: Callable[[str], bool]) -> LinkHtml:
    """`link_html` for the site: `<vault-link>` placeholders (fixed up by `links.extension.fix_links`)
    for published targets, a visible non-link for anything else."""
    from markdown.serializers import to_html_string

    from ..links.extension import link_placeholder, unresolved_element

    # Each link's HTML once: results show the same notes again and again (128,000 links in the results
    # of a 10,000-note vault, each an element serialized by Python-Markdown).
    made: dict[tuple[str, str | None, str], str] = {}

    def link_html(path: str, subpath: str | None, display: str) -> str:
        key = (path, subpath, display)
        found = made.get(key)
        if found is None:
            if len(made) >= 1 << 16:
                made.clear()
            if is_published(path):
                found = to_html_string(link_placeholder(path, subpath, display))
            else:
                el: etree.Element = unresolved_element(display, "not published or not found")
                found = to_html_string(el)
            made[key] = found
        return found

    return link_html


_IMAGE_SIZE = re.compile(r"^\s*(\d+)\s*(?:x\s*(\d+)\s*)?$")  # `|300` or `|300x200`, as Obsidian sizes


def placeholder_image_html(is_published: Callable[[str], bool]) -> ImageHtml:
    """`image_html` for the site: an `<img>` whose `src` `links.extension.fix_links` fills in, for a
    published attachment; for anything else the same visible non-link as a link to it gets."""
    from markdown.serializers import to_html_string

    from ..links.extension import unresolved_element

    def image_html(path: str, display: str | None) -> str:
        name = path.rpartition("/")[2]
        if not is_published(path):
            return to_html_string(unresolved_element(name, "not published or not found"))
        el = etree.Element("img", {"src": "", "data-vault-src": path, "alt": name, "loading": "lazy"})
        size = _IMAGE_SIZE.match(display or "")
        if size:  # `![[pic.png|300]]`, `![[pic.png|300x200]]`
            el.set("width", size.group(1))
            if size.group(2):
                el.set("height", size.group(2))
        elif display and display.strip():
            el.set("alt", display.strip())
        return to_html_string(el)

    return image_html
