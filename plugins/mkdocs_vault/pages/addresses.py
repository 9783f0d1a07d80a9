"""Where the generated pages live, and relative hrefs between any two site URLs.

Site URLs here are directory URLs without a leading slash (`people/zoe/`; the home page is ""), as
`urls.UrlMap` produces them. Every href we write is relative to the page it sits on, so the site works
from any sub-path of a static host. The top-level names are the ones `pipeline.RESERVED_URLS` keeps
free of notes.
"""

from __future__ import annotations

import functools

from ..urls import path_between, plain_segments, slugify_segment
from ..urls import relative_url as get_relative_url

TAGS_URL = "tags/"
TIMELINE_URL = "timeline/"
TASKS_URL = "tasks/"
GRAPH_URL = "graph/"
DIRECTORY_URL = "directory/"
# The global graph's data: under `assets/`, which notes never take (pipeline.RESERVED_URLS).
GRAPH_JSON_URI = "assets/vault/graph.json"
# The file explorer's folder tree (explorer.py), fetched by vault.js.
EXPLORER_JSON_URI = "assets/vault/explorer.json"


def src_uri_of(url: str) -> str:
    """The MkDocs `src_uri` that is written at the directory URL `url`."""
    return f"{url}index.md" if url else "index.md"


def url_of_src_uri(src_uri: str) -> str:
    """The directory URL a generated page's `src_uri` is written at."""
    if src_uri == "index.md":
        return ""
    return src_uri[: -len("index.md")] if src_uri.endswith("/index.md") else src_uri[:-3] + "/"


def relative(url: str, page_url: str) -> str:
    """href from the page at `page_url` to `url` (a directory URL or a file path)."""
    # Most hrefs go from a note to a URL in another top-level folder: up to the root, then `url`
    # as it is. A note's footer and panel ask for dozens of them, each (url, page) pair once.
    up = _up_to_root(page_url)
    if (
        up is not None
        and url.partition("/")[0] != up[0]
        and "." not in url
        and "//" not in url
        and not url.startswith("/")
    ):
        return up[1] + url  # what `_relative` gives: `url` has plain segments, none shared
    return _relative(url, page_url)


@functools.lru_cache(maxsize=1024)  # the pages asking in turn: one at a time, or a listing's few
def _up_to_root(page_url: str) -> tuple[str, str] | None:
    """(first segment, `../` for each segment) of a page's directory URL with plain segments but the
    home page's; else None."""
    segments = plain_segments(page_url) if page_url.endswith("/") else None
    return (segments[0], "../" * len(segments)) if segments else None


@functools.lru_cache(maxsize=65536)  # listings repeat the same (target, page) pairs thousands of times
def _relative(url: str, page_url: str) -> str:
    """`relative` in general."""
    page = plain_segments(page_url) if page_url == "" or page_url.endswith("/") else None
    target = plain_segments(url) if page is not None and url != "." else None
    if page is None or target is None:
        href = get_relative_url(url or ".", page_url or ".")
    else:
        href = path_between(target, page)  # what get_relative_url gives, without normalising
    if (url == "" or url.endswith("/")) and not href.endswith("/"):
        href += "/"  # '../..' -> '../../': keep directory URLs recognisable as such
    return href


# A tag nested deeper, or a segment longer, than this shares its ancestor's page: file systems limit
# path lengths, and hostile vaults write tags thousands of levels deep.
MAX_TAG_DEPTH = 8
MAX_SEGMENT = 80


def tag_segments(tag: str) -> list[str]:
    """`#Area/Sub-Topic` -> ['area', 'sub-topic']: tags compare case-insensitively, as in Obsidian."""
    return list(_tag_segments(tag))


@functools.lru_cache(maxsize=16384)
def _tag_segments(tag: str) -> tuple[str, ...]:
    parts = [slugify_segment(part)[:MAX_SEGMENT] for part in tag.lstrip("#").split("/") if part]
    return tuple(parts[:MAX_TAG_DEPTH])


def tag_url(tag: str) -> str:
    return TAGS_URL + "".join(f"{segment}/" for segment in tag_segments(tag))


def directory_url(note_type: str) -> str:
    return f"{DIRECTORY_URL}{slugify_segment(note_type)}/"
