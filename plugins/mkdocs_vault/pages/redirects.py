"""Redirect pages, so a link shared by one of a note's aliases keeps working."""

from __future__ import annotations

import html


def redirect_page(target: str, title: str) -> str:
    """A static page that sends the reader to `target` (relative, so any sub-path hosting works)."""
    href = html.escape(target, quote=True)
    name = html.escape(title)
    return (
        "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{name}</title><meta http-equiv=\"refresh\" content=\"0; url={href}\">"
        f"<link rel=\"canonical\" href=\"{href}\"><meta name=\"robots\" content=\"noindex\"></head>"
        f"<body><p>This page moved to <a href=\"{href}\">{name}</a>.</p></body></html>\n"
    )
