"""A view's result as plain data: typed JSON cells for `mkdocs-vault base --json`, and plain text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .query import Cell, ViewResult
from .values import Duration, FileRef, Html, Icon, Image, Link, Pattern, to_text


def json_value(v: Any) -> Any:
    """A value as JSON: numbers, text, booleans and null as themselves, lists and objects inside out,
    the other types as one-key objects saying what they are (`{"date": "2026-03-14"}`)."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, dt.date):
        return {"date": v.isoformat()}
    if isinstance(v, Link):
        return {"link": v.path or v.target, "display": to_text(v.display) if v.display is not None else None}
    if isinstance(v, FileRef):
        return {"file": v.path}
    if isinstance(v, list):
        return [json_value(x) for x in v]
    if isinstance(v, dict):
        return {str(k): json_value(x) for k, x in v.items()}
    if isinstance(v, Duration):
        return {"duration_ms": v.total_ms()}
    if isinstance(v, (Html, Icon, Image, Pattern)):
        return {type(v).__name__.lower(): to_text(v)}
    return to_text(v)


def json_cell(c: Cell) -> Any:
    return {"error": c.error} if c.error else json_value(c.value)


def view_json(result: ViewResult) -> dict[str, Any]:
    return {
        "name": result.view.name,
        "type": result.view.type,
        "count": result.count,
        "columns": result.columns,
        "headers": result.headers,
        "groups": [
            {
                "key": json_cell(g.key) if g.key is not None else None,
                "rows": [{"path": r.path, "cells": [json_cell(c) for c in r.cells]} for r in g.rows],
                "summaries": {k: json_cell(c) for k, c in g.summaries.items()},
            }
            for g in result.groups
        ],
        "summaries": {k: json_cell(c) for k, c in result.summaries.items()},
        "error": result.error,
        "notice": result.notice,
    }


def _text(c: Cell) -> str:
    if c.error:
        return f"Error: {c.error}"
    return "" if c.value is None else to_text(c.value)


def view_text(result: ViewResult) -> str:
    """The view as tab-separated lines under a heading (groups as `### key` lines)."""
    lines = [f"## {result.view.name} ({result.count} rows)"]
    if result.error or result.notice:
        lines.append(result.error or result.notice or "")
        return "\n".join(lines) + "\n"
    lines.append("\t".join(result.headers))
    for group in result.groups:
        if group.key is not None:
            lines.append(f"### {_text(group.key)}")
        lines.extend("\t".join(_text(c) for c in r.cells) for r in group.rows)
    for col, cell in result.summaries.items():
        lines.append(f"{result.summary_names.get(col, '')} of {col}: {_text(cell)}")
    return "\n".join(lines) + "\n"
