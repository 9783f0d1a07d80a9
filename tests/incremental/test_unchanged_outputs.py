"""A `mkdocs serve --dirty` rebuild leaves the files it would write byte for byte as they are: the whole
long listings (`pages.long_listing`), the file explorer's tree and our minified script and stylesheet.
MkDocs writes every generated file on every build, and the plugin minified its assets after every
build; with nothing changed a rebuild at 10,000 notes wrote 33 files. An edit that changes a listing
still writes its whole listing, and the site stays what a full build of the edited vault writes."""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import write_vault
from tests.incremental.test_serve_rebuild import _build, _config, _edit
from tests.incremental.test_shared_placeholder import _same_as_full_build

# Enough people that their directory listing is shown in part (`long_listing.SPLIT_OVER`).
PEOPLE = {
    f"People/Person {n:03d}.md": f"---\ntype: people\nrole: engineer number {n}\n---\n# Person {n:03d}\n"
    for n in range(400)
}
VAULT = {"index.md": "# Home\n", **PEOPLE}
WHOLE = "assets/vault/listings/directory/people.html"
KEPT = (WHOLE, "assets/vault/explorer.json", "assets/javascripts/vault.js", "assets/stylesheets/vault.css")


def _times(site: Path) -> dict[str, int]:
    out = {}
    for dirpath, _dirs, names in os.walk(site):
        for name in names:
            path = os.path.join(dirpath, name)
            out[os.path.relpath(path, site)] = os.stat(path).st_mtime_ns
    return out


def test_a_rebuild_rewrites_only_the_files_whose_bytes_change(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", VAULT)
    config, site = _config(tmp_path, vault), tmp_path / "site"
    _build(config, site, first=True)
    assert (site / WHOLE).is_file()
    assert all((site / rel).is_file() for rel in KEPT), [rel for rel in KEPT if not (site / rel).is_file()]
    before = _times(site)

    _build(config, site)  # nothing changed
    after = _times(site)
    written = {rel for rel in after if after[rel] != before.get(rel)}
    # 404.html is MkDocs' own static template, written on every build.
    assert written - {"404.html", "sitemap.xml", "sitemap.xml.gz", "search/search_index.json"} == set()
    _same_as_full_build(tmp_path, config, site, "nothing changed")
    assert "\n  " not in (site / "assets/javascripts/vault.js").read_text(encoding="utf-8")  # still minified

    # A person's role changes: the directory's rows change, so its whole listing is written again.
    _edit(vault, "People/Person 399.md", PEOPLE["People/Person 399.md"].replace("number 399", "lead"))
    _build(config, site)
    now = _times(site)
    assert now[WHOLE] != after[WHOLE]
    assert "engineer lead" in (site / WHOLE).read_text(encoding="utf-8")
    _same_as_full_build(tmp_path, config, site, "a role changed")
