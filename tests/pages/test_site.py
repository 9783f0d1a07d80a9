"""The generated pages and note panels in real `mkdocs build` output: the sample vault, and a small
vault with hostile and unpublished content."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import build_site, site_config


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def article(page: str) -> str:
    match = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', page, re.DOTALL)
    assert match is not None
    return match.group(1)


def words(fragment: str) -> str:
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", fragment)).split())


def test_note_sections_close_the_table_of_contents(sample_site: Path) -> None:
    """The right-hand table of contents ends with the note's timeline, linked mentions (with their
    count) and graph, after the note's own headings (under its `# Title`, as Material lists them)."""
    page = read(sample_site, "projects/quarry-lane-data-warehouse/index.html")
    toc = re.search(r'<nav class="md-nav md-nav--secondary".*?</nav>', page, re.DOTALL)
    assert toc is not None
    links = re.findall(r'<a href="(#[^"]+)" class="md-nav__link">\s*<span class="md-ellipsis">(.*?)</span>\s*</a>', toc.group(0), re.DOTALL)
    titles = [(href, words(title)) for href, title in links]
    assert titles[:2] == [("#overview", "Overview"), ("#status", "Status")]
    # Seven notes link to the project (its mentions list them); its graph shows 9 neighbours.
    assert titles[-3:] == [("#vault-timeline", "Timeline"), ("#vault-backlinks", "Linked mentions 7"), ("#vault-graph", "Graph 9")]
    assert page.count('<li class="vault-mention') == 7
    for anchor in ("vault-timeline", "vault-backlinks", "vault-graph"):
        assert page.count(f'id="{anchor}"') == 1  # each entry has its target on the page


def test_meetings_directory_lists_newest_first_and_type_names_read_as_words(sample_site: Path) -> None:
    meetings = read(sample_site, "directory/meeting/index.html")
    headers = re.findall(r'<th scope="col" aria-sort="(\w+)">([^<]+)</th>', meetings)
    assert headers == [("none", "Name"), ("descending", "Date"), ("none", "Attendees")]
    days = re.findall(r'<td data-sort="(\d{4}-\d\d-\d\d)">', meetings)
    # The sample's fourteen meetings, from the file names of Meetings/ and Meetings/2025/.
    assert days[0] == "2026-11-17" and days[-1] == "2025-11-18" and len(days) == 14
    assert days == sorted(days, reverse=True)
    people = read(sample_site, "directory/people/index.html")
    assert re.findall(r'<th scope="col" aria-sort="(\w+)">Name</th>', people) == ["ascending"]
    index = words(article(read(sample_site, "directory/index.html")))
    assert "Customer notes 2" in index and "Customer-notes" not in index
    assert "<h1>Customer notes</h1>" in read(sample_site, "directory/customer-notes/index.html")


def test_status_is_a_chip_in_the_panel_and_the_directory(sample_site: Path) -> None:
    page = read(sample_site, "projects/quarry-lane-data-warehouse/index.html")
    chip = '<span class="vault-status-chip" data-status="blocked">blocked</span>'
    assert f"<dt>status</dt> <dd>{chip}</dd>" in page
    assert f'<td data-sort="blocked">{chip}</td>' in read(sample_site, "directory/projects/index.html")


def test_folder_note_at_the_folders_url_with_a_redirect_from_the_old_one(sample_site: Path) -> None:
    """`Customers/Quarry Lane Credit Union/Quarry Lane Credit Union.md` of the sample vault."""
    page = read(sample_site, "customers/quarry-lane-credit-union/index.html")
    assert "<h1" in page and "Quarry Lane Credit Union" in words(article(page))
    old = read(sample_site, "customers/quarry-lane-credit-union/quarry-lane-credit-union/index.html")
    assert '<meta http-equiv="refresh" content="0; url=../">' in old
    # The notes in the folder link to it from their folder path; it does not link to itself.
    notes = read(sample_site, "customers/quarry-lane-credit-union/notes/index.html")
    crumbs = re.search(r'<nav class="md-path vault-path".*?</nav>', notes, re.DOTALL)
    assert crumbs is not None and re.search(r'<a href="\.\./" class="md-path__link">\s*<span class="md-ellipsis">Quarry Lane Credit Union', crumbs.group(0))
    own = re.search(r'<nav class="md-path vault-path".*?</nav>', page, re.DOTALL)
    assert own is not None and 'href="./"' not in own.group(0)
    # Links to it from other notes go to the folder's URL.
    home = read(sample_site, "index.html")
    assert 'href="customers/quarry-lane-credit-union/"' in home
    assert 'href="customers/quarry-lane-credit-union/quarry-lane-credit-union/"' not in home


