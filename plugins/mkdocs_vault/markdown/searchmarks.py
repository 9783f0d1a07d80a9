"""The two markers renderers put in page HTML for the search view (`mkdocs/searchview.py` reads them).

- `hidden(html)`: shown on the page, absent from the search view;
- `search_text(text)`: in the search view as plain text, absent from the page.

Outside a MkDocs build (embeds rendered by other hosts) the markers are HTML comments: invisible.
"""

from __future__ import annotations

import re

_HIDE, _END = "<!--vault-nosearch-5c1e-->", "<!--/vault-nosearch-5c1e-->"
_TEXT = "<!--vault-search-5c1e:"
_TAG = re.compile(r"<[^>]*>")


def hidden(fragment: str) -> str:
    """`fragment` on the page, not in the search view (no nesting: a fragment holds no other)."""
    return f"{_HIDE}{fragment}{_END}"


def search_text(fragment: str) -> str:
    """The text of the HTML `fragment` (tags dropped, entities kept) for the search view only."""
    text = " ".join(_TAG.sub(" ", fragment).split())
    # Escaped text holds no ">", so it cannot end the comment early.
    return f"{_TEXT}{text.replace('>', '&gt;')}-->" if text else ""
