"""The file explorer's data: the folder tree of every published note, as one JSON file per site
(`EXPLORER_JSON_URI`), which `vault.js` fetches when the reader opens the explorer (or once the page is
idle) rather than writing the tree into every page.

Shape, kept small for 10,000 notes: a folder is `{"n": name, "u": url prefix, "d": [folders], "f": [notes]}`
and a note `[title, last URL segment]`; a note's URL is its folder's prefix followed by the segment and
`/` (site-root relative, as every URL in `pages/`). Folders and notes are in title order, folders first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .data import NoteRow, title_order
from .graph import script_json


def explorer_tree(rows: Iterable[NoteRow]) -> dict[str, Any]:
    """The nested tree of the published notes `rows`."""
    root: dict[str, Any] = {"n": "", "u": "", "d": {}, "f": []}
    for row in sorted(rows, key=title_order):
        folder = root
        parts = row.folder.split("/") if row.folder else []
        for depth, part in enumerate(parts):
            child = folder["d"].get(part)
            if child is None:
                child = folder["d"][part] = {"n": part, "u": None, "d": {}, "f": []}
            folder = child
        prefix, _slash, segment = row.url.rstrip("/").rpartition("/")
        prefix = prefix + "/" if prefix else ""
        if folder["u"] is None:
            folder["u"] = prefix
        if prefix == folder["u"]:
            folder["f"].append([row.title, segment])
        else:  # a URL outside its folder's prefix (a `permalink`): the whole URL, from the root
            folder["f"].append([row.title, "/" + row.url.rstrip("/")])
    return _finish(root)


def _finish(folder: dict[str, Any]) -> dict[str, Any]:
    names = sorted(folder["d"], key=lambda n: (n.casefold(), n))
    out: dict[str, Any] = {"n": folder["n"], "u": folder["u"] or ""}
    if names:
        out["d"] = [_finish(folder["d"][n]) for n in names]
    if folder["f"]:
        out["f"] = folder["f"]
    return out


def explorer_json(rows: Iterable[NoteRow]) -> str:
    """The tree as JSON with `<`, `>` and `&` escaped, as the graph's: no markup in the file whatever the
    titles hold (vault.js writes them as text)."""
    return script_json(explorer_tree(rows))