def test_one_last_contact_date_everywhere(sample_site: Path) -> None:
    """The project's `last_contact` property says 2026-10-20; the weekly sync of 2026-11-03 links to it
    since. Its properties panel, its timeline and its directory row all show the later date."""
    page = read(sample_site, "projects/quarry-lane-data-warehouse/index.html")
    panel = re.findall(r'data-key="last_contact">.*?datetime="([^"]+)"', page, re.DOTALL)
    timeline = re.findall(r'vault-last-contact">Last contact: <time datetime="([^"]+)"', page)
    directory = read(sample_site, "directory/projects/index.html")
    row = re.search(r'<tr><td data-sort="quarry lane data warehouse">.*?</tr>', directory)
    assert row is not None
    assert panel == timeline == ["2026-11-03"]
    assert '<td data-sort="2026-11-03">' in row.group(0)
    panel_html = re.search(r'<div class="vault-properties".*?</dl></div>', page, re.DOTALL)
    assert panel_html is not None and "October 20, 2026" not in words(panel_html.group(0))


def test_person_page_has_breadcrumbs_properties_timeline_and_mentions(sample_site: Path) -> None:
    page = read(sample_site, "people/zoë-marchetti/index.html")
    crumbs = re.search(r'<nav class="md-path vault-path".*?</nav>', page, re.DOTALL)
    assert crumbs is not None and words(crumbs.group(0)) == "Fernhill Partners People"
    body = article(page)
    panel = re.search(r'<div class="vault-properties".*?</dl></div>', body, re.DOTALL)
    assert panel is not None
    text = words(panel.group(0))
    assert "role Managing Partner" in text and "aliases Zoë Zoe ZM" in text
    assert 'href="../../projects/oakhaven-discovery-sprint/"' in panel.group(0)
    assert body.index("vault-properties") < body.index("Co-founded")  # right under the title
    assert "Last contact: November 12, 2026 (12 days ago)" in words(body)
    assert 'id="vault-backlinks"' in body and 'id="vault-graph"' in body
    assert "1:1 Zoë and Siobhan" in words(body.split('id="vault-backlinks"')[1])


def test_navigation_lists_sections_and_listings_not_notes(sample_site: Path) -> None:
    page = read(sample_site, "people/zoë-marchetti/index.html")
    nav = re.search(
        r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>\s*</div>\s*</div>', page, re.DOTALL
    )
    assert nav is not None
    labels = [
        words(m)
        for m in re.findall(r'<a href="[^"]*" class="md-nav__link[^"]*">(.*?)</a>', nav.group(0), re.DOTALL)
    ]
    for listing in ("Directory", "Timeline", "Open tasks", "Tags", "Graph", "People", "Projects"):
        assert listing in labels
    assert "Zoë Marchetti" not in labels and len(labels) < 20


def test_generated_pages_exist_with_content(sample_site: Path) -> None:
    projects = words(article(read(sample_site, "directory/projects/index.html")))
    assert "Name Status Owner Last contact Open tasks" in projects
    assert "Quarry Lane Data Warehouse blocked Kwame Asante-Boateng" in projects
    people = words(article(read(sample_site, "directory/people/index.html")))
    assert "Name Company Role Last contact" in people
    timeline = words(article(read(sample_site, "timeline/index.html")))
    assert timeline.index("November 2026") < timeline.index("October 2026") < timeline.index("November 2025")
    tasks = words(article(read(sample_site, "tasks/index.html")))
    assert "overdue as of 2026-11-24" in tasks and "days overdue" in tasks
    tag = words(article(read(sample_site, "tags/status/blocked/index.html")))
    assert "Quarry Lane Data Warehouse" in tag
    assert (sample_site / "graph/index.html").exists()
    graph = json.loads(read(sample_site, "assets/vault/graph.json"))
    assert len(graph["nodes"]) > 40 and graph["links"]
    home = article(read(sample_site, "index.html"))
    assert '<nav class="vault-browse"' in home and 'href="timeline/"' in home


