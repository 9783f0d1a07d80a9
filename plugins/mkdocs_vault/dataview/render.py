"""HTML for query results, shaped like Dataview's own views (class names follow Dataview's CSS).

Links go through a callable the caller passes, `link_html(path, subpath, display) -> str`, so the links
stage decides URLs (and what an unpublished or unresolved target looks like). Every piece of text is
escaped with `html.escape`; strings are rendered as Dataview renders them (as Markdown) only as far
as wikilinks and `[text](https://...)` links go, everything else stays literal text.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from html import escape
from typing import Any

from .dateformat import format_date
from .engine import QueryContext, Result, run_query
from .markup import MarkdownText
from .settings import DataviewSettings
from .values import (
    DEFAULT_DATE_FORMAT,
    DEFAULT_DATETIME_FORMAT,
    ExternalLink,
    Link,
    num_to_str,
    parse_inner_link,
    render_minimal_duration,
    type_of,
)

LinkHtml = Callable[[str, str | None, str], str]
ImageHtml = Callable[[str, str | None], str]  # (vault path, display as written) -> an image, or a notice
EmbedHtml = Callable[[str, str | None], str]  # (note path, subpath) -> the note embedded, or a notice
IMAGE_EXTS = frozenset({"png", "jpg", "jpeg", "gif", "bmp", "svg", "webp", "avif", "ico", "tif", "tiff"})
ResolveText = Callable[[str], str]

_WIKI = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")
_MDLINK = re.compile(r"\[([^\[\]\n]*)\]\(((?:https?://|mailto:)[^()\s]+)\)")
_SAFE_URL = re.compile(r"^(?:https?://|mailto:)", re.IGNORECASE)
_LINK_TOKEN = re.compile("\ue000(\\d+)\ue001")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash before ASCII punctuation


def null_text(render_null_as: str) -> str:
    """`renderNullAs` as text: Dataview renders it as Markdown, whose default `\\-` shows as `-`."""
    return _MD_ESCAPE.sub(r"\1", render_null_as)


class RowHtml:
    """The HTML of a result's rows (table rows, list items, top-level tasks) kept from one render to the
    next, by row object: a page-independent result kept across serve rebuilds (`kept.py`) shows the
    same row objects wherever its pages did not change, and renders only the others. Each entry holds
    its row, so no other object can take its id, and the paths of the links it shows (`forget_links`).
    The host drops it all when links may render differently everywhere (names resolving anew); a row
    showing an embed or an image (other files' content or state) is never kept."""

    def __init__(self) -> None:
        self.key: tuple = ()  # the render settings the rows were rendered with
        self._last: dict[int, tuple[Any, str, frozenset[str]]] = {}
        self._now: dict[int, tuple[Any, str, frozenset[str]]] = {}
        self.rendered = 0  # rows rendered (not found) since `start` (for the tests)

    def start(self, key: tuple) -> None:
        """A new render of the result: keep the rows the last one showed (and no others)."""
        self._last, self._now = (self._now or self._last) if key == self.key else {}, {}
        self.key, self.rendered = key, 0

    def get(self, row: Any) -> str | None:
        found = self._now.get(id(row)) or self._last.get(id(row))
        if found is None or found[0] is not row:
            return None
        self._now[id(row)] = found
        return found[1]

    def put(self, row: Any, html: str, links: frozenset[str] = frozenset()) -> None:
        """Keep `html` for `row`; `links`: the paths its links were shown for (`LinkHtml`'s first argument)."""
        self._now[id(row)] = (row, html, links)
        self.rendered += 1

    def forget_links(self, paths: AbstractSet[str], is_published: Callable[[str], bool]) -> None:
        """Drop the rows whose HTML may show a link differently now that the notes `paths` were
        published or unpublished: those showing a link to one of them, and those showing one to a path
        not published now (shown as text: after a publish a name may resolve to the note published,
        `pages.PageBuilder.resolve_path`). A link to any other path shows as it did."""
        shown: set[str] = set()
        for kept in (self._now, self._last):
            for _row, _html, links in kept.values():
                shown |= links
        changed = {p for p in shown if p in paths or not is_published(p)}  # (once per path)
        if not changed:
            return
        for kept in (self._now, self._last):
            for key in [key for key, (_row, _html, links) in kept.items() if not changed.isdisjoint(links)]:
                del kept[key]


class Renderer:
    """Renders values and results; one per page (it carries the page's link and format settings)."""

    def __init__(
        self,
        link_html: LinkHtml,
        resolve_text: ResolveText | None = None,
        date_format: str = DEFAULT_DATE_FORMAT,
        datetime_format: str = DEFAULT_DATETIME_FORMAT,
        settings: DataviewSettings | None = None,
        markup: MarkdownText | None = None,
        image_html: ImageHtml | None = None,
        embed_html: EmbedHtml | None = None,
        rows: RowHtml | None = None,
    ) -> None:
        self.link_html = link_html
        self.rows = rows
        # A long result's rows joined as UTF-8 (`_rows_html`): table, list and task rows.
        self.utf8 = False
        self._embedded = False  # an embed or an image was rendered (`_row`: the row is not kept)
        self._links: set[str] = set()  # the paths of the links the row being rendered shows (`_row`)
        if rows is not None:
            self.link_html = self._noting(link_html)
        if rows is not None and image_html is not None:
            image_html = self._watch(image_html)
        if rows is not None and embed_html is not None:
            embed_html = self._watch(embed_html)
        self.image_html = image_html
        self.embed_html = embed_html
        self.resolve_text = resolve_text or (lambda target: target)
        self.date_format = date_format
        self.datetime_format = datetime_format
        self.settings = settings = settings or DataviewSettings()
        self.markup = markup
        if markup is not None:  # Dataview renders renderNullAs as Markdown too
            self.null_html = markup.render(settings.render_null_as, [])
        else:
            self.null_html = escape(null_text(settings.render_null_as))

    def _watch(self, shows: Callable[..., str]) -> Callable[..., str]:
        def watched(*args: Any) -> str:
            self._embedded = True
            return shows(*args)

        return watched

    def _noting(self, link_html: LinkHtml) -> LinkHtml:
        def noted(path: str, subpath: str | None, display: str) -> str:
            self._links.add(path)
            return link_html(path, subpath, display)

        return noted

    def _row(self, row: Any, make: Callable[[Any], str]) -> str:
        """`make(row)`, or the HTML `self.rows` kept for this row object."""
        rows = self.rows
        if rows is None:
            return make(row)
        found = rows.get(row)
        if found is not None:
            return found
        self._embedded = False
        self._links = set()
        html = make(row)
        if not self._embedded:
            rows.put(row, html, frozenset(self._links))
        return html

    # ------------------------------------------------------------------------------------- values
    def link(self, lk: Link) -> str:
        if lk.embed:  # Dataview shows an embed as Obsidian does: the image, the note
            ext = lk.path.rpartition(".")[2].lower()
            if self.image_html is not None and ext in IMAGE_EXTS:
                return self.image_html(lk.path, lk.display)
            if self.embed_html is not None and ext == "md":
                return self.embed_html(lk.path, lk.subpath)
        display = lk.display_text()
        return self.link_html(lk.path, lk.subpath, display)

    def text(self, s: str) -> str:
        """A string value. With a `MarkdownText`, as Dataview shows it: Markdown, its wikilinks made
        into the caller's links; without one, escaped, with wikilinks and web links made into links."""
        if self.markup is not None:
            return self._markdown(s)
        out = []
        pos = 0
        for m in _WIKI.finditer(s):
            out.append(self._text_links(s[pos : m.start()]))
            lk = parse_inner_link(m.group(2))
            lk = lk.with_path(self.resolve_text(lk.path))
            out.append(self.link(lk))
            pos = m.end()
        out.append(self._text_links(s[pos:]))
        return "".join(out)

    def _markdown(self, s: str) -> str:
        links: list[str] = []
        if "\ue000" in s or "\ue001" in s:
            s = s.replace("\ue000", "").replace("\ue001", "")  # the marks stand for links below
        if "[[" in s:

            def token(m: re.Match[str]) -> str:
                lk = parse_inner_link(m.group(2), bool(m.group(1)))
                links.append(self.link(lk.with_path(self.resolve_text(lk.path))))
                return f"\ue000{len(links) - 1}\ue001"

            s = _WIKI.sub(token, s)
        assert self.markup is not None
        if not self.markup.needs_markdown(s):
            html = escape(s)
            return _LINK_TOKEN.sub(lambda m: links[int(m.group(1))], html) if links else html
        return self.markup.render(s, links)

    def _text_links(self, s: str) -> str:
        out = []
        pos = 0
        for m in _MDLINK.finditer(s):
            out.append(escape(s[pos : m.start()]))
            out.append(
                f'<a class="external-link" href="{escape(m.group(2))}" rel="noopener">{escape(m.group(1))}</a>'
            )
            pos = m.end()
        out.append(escape(s[pos:]))
        return "".join(out)

    def value(self, v: Any, nested: bool = False, depth: int = 0) -> str:
        if depth >= self.settings.max_render_depth:
            return "..."  # Dataview's maxRecursiveRenderDepth
        t = type_of(v)
        if t == "null":
            return f'<span class="dataview-null">{self.null_html}</span>'
        if t == "string":
            return self.text(v)
        if t == "number":
            return escape(num_to_str(v))
        if t == "boolean":
            return "true" if v else "false"
        if t == "date":
            fmt = self.date_format if (v.hour, v.minute, v.second) == (0, 0, 0) else self.datetime_format
            return escape(format_date(v, fmt))
        if t == "duration":
            return escape(render_minimal_duration(v))
        if t == "link":
            return self.link(v)
        if t == "widget" and isinstance(v, ExternalLink):
            label = escape(v.display or v.url)
            if not _SAFE_URL.match(v.url):
                return label
            return f'<a class="external-link" href="{escape(v.url)}" rel="noopener">{label}</a>'
        if t == "array":
            if not v:
                return ""
            items = "".join(
                f'<li class="dataview-result-list-li">{self.value(x, True, depth + 1)}</li>' for x in v
            )
            return f'<ul class="dataview dataview-ul dataview-result-list-ul">{items}</ul>'
        if t == "object":
            items = "".join(
                f'<li class="dataview dataview-li dataview-result-object-li">{escape(str(k))}: '
                f"{self.value(x, True, depth + 1)}</li>"
                for k, x in v.items()
            )
            return f'<ul class="dataview dataview-ul dataview-result-object-ul">{items}</ul>'
        if t == "function":
            return "&lt;function&gt;"
        return escape(str(v))

    # ------------------------------------------------------------------------------------ results
    def result(self, result: Result, query_type: str | None = None) -> str:
        if result.type == "error":
            return self.error(result)
        if result.type == "inline":
            return f'<span class="dataview dataview-inline-query">{self.value(result.value)}</span>'
        if result.type == "table":
            return self.table(result)
        if result.type == "list":
            return self.list(result)
        if result.type == "task":
            return self.task(result)
        if result.type == "calendar":
            return self.calendar(result)
        return self.error(Result("error"))

    def _rows_html(self, head: str, rows: Iterable[str], tail: str) -> str:
        """`head`, the rows and `tail` joined; with `utf8` (a long result kept until it is written to a
        file), as UTF-8 made a few hundred rows at a time: a long result's HTML as one string, with its
        rows in a list beside it, takes up to four bytes a character (one 📅 is enough) two or three
        times over, and at 50,000 notes a shared task list was 70 MB."""
        if not self.utf8:
            return head + "".join(rows) + tail
        out, chunk = [head.encode("utf-8", "surrogatepass")], []
        for html in rows:
            chunk.append(html)
            if len(chunk) == _UTF8_CHUNK:
                out.append("".join(chunk).encode("utf-8", "surrogatepass"))
                chunk.clear()
        chunk.append(tail)
        out.append("".join(chunk).encode("utf-8", "surrogatepass"))
        return b"".join(out)  # type: ignore[return-value]

    def empty(self, kind: str) -> str:
        """Dataview's notice for an empty result, or nothing when `warnOnEmptyResult` is off."""
        if not self.settings.warn_on_empty:
            return ""
        return (
            '<div class="dataview dataview-error-box"><p class="dataview dataview-error-message">'
            f"Dataview: No results to show for {escape(kind)} query.</p></div>"
        )

    def count(self, n: int) -> str:
        """The result count beside the first header (`showResultCount`)."""
        return f'<span class="dataview small-text">{n}</span>' if self.settings.show_result_count else ""

    def error(self, result: Result) -> str:
        err = result.error
        message = err.message if err is not None else "unknown error"
        where = f" (line {err.line}, column {err.column})" if err is not None and err.line else ""
        return (
            '<div class="dataview dataview-error-box" role="alert"><pre class="dataview dataview-error">'
            f"Dataview: {escape(message)}{escape(where)}</pre></div>"
        )

    def table(self, result: Result) -> str:
        """Dataview's table: headers (the first with the count), rows, and below an empty table the
        empty-result notice."""
        head = []
        for i, h in enumerate(result.headers):
            count = self.count(len(result.rows)) if i == 0 else ""
            head.append(f'<th class="table-view-th"><span>{escape(h)}</span>{count}</th>')
        return self._rows_html(
            '<table class="dataview table-view-table"><thead class="table-view-thead">'
            f'<tr class="table-view-tr-header">{"".join(head)}</tr></thead><tbody class="table-view-tbody">',
            (self._row(row, self._table_row) for row in result.rows),
            "</tbody></table>" + ("" if result.rows else self.empty("table")),
        )

    def _table_row(self, row: list[Any]) -> str:
        cells = "".join(f"<td>{self.value(v)}</td>" for v in row)
        return f"<tr>{cells}</tr>"

    def list(self, result: Result) -> str:
        if not result.items:
            return self.empty("list")

        def item_html(item: Any) -> str:
            if result.show_id and isinstance(item, list) and len(item) == 2:
                return f"<li>{self.value(item[0])}: {self.value(item[1])}</li>"
            return f"<li>{self.value(item)}</li>"

        rows = (self._row(item, item_html) for item in result.items)
        return self._rows_html('<ul class="dataview list-view-ul">', rows, "</ul>")

    def _task_item(self, task: dict[str, Any], top: bool) -> str:
        status = task.get("status") if task.get("task") else None
        text = self.text(task.get("text", ""))
        if status is None:
            inner = text
            cls = ""
        else:
            checked = " checked" if status != " " else ""
            cls = ' class="task-list-item' + (" is-checked" if status != " " else "") + '"'
            inner = (
                f'<input type="checkbox" class="task-list-item-checkbox" disabled{checked}> {text}'
                f" {self.link_html(task['path'], None, _file_title(task['path']))}"
                if top
                else f'<input type="checkbox" class="task-list-item-checkbox" disabled{checked}> {text}'
            )
        data = f' data-task="{escape(status, quote=True)}"' if status is not None else ""
        children = task.get("children") or []
        sub = ""
        if children:
            sub = (
                '<ul class="contains-task-list">'
                + "".join(self._task_item(c, False) for c in children)
                + "</ul>"
            )
        return f"<li{cls}{data}>{inner}{sub}</li>"

    def _top_task(self, task: dict[str, Any]) -> str:
        return self._task_item(task, True)

    def _task_list(self, tasks: list[dict[str, Any]]) -> str:
        return '<ul class="contains-task-list">' + "".join(self._row(t, self._top_task) for t in tasks) + "</ul>"

    def _task_groups(self, groups: list[tuple[Any, Any]]) -> str:
        """Dataview's task grouping: each key an `<h4>` with its count, its rows in a `result-group`."""
        out = []
        for key, sub in groups:
            heading = f'<h4>{self.value(key)}<span class="dataview small-text">{_count_leaves(sub)}</span></h4>'
            inner = self._task_groups(sub) if sub and isinstance(sub[0], tuple) else self._task_list(sub)
            out.append(f'{heading}<div class="dataview result-group">{inner}</div>')
        return "".join(out)

    def task(self, result: Result) -> str:
        if result.groups:
            return f'<div class="dataview dataview-container task-view">{self._task_groups(result.groups)}</div>'
        if not result.tasks:
            return self.empty("task")
        return self._rows_html(
            '<div class="dataview dataview-container task-view"><ul class="contains-task-list">',
            (self._row(t, self._top_task) for t in result.tasks),
            "</ul></div>",
        )

    def calendar(self, result: Result) -> str:
        """One month grid (weeks from Sunday, as en-US) per month that has entries."""
        if not result.entries:
            return self.empty("calendar")
        by_day: dict[dt.date, list[Link]] = {}
        for when, lk in result.entries:
            by_day.setdefault(when.date(), []).append(lk)
        months = sorted({(d.year, d.month) for d in by_day})
        cal = calendar.Calendar(firstweekday=6)
        out = []
        for year, month in months:
            rows = []
            for week in cal.monthdatescalendar(year, month):
                cells = []
                for day in week:
                    if day.month != month:
                        cells.append('<td class="dataview-calendar-other"></td>')
                        continue
                    links = by_day.get(day, [])
                    dots = "".join(f'<li class="dataview-calendar-dot">{self.link(lk)}</li>' for lk in links)
                    marks = f'<ul class="dataview-calendar-dots">{dots}</ul>' if dots else ""
                    cls = ' class="dataview-calendar-has"' if links else ""
                    cells.append(f'<td{cls}><span class="dataview-calendar-day">{day.day}</span>{marks}</td>')
                rows.append("<tr>" + "".join(cells) + "</tr>")
            head = "".join(f"<th>{d}</th>" for d in ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"))
            title = f"{calendar.month_name[month]} {year}"
            out.append(
                f'<table class="dataview dataview-calendar"><caption>{escape(title)}</caption>'
                f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            )
        return '<div class="dataview calendar-view">' + "".join(out) + "</div>"


def _count_leaves(sub: Any) -> int:
    """How many tasks a group holds, through its subgroups (Dataview's `Groupings.count`)."""
    if sub and isinstance(sub[0], tuple):
        return sum(_count_leaves(s) for _, s in sub)
    return getattr(sub, "rows", len(sub))  # tasks shown as another's subtask count too


def _file_title(path: str) -> str:
    base = path.rpartition("/")[2]
    return base.removesuffix(".md")


def render_result(
    result: Result,
    link_html: LinkHtml,
    resolve_text: ResolveText | None = None,
    date_format: str = DEFAULT_DATE_FORMAT,
    datetime_format: str = DEFAULT_DATETIME_FORMAT,
    as_of: dt.date | None = None,
    settings: DataviewSettings | None = None,
    markup: MarkdownText | None = None,
    image_html: ImageHtml | None = None,
    embed_html: EmbedHtml | None = None,
    rows: RowHtml | None = None,
    utf8: bool = False,
) -> str:
    """HTML for one query block (or inline query) result; `as_of` adds an "as of <date>" line. With
    `markup`, strings show as Dataview shows them (Markdown, sanitized). With `rows`, the rows' HTML
    kept from the last render of the same result is reused where the row objects are the same. With
    `utf8`, the HTML as UTF-8 (the rows of a table, list or ungrouped task list a few hundred at a time:
    `Renderer._rows_html`)."""
    renderer = Renderer(
        link_html, resolve_text, date_format, datetime_format, settings, markup, image_html, embed_html, rows
    )
    renderer.utf8 = utf8
    html = renderer.result(result)
    if utf8 and isinstance(html, str):
        html = html.encode("utf-8", "surrogatepass")  # type: ignore[assignment]
    if as_of is not None and result.type not in ("inline", "error"):
        day = dt.datetime(as_of.year, as_of.month, as_of.day)
        line = f'<p class="dataview dataview-as-of">as of {escape(format_date(day, date_format))}</p>'
        html += line.encode() if utf8 else line  # type: ignore[operator]
    return html


_UTF8_CHUNK = 256  # rows per piece (`Renderer._rows_html`)


def render_query(
    text: str,
    origin: str,
    context: QueryContext,
    link_html: LinkHtml,
    date_format: str = DEFAULT_DATE_FORMAT,
    datetime_format: str = DEFAULT_DATETIME_FORMAT,
    as_of: dt.date | None = None,
) -> tuple[str, Result]:
    """Run and render one block or inline query from the note `origin`; returns (html, result).

    The caller logs `result.error` (with the block's file line) when `result.type == "error"`.
    """
    result = run_query(text, origin, context)

    def resolve_text(target: str) -> str:
        return context.pages.builder.resolve_path(target, origin)

    html = render_result(result, link_html, resolve_text, date_format, datetime_format, as_of)
    return html, result


def render_unsupported(kind: str) -> str:
    """Notice for ```dataviewjs blocks and `$= ...` inline queries, which are never executed."""
    what = "DataviewJS blocks" if kind == "dataviewjs" else "inline DataviewJS queries"
    return (
        '<div class="dataview dataview-error-box dataview-unsupported"><p class="dataview dataview-error-message">'
        f"{escape(what)} are not run on this site: JavaScript queries need a live Obsidian.</p></div>"
    )


def render_text(result: Result) -> str:
    """Plain text for a terminal (`mkdocs-vault query` without `--json`): tab-separated rows."""
    from .values import to_string

    def cell(v: Any) -> str:
        if isinstance(v, Link):
            return v.path + (f"#{v.subpath}" if v.subpath else "")
        if isinstance(v, list):
            return "[" + ", ".join(cell(x) for x in v) + "]"
        return to_string(v, null_as="-").replace("\n", " ")

    if result.type == "error":
        err = result.error
        where = f" (line {err.line}, column {err.column})" if err is not None and err.line else ""
        return f"error: {err.message if err else 'unknown error'}{where}"
    if result.type == "inline":
        return cell(result.value)
    if result.type == "table":
        lines = ["\t".join(result.headers)] + ["\t".join(cell(v) for v in row) for row in result.rows]
        return "\n".join(lines + [f"({len(result.rows)} rows)"])
    if result.type == "list":
        items = [
            f"- {cell(i[0])}: {cell(i[1])}"
            if result.show_id and isinstance(i, list) and len(i) == 2
            else f"- {cell(i)}"
            for i in result.items
        ]
        return "\n".join(items + [f"({len(result.items)} items)"])
    if result.type == "task":

        def task_lines(task: dict[str, Any], depth: int) -> list[str]:
            status = task.get("status") if task.get("task") else None
            box = f"[{status}] " if status is not None else ""
            own = f"{'  ' * depth}- {box}{task.get('text', '')}" + (
                f"  ({task['path']}:{task['line'] + 1})" if depth == 0 else ""
            )
            return [own] + [x for c in task.get("children", []) for x in task_lines(c, depth + 1)]

        def groups_lines(groups: Any, depth: int) -> list[str]:
            out = []
            for key, sub in groups:
                out.append(f"{'#' * (depth + 1)} {cell(key)}")
                if sub and isinstance(sub[0], tuple):
                    out.extend(groups_lines(sub, depth + 1))
                else:
                    out.extend(x for t in sub for x in task_lines(t, 0))
            return out

        if result.groups:
            return "\n".join(groups_lines(result.groups, 0))
        return "\n".join(
            [x for t in result.tasks for x in task_lines(t, 0)] + [f"({len(result.tasks)} tasks)"]
        )
    if result.type == "calendar":
        return "\n".join(f"{cell(d)}\t{cell(lk)}" for d, lk in sorted(result.entries, key=lambda e: e[0]))
    return ""
