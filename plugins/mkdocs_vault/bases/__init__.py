"""Obsidian Bases at build time: `.base` YAML -> spec -> views run over the published notes -> HTML.

Public entry points:

* `parse_base(text) -> BaseSpec` (raises `BaseError` when the YAML cannot be read at all);
* `build_rows(notes, published, private_keys, types, resolve, tz) -> RowSet` — what bases can see;
* `run_view(spec, view, rows, this, now, tz, con=None) -> ViewResult` — one view's rows and summaries.
"""

from .expr import ExprSyntaxError, parse_expression
from .query import ViewResult, run_view
from .rows import FileRow, RowSet, build_rows, read_types
from .spec import BaseError, BaseSpec, View, parse_base

__all__ = [
    "BaseError",
    "BaseSpec",
    "ExprSyntaxError",
    "FileRow",
    "RowSet",
    "View",
    "ViewResult",
    "build_rows",
    "parse_base",
    "parse_expression",
    "read_types",
    "run_view",
]
