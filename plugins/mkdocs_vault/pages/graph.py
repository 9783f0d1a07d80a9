"""Graph data for the browser: a note's local graph (itself, its neighbours and the links between them),
and the whole vault's graph behind the global graph page. Drawn by the vendored force-graph library
(`overrides/assets/javascripts/vendor/force-graph`), never fetched from another host.

Nodes are published notes only (the data comes from the index); links are resolved note-to-note links,
one per pair. The JSON is compact: `{"nodes": [{"t" title, "u" href, "g" type}], "links": [[i, j]]}`, where `i`
and `j` index `nodes`; the centre of a local graph has `"c": 1`.
"""

from __future__ import annotations

import functools
import html
import json
from json.encoder import encode_basestring  # what json.dumps writes a string with (ensure_ascii=False)

from .addresses import GRAPH_JSON_URI, GRAPH_URL, relative
from .data import SiteData
from .listing import listing_page

MAX_NEIGHBOURS = 80  # a hub linked from hundreds of meetings still gets a readable local graph


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _pair_keys(data: SiteData, order: list[str]) -> list[int]:
    """Links among `order`'s notes as index pairs (a, b), a < b, each unordered pair once, sorted;
    each pair as the number a * n + b (n: the number of notes)."""
    index = {p: i for i, p in enumerate(order)}
    keys = index.keys()
    n = len(order)
    # Made for every note page: a pair is kept as one number, which hashes and sorts in a fraction
    # of a tuple's time, in the same order; a note's links are first narrowed to `order` in C (`&`),
    # as a hub's neighbours link to many notes outside its local graph.
    pairs = set()
    for a, source in enumerate(order):
        for target in keys & data.outlinks.get(source, ()):
            b = index[target]
            if b != a:
                pairs.add(a * n + b if a < b else b * n + a)
    return sorted(pairs)


def _links_json(data: SiteData, order: list[str]) -> str:
    """The links among `order`'s notes as the members of a JSON array of `[a, b]` index pairs."""
    return _keys_json(_pair_keys(data, order), len(order))


def _keys_json(keys: list[int], n: int) -> str:
    """Pair keys (`_pair_keys`, among `n` notes) as the members of a JSON array of `[a, b]` pairs."""
    return ",".join([f"[{k // n},{k % n}]" for k in keys])