def test_vendored_scripts_ship_with_the_site(sample_site: Path) -> None:
    assert (sample_site / "assets/javascripts/vault.js").exists()
    assert (sample_site / "assets/javascripts/vendor/force-graph/force-graph.min.js").exists()
    assert (sample_site / "assets/javascripts/vendor/force-graph/LICENSE").exists()
    page = read(sample_site, "people/zoë-marchetti/index.html")
    assert re.search(r'<script src="\.\./\.\./assets/javascripts/vault\.js"></script>', page)
    # No script or style from another host.
    assert not re.search(r'<(?:script|link)[^>]+(?:src|href)="(?:https?:)?//', page)


def test_search_index_has_properties_but_not_listings_or_panels(sample_site: Path) -> None:
    docs = json.loads(read(sample_site, "search/search_index.json"))["docs"]
    locations = {d["location"].split("#")[0] for d in docs}
    assert not any(
        loc.startswith(("tags/", "timeline/", "tasks/", "graph/", "directory/")) for loc in locations
    )
    zoe = " ".join(d["text"] for d in docs if d["location"].startswith("people/zo"))
    assert re.search(r"\bZM\b", re.sub(r"<[^>]*>", " ", zoe))  # an alias, from the properties panel
    quarry = " ".join(d["text"] for d in docs if d["location"].startswith("projects/quarry-lane"))
    assert re.search(r"\bblocked\b", re.sub(r"<[^>]*>", " ", quarry))
    assert not any("Linked mentions" in d["text"] or "Last contact:" in d["text"] for d in docs)


HOSTILE = {
    "index.md": "# Home\n\n[[Eve <img src=x onerror=alert(1)>]] and [[Mallory]].\n",
    "People/Eve <img src=x onerror=alert(1)>.md": (
        '---\ntype: people\nrole: "<script>alert(\'role\')</script>"\ntags: ["<b>bold</b>", ok]\n'
        "salary: CANARY-SALARY-77\n---\n\n# Eve\n\n- [ ] Pay [[Mallory]] 📅 2020-01-01\n"
    ),
    "People/Mallory.md": "---\ntype: people\nrole: Tester\n---\n\n# Mallory\n\nMeets [[Hidden]] daily.\n",
    "Meetings/2026-01-05 - Sync.md": "# Sync\n\n- [[Mallory]] and [[Hidden]] %%CANARY-COMMENT-12%%\n",
    "Hidden.md": (
        "---\npublish: false\ntype: people\nrole: CANARY-ROLE-55\n---\n\n# CANARY-TITLE-66\n\n"
        "Links [[Mallory]]. CANARY-BODY-44\n- [ ] CANARY-TASK-88 📅 2020-01-01\n#canary-tag-99\n"
    ),
}


_LISTINGS = {"tags", "timeline", "tasks", "graph", "directory"}


def _listing(site: Path, path: Path) -> bool:
    return path.relative_to(site).parts[0] in _LISTINGS


def _panels(page: str) -> str:
    found = re.findall(
        r'<div class="vault-properties".*?</dl></div>|<section class="vault-.*?</section>', page, re.DOTALL
    )
    return "".join(found)


