"""Material's search index, written as its plugin writes it: under `mkdocs serve` from each entry's JSON
kept across rebuilds (`SearchIndexJson`), in a one-shot build a few hundred entries at a time
(`write_search_index`).

Material's search plugin writes `search/search_index.json` at every build with one `json.dumps` of
every entry (`SearchIndex.generate_search_index`): at 10,000 notes 32,000 entries, 0.13 s of a serve
rebuild that renders one page. A rebuild keeps almost every entry (`SiteBuilder._merge_search_index`
keeps the same dict objects), so the JSON of each is kept with it and only new entries are encoded.
The text is the one `json.dumps` writes: with the separators `(",", ":")` and no indent, a list is its
items' texts joined by commas and an object its members in order, each item encoded alone as within
the whole (tests/incremental/test_rebuild_fixed_costs.py compares them).
"""

from __future__ import annotations

import json
import os
from typing import Any

_OPTIONS: dict[str, Any] = {"separators": (",", ":"), "default": str}  # as Material's own dump
_CONFIG_KEYS = ("lang", "separator", "pipeline", "fields")  # what Material writes of its config


class SearchIndexJson:
    """Kept by the plugin across serve rebuilds: the JSON of each entry of the last index written,
    by the entry's identity (the entry itself is kept with it, so its id cannot be reused)."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[dict[str, Any], str]] = {}
        self.encoded = 0  # entries encoded by the last `generate` (for tests)

    def install(self, plugin: Any) -> None:
        """Let Material's search `plugin` write its index through `generate` (this build only: its
        `on_config` makes a new index object each build)."""
        index = getattr(plugin, "search_index", None)
        if index is None or not hasattr(index, "entries") or not hasattr(index, "config"):
            return
        original = index.generate_search_index

        def generate_search_index(prev: Any) -> str:
            if prev is not None:  # Material's merge of a dirty rebuild (not merged by us): its own way
                return original(prev)
            return self.generate(index.config, index.entries)

        index.generate_search_index = generate_search_index

    def generate(self, config: dict[str, Any], entries: list[dict[str, Any]]) -> str:
        """`json.dumps({"config": …, "docs": entries}, separators=(",", ":"), default=str)`, encoding only
        the entries not written by the last call."""
        known, kept, texts, encoded = self._known, {}, [], 0
        for entry in entries:
            found = known.get(id(entry))
            if found is None or found[0] is not entry:
                found = (entry, json.dumps(entry, **_OPTIONS))
                encoded += 1
            kept[id(entry)] = found
            texts.append(found[1])
        self._known, self.encoded = kept, encoded
        head = json.dumps(index_config(config), **_OPTIONS)
        return "".join(('{"config":', head, ',"docs":[', ",".join(texts), "]}"))

    def clear(self) -> None:
        self._known = {}


def index_config(config: dict[str, Any]) -> dict[str, Any]:
    """What Material writes of its search index's config."""
    return {key: config[key] for key in _CONFIG_KEYS}


def write_search_index(path: str, config: dict[str, Any], entries: list[dict[str, Any]]) -> None:
    """Write Material's search index as its plugin does (`json.dumps({"config": …, "docs": entries},
    separators=(",", ":"), default=str)`, encoded as UTF-8), byte for byte, but a few hundred entries at
    a time: Material makes the whole JSON text and then its UTF-8 copy, at 50,000 notes two strings of
    63 MB each on top of everything the build holds at its end (the build's peak memory was there).
    A JSON array is its items' texts joined by commas, and each entry is encoded by the same C encoder."""
    encode = json.JSONEncoder(**_OPTIONS).encode
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        out.write(f'{{"config":{encode(index_config(config))},"docs":['.encode())
        for start in range(0, len(entries), _ENTRIES_AT_ONCE):
            piece = ",".join(map(encode, entries[start : start + _ENTRIES_AT_ONCE]))
            out.write(("," + piece if start else piece).encode("utf-8"))
        out.write(b"]}")


_ENTRIES_AT_ONCE = 500
