"""What Material's search plugin reads of a page, kept apart from what the page shows.

The search plugin parses each page's `page.content` with Python's `html.parser` in `on_page_context`,
and that parse cost grows with the number of tags, not the number of words. A note page has two
parts that are mostly tags: Dataview results (which are not searched at all: they repeat other
notes' content) and the properties panel (searched for its values, but a dozen elements per
property). Renderers mark them with comments:

- `hidden(html)`: shown on the page, absent from the search view;
- `search_text(text)`: in the search view as plain text, absent from the page.

`SiteBuilder` hands the search plugin `search_view(content)` and puts `page_view(content)` back after
it (`on_page_context`, after the search plugin's). Without that swap, as in embeds rendered by other
hosts, the markers are comments: invisible, and the hidden parts keep `data-search-exclude`.
"""

from __future__ import annotations

import re

_HIDE, _END = "<!--vault-nosearch-5c1e-->", "<!--/vault-nosearch-5c1e-->"
_TEXT = "<!--vault-search-5c1e:"
_SEARCH_VIEW = re.compile(
    re.escape(_HIDE) + ".*?" + re.escape(_END) + "|" + re.escape(_TEXT) + "(.*?)-->", re.DOTALL
)
_PAGE_VIEW = re.compile(
    re.escape(_HIDE) + "|" + re.escape(_END) + "|" + re.escape(_TEXT) + ".*?-->", re.DOTALL
)
_TAG = re.compile(r"<[^>]*>")


def hidden(fragment: str) -> str:
    """`fragment` on the page, not in the search view (no nesting: a fragment holds no other)."""
    return f"{_HIDE}{fragment}{_END}"


def search_text(fragment: str) -> str:
    """The text of the HTML `fragment` (tags dropped, entities kept) for the search view only."""
    text = " ".join(_TAG.sub(" ", fragment).split())
    # Escaped text holds no ">", so it cannot end the comment early.
    return f"{_TEXT}{text.replace('>', '&gt;')}-->" if text else ""


def has_markers(content: str) -> bool:
    return _HIDE in content or _TEXT in content


def search_view(content: str) -> str:
    return _SEARCH_VIEW.sub(lambda m: m.group(1) or "", content)


def page_view(content: str) -> str:
    return _PAGE_VIEW.sub("", content)