def test_hostile_vault_is_escaped_and_keeps_unpublished_notes_out(tmp_path: Path, make_vault) -> None:
    vault = make_vault(HOSTILE)
    config = site_config(tmp_path, vault, "      private_keys: [salary]\n      today: '2026-11-24'")
    site = tmp_path / "site"
    result = build_site(config, site)
    assert result.returncode == 0, result.stderr
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".js"):
            if path.suffix != ".html" or "vendor" in path.parts:
                continue
            # What this stage writes: generated pages whole, and on note pages the panels (a note's body,
            # its comments included, is the links and Markdown stages' business).
            text = path.read_text(encoding="utf-8")
            ours = text if _listing(site, path) else _panels(text)
            assert "CANARY" not in ours.upper(), path
            for bad in ("<img src=x onerror", "<script>alert", "<b>bold</b>"):
                assert bad not in ours, (path, bad)
    assert "CANARY" not in read(site, "assets/vault/graph.json").upper()
    assert not (site / "tags/canary-tag-99").exists()
    mallory = article(read(site, "people/mallory/index.html"))
    # The unpublished note that links to Mallory is not among her mentions; the hostile one is, escaped.
    section = mallory.split('id="vault-backlinks"')[1]
    sources = re.findall(r'<li class="vault-mention"><a class="vault-link" href="[^"]*">([^<]*)</a>', section)
    assert sorted(sources) == ["2026-01-05 - Sync", "Eve &lt;img src=x onerror=alert(1)&gt;", "index"]
    # The Sync meeting's line names the unpublished note in its own words, never as a link.
    assert "Hidden" in words(section) and "hidden/" not in section
    tasks = read(site, "tasks/index.html")
    assert "Pay" in words(article(tasks)) and "CANARY" not in tasks


def test_vault_without_index_gets_a_generated_home_with_the_listings(tmp_path: Path, make_vault) -> None:
    vault = make_vault(
        {
            "Projects/Apollo.md": "---\ntype: projects\nstatus: active\n---\n\n# Apollo\n\n- [ ] Plan it\n",
            "Meetings/2026-11-02 - Sync.md": "# Sync\n\nAbout [[Apollo]] #weekly\n",
        }
    )
    site = tmp_path / "site"
    result = build_site(site_config(tmp_path, vault, "      today: '2026-11-24'"), site)
    assert result.returncode == 0, result.stderr
    home = article(read(site, "index.html"))
    browse = re.search(r'<nav class="vault-browse".*?</nav>', home, re.DOTALL)
    assert browse is not None
    assert re.findall(r'href="([^"]*)"', browse.group(0)) == [
        "directory/",
        "timeline/",
        "tasks/",
        "tags/",
        "graph/",
    ]
    for listing in ("directory/projects", "timeline", "tasks", "tags/weekly", "graph"):
        assert (site / listing / "index.html").exists(), listing
    apollo = article(read(site, "projects/apollo/index.html"))
    assert "Last contact: November 2, 2026" in words(apollo)


def test_blocks_are_those_of_splitting_at_blank_lines() -> None:
    """`site._blocks` finds a listing's blocks without a two-character split of megabytes of text; it
    must give what that split gives, from any start, whatever whitespace and line breaks it meets."""
    import random

    from mkdocs_vault.mkdocs.site import _blocks

    pieces = ["<p>a</p>", "\n", "\n\n", "\n\n\n", " ", "\t", "\u3000", "\x1c", "b\n" * 70, "c\n\n" * 3]
    rnd = random.Random(5)
    for _ in range(20000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 24)))
        start = rnd.randint(0, len(text))
        assert _blocks(text, start) == [b.strip() for b in text[start:].strip().split("\n\n")], (text, start)


def test_a_top_level_folder_note_shows_the_folders_listing_below_its_text(tmp_path: Path, make_vault) -> None:
    vault = make_vault(
        {
            "index.md": "# Home\n\nSee [[Clients]].\n",
            "Clients/Clients.md": "# Clients\n\nWho we work for.\n",
            "Clients/Acme.md": "# Acme\n",
            "Clients/Past/Beta.md": "---\ndate: 2026-01-05\n---\n# Beta\n",
        }
    )
    site = tmp_path / "site"
    result = build_site(site_config(tmp_path, vault, "      today: '2026-11-24'"), site)
    assert result.returncode == 0, result.stderr
    page = read(site, "clients/index.html")
    body = article(page)
    assert body.index("Who we work for.") < body.index('<nav class="vault-folder-listing"')
    listing = re.search(r'<nav class="vault-folder-listing".*?</nav>', body, re.DOTALL)
    assert listing is not None
    assert words(listing.group(0)) == "In this folder Acme Past Beta 2026-01-05"  # not the note itself
    assert 'href="acme/"' in listing.group(0) and 'href="past/beta/"' in listing.group(0)
    assert 'href="clients/"' in read(site, "index.html")  # the home's link: the folder note, at the folder's URL
    assert (site / "clients/clients/index.html").is_file()  # the old URL, a redirect
