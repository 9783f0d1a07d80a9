"""Dataview Query Language at build time: parser -> syntax tree -> sources in SQL, the rest in Python -> HTML.

Public entry points (what the plugin and the CLI call):

* `build_pages(notes, published, tz, resolve, private_keys) -> PageSet` — page objects of the published
  notes, names resolved over all `notes`.
* `QueryContext(pages, now, tz, con=None)` — one per build (or per entry); `con` is the DuckDB index.
* `run_query(text, origin_path, context) -> Result` — a ```dataview block or an inline `=expr`.
* `render_result(result, link_html, resolve_text=None, date_format=..., datetime_format=..., as_of=None)`
  and `render_unsupported("dataviewjs" | "inline-js")` — HTML.
* `run_batch(vault_dir, entries) -> {id: expect}` — the conformance / `--batch` format.
* `values.from_frontmatter`, `values.from_inline`, `values.to_cell`, `values.from_cell` — value typing.
"""

from .batch import load_pages, run_batch, run_entries
from .engine import QueryContext, Result, run_query, to_expect
from .pages import PageSet, build_pages
from .parser import DQLError, parse_expression, parse_query
from .render import render_query, render_result, render_text, render_unsupported

__all__ = [
    "DQLError",
    "PageSet",
    "QueryContext",
    "Result",
    "build_pages",
    "load_pages",
    "parse_expression",
    "parse_query",
    "render_query",
    "render_result",
    "render_text",
    "render_unsupported",
    "run_batch",
    "run_entries",
    "run_query",
    "to_expect",
]