class GraphLinks:
    """The whole vault's graph links (`_pair_keys` of every note, in path order), kept from one serve
    rebuild to the next. A rebuild pairs again only the links of the notes read again since (`stale`),
    and renumbers the other pairs, which stay in order: 7 ms where pairing every note's links took 30,
    at 10,000 notes and 38,000 pairs."""

    def __init__(self) -> None:
        self._order: list[str] = []  # the notes, by path, the pairs were made for
        self._keys: list[int] = []
        self.stale: set[str] | None = None  # notes read again since the pairs were made; None: not made

    def keys(self, data: SiteData, order: list[str]) -> list[int]:
        """`_pair_keys(data, order)`, where `order` is every note of `data` in path order."""
        keys = _pair_keys(data, order) if self.stale is None else self._renumbered(data, order)
        self._order, self._keys, self.stale = order, keys, set()
        return keys

    def _renumbered(self, data: SiteData, order: list[str]) -> list[int]:
        """The pairs made last time that do not involve a stale note, in the new numbering (a note's
        links are the same unless it was read again; a note that went is stale), and the stale notes'
        pairs from their links both ways."""
        stale, old_n, n = self.stale or set(), len(self._order), len(order)
        index = {p: i for i, p in enumerate(order)}
        # Old number -> new, -1 for a stale note. Both orders are by path: the pairs kept stay sorted.
        new = [-1 if p in stale else index.get(p, -1) for p in self._order]
        keys = []
        for k in self._keys:
            a, b = new[k // old_n], new[k % old_n]
            if a >= 0 and b >= 0:
                keys.append(a * n + b)
        fresh = set()
        for path in stale:
            a = index.get(path)
            if a is None:
                continue
            linked = [index.get(t) for t in data.outlinks.get(path, ())]
            linked += [index.get(m.source) for m in data.mentions.get(path, ())]
            fresh.update(a * n + b if a < b else b * n + a for b in linked if b is not None and b != a)
        keys.extend(fresh)
        keys.sort()  # a sorted run and a few more
        return keys


def _local_order(data: SiteData, path: str) -> tuple[list[str], int] | None:
    """The paths of `path`'s local graph, sorted, and its number of neighbours before any were left
    out; None when it has none."""
    near = data.neighbours(path)
    if not near:
        return None
    total = len(near)
    if total > MAX_NEIGHBOURS:
        # Keep the most connected neighbours (ties by path): they say most about the note.
        degree = {p: len(data.outlinks.get(p, ())) + len(data.mentions.get(p, ())) for p in near}
        near = sorted(sorted(near, key=lambda p: (-degree[p], p))[:MAX_NEIGHBOURS])
    return sorted({path, *near}), total


def _local_graph_json(data: SiteData, path: str, page_url: str) -> tuple[str, int, int] | None:
    """The local graph of `path` as the JSON its page embeds (`script_json` of
    `{"links": [[a, b], ...], "nodes": [{"c": 1?, "g": type, "t": title, "u": href}, ...],
    "total": n}`, hrefs relative to the page), with its number of nodes and `total`; None when the
    note has no neighbours.

    Made for every note page, so written piece by piece: a node's text but for its href is encoded
    once per (title, type) (`_node_json`) and the links are written directly, where `json.dumps` of a
    dict per node sorted its keys and encoded every title again on every page showing it. The bytes
    are those of `script_json` of that structure (a test compares the two)."""
    graph_order = _local_order(data, path)
    if graph_order is None:
        return None
    order, total = graph_order
    nodes = []
    for p in order:
        row = data.notes[p]
        head = _node_json(row.title, row.type or "")
        href = encode_basestring(relative(row.url, page_url))
        nodes.append(f'{{"c":1,{head}{href}}}' if p == path else f"{{{head}{href}}}")
    text = f'{{"links":[{_links_json(data, order)}],"nodes":[{",".join(nodes)}],"total":{total}}}'
    return _script_safe(text), len(order), total


@functools.lru_cache(maxsize=16384)  # a note is a node of the local graph of each of its neighbours
def _node_json(title: str, note_type: str) -> str:
    """A node's JSON members before its href's value, in `_dumps`' (sorted) key order."""
    return f'"g":{encode_basestring(note_type)},"t":{encode_basestring(title)},"u":'


def local_graph_section(data: SiteData, path: str, page_url: str) -> str:
    graph = _local_graph_json(data, path, page_url)
    if graph is None:
        return ""
    graph_json, nodes, total = graph
    shown = nodes - 1
    note = f" (the {shown} most connected of {total})" if shown < total else ""
    return (
        '<section class="vault-graph-section" data-search-exclude>'
        f'<h2 id="vault-graph" data-search-exclude>Graph <span class="vault-count">{total}</span></h2>'
        f'<div class="vault-graph vault-graph--local" role="img" '
        f'aria-label="Graph of this note and {shown} linked notes{note}">'
        # In a <template>, not a JSON <script>: Material's instant navigation runs every inline script of
        # the new page again, without its `type`, so JSON there was run as JavaScript (a SyntaxError).
        # A template's content is inert; the JSON is escaped for a <script> (no `<`, `>` or `&`), so the
        # HTML parser leaves it as it is.
        f'<template class="vault-graph-data">{graph_json}</template></div></section>'
    )


def script_json(value: object) -> str:
    """JSON safe inside a <script> element: `<`, `>` and `&` as escapes, so no text can close it.
    (A data attribute would need every quote as `&quot;`, half again as many bytes on every page.)"""
    return _script_safe(_dumps(value))


def _script_safe(json_text: str) -> str:
    return json_text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def graph_nodes(data: SiteData) -> list[tuple[str, str, str]]:
    """The whole vault's graph nodes, in path order: (title, site-root relative URL, type)."""
    notes = data.notes
    return [(row.title, row.url, row.type or "") for row in (notes[p] for p in sorted(notes))]


def nodes_json(nodes: list[tuple[str, str, str]]) -> str:
    """`graph_nodes` as `_dumps` writes a list of `{"t", "u", "g"}` objects, before `_script_safe`."""
    return "[" + ",".join(f"{{{_node_json(t, g)}{encode_basestring(u)}}}" for t, u, g in nodes) + "]"


def global_graph_json(data: SiteData, nodes_text: str | None = None, kept: GraphLinks | None = None) -> str:
    """The whole vault's graph; hrefs are site-root relative (the page adds its own base). Written
    piece by piece, as `script_json` of `{"nodes": [...], "links": [[i, j], ...]}` writes it (a test
    compares the two); `nodes_text`, `nodes_json` of this data's `graph_nodes`, when known already (a
    serve rebuild whose edit changed links but no title, URL or type); `kept`: the links as a serve
    rebuild keeps them."""
    if nodes_text is None:
        nodes_text = nodes_json(graph_nodes(data))
    order = sorted(data.notes)
    links = _keys_json(kept.keys(data, order) if kept is not None else _pair_keys(data, order), len(order))
    return _script_safe(f'{{"links":[{links}],"nodes":{nodes_text}}}') + "\n"


def graph_page(data: SiteData) -> tuple[str, str]:
    """(title, Markdown) of the global graph page."""
    src = html.escape(relative(GRAPH_JSON_URI, GRAPH_URL), quote=True)
    base = html.escape(relative("", GRAPH_URL), quote=True)
    links = sum(len(t) for t in data.outlinks.values())
    body = (
        f'<p class="vault-lead">{len(data.notes)} notes and {links} links. Point at a note to see its name '
        "and its neighbours; zoom in (scroll or pinch) to see every name; drag to move; click a note to open "
        "it.</p>"
        f'<div class="vault-graph vault-graph--global" data-graph-src="{src}" data-base="{base}" '
        f'role="img" aria-label="Graph of all {len(data.notes)} published notes"></div>'
    )
    return "Graph", listing_page("Graph", body)
