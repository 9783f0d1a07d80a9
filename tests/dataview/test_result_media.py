"""Embedded images in query results, on a real site: shown as images, as Dataview shows an image embed
(`ui/markdown.tsx`: an embed link to an image renders as `<img>`), and only when the image is published.
The vault is fictional; the PNG is a 1x1 pixel written here.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

from ..conftest import build_site, site_config, write_vault

PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def test_image_embeds_in_results_are_images_when_published(tmp_path: Path) -> None:
    docs = write_vault(tmp_path / "vault", {
        "Books/Tidewater.md": '---\ncover: "![[tide.png|120]]"\nblurb: "![[tide.png]] a **sea** story"\n---\nA book.\n',
        "Books/Draft.md": '---\npublish: false\ncover: "![[secret.png]]"\n---\nNot yet.\n',
        "Books/Lost.md": '---\ncover: "![[missing.png]]"\n---\nIts cover was never added.\n',
        "Shelf.md": '# Shelf\n\n```dataview\nTABLE cover, blurb FROM "Books" SORT file.name\n```\n',
        "Attachments/tide.png": PIXEL,
        "Attachments/secret.png": PIXEL,
    })
    result = build_site(site_config(tmp_path, docs), tmp_path / "site")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "shelf" / "index.html").read_text(encoding="utf-8")
    table = re.search(r'<table class="dataview.*?</table>', page, re.DOTALL).group(0)
    assert '<img alt="tide.png" src="../attachments/tide.png" loading="lazy" width="120">' in table
    assert '<img alt="tide.png" src="../attachments/tide.png" loading="lazy"> a <strong>sea</strong> story' in table
    # No such image: the visible non-link a link to a missing file gets. The draft's image never shows.
    assert '<span class="vault-unresolved" title="not published or not found">missing.png</span>' in table
    assert "secret.png" not in page and not (tmp_path / "site" / "attachments" / "secret.png").exists()
    assert "data-vault-src" not in page  # every deferred address was filled in


def test_note_embeds_in_results_show_the_note_within_the_caps(tmp_path: Path) -> None:
    """Dataview renders `![[Note]]` in a result as Obsidian embeds it. Here it goes through the same
    publish filter and caps as an embed in a note: an unpublished note, or the page's own note (a
    cycle), is a notice, never its text."""
    docs = write_vault(tmp_path / "vault", {
        "Recipes/Bread.md": '---\nsummary: "![[Bread notes]]"\n---\nFlour and water.\n',
        "Recipes/Soup.md": '---\nsummary: "![[Secret stock]]"\n---\nA pot.\n',
        "Recipes/Loop.md": '---\nsummary: "![[Menu]]"\n---\nPoints back at the menu.\n',
        "Bread notes.md": "Knead for **ten** minutes.\n",
        "Secret stock.md": "---\npublish: false\n---\nCANARY-STOCK\n",
        "Menu.md": '# Menu\n\n```dataview\nTABLE summary FROM "Recipes" SORT file.name\n```\n',
    })
    result = build_site(site_config(tmp_path, docs), tmp_path / "site")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "menu" / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", page, re.DOTALL)
    cells = {re.sub(r"<[^>]+>", "", name): value for name, value in rows}
    assert '<div class="vault-embed-content"><p>Knead for <strong>ten</strong> minutes.</p>' in cells["Bread"]
    # An unpublished note is not a page a result can name: the neutral non-link, never its text.
    assert cells["Soup"] == '<span class="vault-unresolved" title="not published or not found">Secret stock</span>'
    assert "CANARY" not in page
    assert "Embed stopped" in cells["Loop"] and "already shown above" in cells["Loop"]
