"""End to end: real `mkdocs build` runs on the sample vault and on a vault full of canaries."""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path

from tests.conftest import ROOT, build_site, site_config, write_vault


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_sample_vault_builds_with_the_expected_pages(sample_site: Path) -> None:
    home = read(sample_site, "index.html")
    assert "Fernhill" in home
    page = read(sample_site, "projects/saltmarsh-route-optimisation/index.html")
    assert "<title>Saltmarsh Route Optimisation" in page
    # The nav lists sections, not every note.
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>', page, re.DOTALL)
    assert nav is not None
    assert "Saltmarsh Route Optimisation" not in nav.group(0).split("md-nav__title")[-1] or nav.group(0).count("md-nav__link") < 30
    assert (sample_site / "people/zoë-marchetti/index.html").exists()
    assert (sample_site / "attachments/org-chart.png").exists()
    assert (sample_site / "search/search_index.json").exists()
    # Templates and Obsidian settings never reach the site.
    assert not (sample_site / "templates").exists()
    assert not any(p.name == "app.json" for p in sample_site.rglob("*"))


def test_strict_build_of_the_sample_vault_passes(tmp_path: Path) -> None:
    result = build_site(ROOT / "mkdocs.yml", tmp_path / "site", "--strict")
    assert result.returncode == 0, result.stderr
    assert not [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    # The deliberate unresolved link is still reported, at the level the sample's mkdocs.yml sets.
    assert "unresolved link [[Client Advisory Board]]" in result.stderr


CANARIES = {
    "body": "CANARY-BODY-31",
    "title": "CANARY-TITLE-32",
    "frontmatter": "CANARY-FRONTMATTER-33",
    "private": "CANARY-PRIVATE-34",
    "filename": "canary-filename-35",
    "comment": "CANARY-COMMENT-36",
    "invalid": "CANARY-INVALID-YAML-37",
    "attachment": "canary-attachment-38",
    "excluded": "CANARY-EXCLUDED-39",
}


def canary_vault(root: Path) -> None:
    files = {
        "index.md": "# Home\nSee [[Public]] and [[Secret note|the plan]].\n",
        "Public.md": (
            "---\ntitle: Public page\nsalary: CANARY-PRIVATE-34\nowner: \"[[Secret note]]\"\n---\n"
            "Visible text. %% CANARY-COMMENT-36 %%\n\n%%\nmulti CANARY-COMMENT-36\n%%\n"
            "Link to [[Secret note]] and [[Private/canary-filename-35|a private page]].\n"
        ),
        "Secret note.md": (
            "---\ntitle: CANARY-TITLE-32\npublish: false\nnote: CANARY-FRONTMATTER-33\n---\n"
            "CANARY-BODY-31 ![[canary-attachment-38.png]]\n"
        ),
        "Private/canary-filename-35.md": "---\npublish: false\n---\nhidden\n",
        "Broken.md": "---\nkey: [CANARY-INVALID-YAML-37\n---\nThe body of a note with broken frontmatter.\n",
        "canary-attachment-38.png": b"\x89PNG\r\n\x1a\n",
        "Excluded/Note.md": "CANARY-EXCLUDED-39\n",
    }
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")


def scan_for(site: Path, needles: list[str]) -> list[tuple[str, str]]:
    found = []
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        text = data.decode("utf-8", errors="replace").lower()
        haystacks = [text, str(path.relative_to(site)).lower()]
        for needle in needles:
            if any(needle.lower() in h for h in haystacks):
                found.append((str(path.relative_to(site)), needle))
    return found


def test_canaries_in_unpublished_content_appear_nowhere_in_the_site(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    canary_vault(vault)
    config = site_config(tmp_path, vault, "      private_keys: [salary]\n      exclude: [Excluded/]")
    site = tmp_path / "site"
    result = build_site(config, site)
    assert result.returncode == 0, result.stderr
    assert (site / "public/index.html").exists() and (site / "broken/index.html").exists()
    assert "The body of a note with broken frontmatter" in read(site, "broken/index.html")
    assert "the plan" in read(site, "index.html")  # the linking note's own words stay
    assert scan_for(site, list(CANARIES.values())) == []
    assert "Broken.md" in result.stderr and "frontmatter" in result.stderr


def test_aliases_get_redirect_pages(sample_site: Path) -> None:
    page = read(sample_site, "people/shiv/index.html")
    assert 'http-equiv="refresh" content="0; url=../siobhan-o-leary/"' in page


def test_note_text_is_never_taken_as_page_metadata_and_titles_are_escaped(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "index.md").write_text("# Home\n[[Status note]] [[Eve <img src=x onerror=alert(1)>]]\n")
    (vault / "Status note.md").write_text("Status: active\nOwner: Ada\n\nBody text.\n")
    (vault / "Rule.md").write_text("---\ntitle: Rule\n---\n---\nkey: value\n---\nAfter the rules.\n")
    (vault / "Eve <img src=x onerror=alert(1)>.md").write_text("Hostile name.\n")
    site = tmp_path / "site"
    result = build_site(site_config(tmp_path, vault), site)
    assert result.returncode == 0, result.stderr
    status = read(site, "status-note/index.html")
    assert "Status: active" in status and "Owner: Ada" in status
    assert "key: value" in read(site, "rule/index.html")
    eve = read(site, "eve-img-src-x-onerror-alert-1/index.html")
    assert "<img src=x" not in eve and "Eve &lt;img src=x onerror=alert(1)&gt;" in eve
    assert "<img src=x" not in read(site, "search/search_index.json")


def _one_shot_build(config_file: Path, site_dir: Path) -> None:
    """`mkdocs build` of `config_file` into `site_dir`, in this process (the plugin told it is `build`)."""
    from mkdocs.commands import build as mkdocs_build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(config_file), site_dir=str(site_dir))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build.build(config)
    finally:
        config.plugins.on_shutdown()


def test_a_one_shot_build_drops_the_dataview_pages_before_the_templates(tmp_path: Path, monkeypatch) -> None:
    """`mkdocs build` lets the Dataview page objects go once every page is rendered (site.py,
    `drop_query_pages`): they are the largest thing a build holds, and the templates phase adds its
    own peak on top. The page with the query still shows its result."""
    from mkdocs.commands import build as mkdocs_build
    from mkdocs_vault.dataview import batch

    docs = tmp_path / "vault"
    (docs / "People").mkdir(parents=True)
    (docs / "People" / "Ada Quill.md").write_text("---\nrole: engineer\n---\n# Ada Quill\n", encoding="utf-8")
    (docs / "Team.md").write_text("# Team\n\n```dataview\nLIST role FROM \"People\"\n```\n", encoding="utf-8")
    config_file = site_config(tmp_path, docs)
    held: list[bool] = []
    original = mkdocs_build._build_page

    def build_page(page, config, *args, **kwargs):
        # This build's state only: other tests' states may still be alive in the same process.
        held.append(config.plugins["vault"].state in batch._STATE_PAGES)
        return original(page, config, *args, **kwargs)

    monkeypatch.setattr(mkdocs_build, "_build_page", build_page)
    _one_shot_build(config_file, tmp_path / "site")
    assert held and not any(held)
    assert "engineer" in read(tmp_path / "site", "team/index.html")


def test_what_a_full_collection_leaves_alive_while_pages_render_is_frozen(tmp_path: Path, monkeypatch) -> None:
    """While the pages render, each full collection walked every object kept since the heap was last
    frozen (pages, their HTML and tables of contents), again at every collection as they grew: the
    plugin freezes what a full collection leaves alive (pipeline.py, `freeze_survivors`), from on_nav
    to on_post_build, for vaults of `FREEZE_MIN_NOTES` notes or more. Garbage is still collected."""
    import gc
    import weakref

    from mkdocs.commands import build as mkdocs_build
    from mkdocs_vault import pipeline
    from mkdocs_vault.mkdocs import plugin

    docs = tmp_path / "vault"
    docs.mkdir()
    for name in ("Ada", "Grace"):
        (docs / f"{name}.md").write_text(f"# {name}\n\n```dataview\nLIST FROM \"\"\n```\n", encoding="utf-8")
    config_file = site_config(tmp_path, docs)
    monkeypatch.setattr(plugin, "FREEZE_MIN_NOTES", 1, raising=False)
    original = mkdocs_build._build_page
    seen: list[tuple[int, int, bool]] = []

    class Node:
        pass

    def build_page(page, config, *args, **kwargs):
        kept = [Node() for _ in range(100)]  # alive across the collection
        cycle = Node()
        cycle.me = cycle  # garbage in a cycle: only the collector frees it
        gone = weakref.ref(cycle)
        del cycle
        before = gc.get_freeze_count()
        gc.collect()
        seen.append((before, gc.get_freeze_count(), gone() is None))
        del kept
        return original(page, config, *args, **kwargs)

    monkeypatch.setattr(mkdocs_build, "_build_page", build_page)
    _one_shot_build(config_file, tmp_path / "site")
    assert seen
    for before, after, collected in seen:
        assert after > before + 100  # what survived the collection is frozen
        assert collected  # and the cycle was not
    assert pipeline._freeze_survivors not in gc.callbacks  # (only while pages render)
    pipeline._thaw_heap()


def test_the_heap_is_left_frozen_at_exit(tmp_path: Path) -> None:
    """After a build, the interpreter's last collection at exit would walk every object still alive
    (4 s of a 10,000-note build) only for the process to end: the plugin leaves the heap frozen at exit
    (pipeline.py, `_freeze_at_exit`) rather than thawing it. A handler registered before the build runs
    after the plugin's own (exit handlers run last registered first) and sees what they left."""
    import subprocess
    import sys

    docs = tmp_path / "vault"
    docs.mkdir()
    (docs / "Ada.md").write_text("# Ada\n\n```dataview\nLIST FROM \"\"\n```\n", encoding="utf-8")
    config_file = site_config(tmp_path, docs)
    script = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen at exit:', gc.get_freeze_count()))\n"
        "from mkdocs.__main__ import cli\n"
        f"sys.argv = ['mkdocs', 'build', '-q', '-f', {str(config_file)!r}, '-d', {str(tmp_path / 'site')!r}]\n"
        "cli()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    frozen = int(result.stdout.rpartition("frozen at exit:")[2])
    assert frozen > 10_000  # (a build's heap; none when the plugin thaws it at exit)
    assert "leaked" not in result.stderr


def test_the_shared_converter_keeps_its_registries_in_order(tmp_path: Path) -> None:
    """The block parser iterates its processors once per block, and a Python-Markdown `Registry` makes
    a new list on every iteration: the build's shared converter keeps the order between changes
    (rendering.py, `KeptOrder`), and a change is seen at the next iteration."""
    from markdown.util import Registry
    from mkdocs.config import load_config
    from mkdocs_vault.mkdocs.rendering import KeptOrder, SharedMarkdown

    docs = tmp_path / "vault"
    docs.mkdir()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(site_config(tmp_path, docs)), site_dir=str(tmp_path / "site"))
    md = SharedMarkdown(config).md
    registries = (md.preprocessors, md.parser.blockprocessors, md.treeprocessors, md.inlinePatterns, md.postprocessors)
    assert all(type(r) is KeptOrder for r in registries)
    blocks = md.parser.blockprocessors
    assert list(blocks) is not None and list(blocks) == list(blocks)  # (kept after the first iteration)
    plain: Registry = Registry()
    for name, item, priority in (("a", "A", 10), ("b", "B", 30), ("c", "C", 20)):
        plain.register(item, name, priority)
    kept = KeptOrder()
    for name, item, priority in (("a", "A", 10), ("b", "B", 30), ("c", "C", 20)):
        kept.register(item, name, priority)
    assert list(kept) == list(plain) == ["B", "C", "A"]
    for registry in (plain, kept):
        registry.register("D", "d", 25)
        registry.deregister("b")
        registry.register("A2", "a", 40)
    assert list(kept) == list(plain) == ["A2", "D", "C"]


def test_the_shared_converter_builds_a_toc_div_only_for_the_toc_marker(tmp_path: Path) -> None:
    """MkDocs reads a page's table of contents from `toc_tokens`; the shared converter writes Python-
    Markdown's HTML of it (and walks the page for the `[TOC]` marker) only when the page's Markdown holds
    the marker (rendering.py, `TocForTokens`). Either way a page renders as MkDocs renders it."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page
    from mkdocs_vault.mkdocs.rendering import SharedMarkdown

    texts = {
        "marked.md": "# Title\n\n[TOC]\n\n## First *part*\n\nText.\n\n### Below\n",
        "inline.md": "# Title\n\nNo marker: [TOC] inside a line.\n\n## First *part*\n\n### Below\n",
        "plain.md": "# Title\n\nNo marker at all.\n\n## First *part*\n\n### Below\n",
    }
    docs = write_vault(tmp_path / "vault", texts)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(site_config(tmp_path, docs)), site_dir=str(tmp_path / "site"))
    shared = SharedMarkdown(config)
    files = Files([File(uri, str(docs), str(tmp_path / "site"), True) for uri in texts])
    for uri, text in texts.items():
        pages = []
        for render in (lambda p: shared.render(p, files), lambda p: Page.render(p, config, files)):
            page = Page(None, files.get_file_from_path(uri), config)
            page.markdown = text
            render(page)
            pages.append(page)
        ours, mkdocs_own = pages
        assert ours.content == mkdocs_own.content
        assert [(t.title, t.id, [c.id for c in t.children]) for t in ours.toc] == [
            (t.title, t.id, [c.id for c in t.children]) for t in mkdocs_own.toc
        ]
        assert ('<div class="toc">' in ours.content) == (uri == "marked.md")
        assert (shared.md.toc == "<div></div>") == (uri == "plain.md")


def test_a_one_shot_build_holds_no_listing_text_while_pages_render(tmp_path: Path, monkeypatch) -> None:
    """`mkdocs build` keeps no generated listing's whole text while the pages render: the listings made
    for the next rebuild are not kept, and a long listing's whole file waits in a folder of its own
    (site.py, `_whole_listing_file`), copied into the site and removed at the end."""
    from mkdocs.commands import build as mkdocs_build
    from mkdocs_vault.mkdocs.site import SiteBuilder

    docs = tmp_path / "vault"
    (docs / "People").mkdir(parents=True)
    for n in range(600):  # a folder listing long enough to be shown in part
        (docs / "People" / f"Person {n:03} of a team with a long name.md").write_text(
            f"---\ntype: person\n---\n- [ ] call person {n} about the long listing\n", encoding="utf-8"
        )
    config_file = site_config(tmp_path, docs)
    wholes: list = []
    listings: list[dict] = []
    make_whole, build_page = SiteBuilder._whole_listing_file, mkdocs_build._build_page

    def whole_listing_file(self, uri, whole):
        wholes.append(make_whole(self, uri, whole))
        return wholes[-1]

    def building_page(page, config, *args, **kwargs):
        listings.append(config.plugins["vault"].site.site_pages.listings)
        return build_page(page, config, *args, **kwargs)

    monkeypatch.setattr(SiteBuilder, "_whole_listing_file", whole_listing_file)
    monkeypatch.setattr(mkdocs_build, "_build_page", building_page)
    _one_shot_build(config_file, tmp_path / "site")
    assert listings and not any(listings)
    for file in wholes:
        assert file._content is None and not os.path.exists(file.abs_src_path)  # (removed at the end)
    site = tmp_path / "site"
    names = {f.dest_uri for f in wholes}
    assert "assets/vault/listings/tasks.html" in names  # the open tasks: 600 of them
    assert "person 599" in read(site, "assets/vault/listings/tasks.html")
    assert "person 599" not in read(site, "tasks/index.html")


def test_a_one_shot_build_keeps_no_rendered_markdown_and_compact_bodies(tmp_path: Path, monkeypatch) -> None:
    """Once a page is rendered, `mkdocs build` keeps no copy of a note's Markdown (rendering.py,
    `remake_markdown`: it is made from the note if read), and the notes' bodies that take 2 or 4 bytes a
    character as strings are kept as UTF-8 while the pages render (vault/model.py, `compact_bodies`).
    Both still read as the same text; a page whose Markdown another plugin changed keeps its own."""
    from mkdocs.commands import build as mkdocs_build
    from mkdocs_vault.mkdocs.rendering import Remade
    from mkdocs_vault.vault.model import Note

    latin = "Crème brûlée à la café. " * 20 + "\n"  # (smaller as a string of Latin-1 than as UTF-8)
    body = "# Plan\n\n- [ ] Call Ada 📅 2026-11-20\n- [x] Book the room ✅ 2026-11-02\n"
    docs = write_vault(
        tmp_path / "vault",
        {"Plan.md": "---\ntype: plan\n---\n" + body, "Plain.md": "# Plain\n\n" + latin, "Ada.md": "# Ada\n"},
    )
    config_file = site_config(tmp_path, docs)
    seen: dict[str, tuple] = {}
    original = mkdocs_build._build_page

    def build_page(page, config, *args, **kwargs):
        notes = config.plugins["vault"].state.vault.notes
        path = config.plugins["vault"].site.note_for(page)
        if path is not None:
            note = notes[path]
            seen[path] = (
                type(page.__dict__["_kept_markdown"]),
                page.markdown,
                type(Note.body.slot.__get__(note)),
                note.body,
            )
        return original(page, config, *args, **kwargs)

    def changing(markdown, *, page, config, files):
        return markdown + "\nAdded.\n" if page.file.src_uri.startswith("ada") else markdown

    monkeypatch.setattr(mkdocs_build, "_build_page", build_page)
    from mkdocs_vault.mkdocs.plugin import VaultPlugin

    monkeypatch.setattr(VaultPlugin, "on_page_markdown", lambda self, markdown, **kw: changing(markdown, **kw))
    _one_shot_build(config_file, tmp_path / "site")
    assert seen["Plan.md"] == (Remade, body, bytes, body)
    assert seen["Plain.md"] == (Remade, "# Plain\n\n" + latin, str, "# Plain\n\n" + latin)
    assert seen["Ada.md"][0] is not Remade and seen["Ada.md"][1] == "# Ada\n\nAdded.\n"
    assert "Call Ada &#x1F4C5; 2026-11-20" in read(tmp_path / "site", "plan/index.html")


def test_a_one_shot_build_releases_the_notes_list_items_once_the_page_objects_exist(tmp_path: Path, monkeypatch) -> None:
    """`mkdocs build` drops the notes' list items once the Dataview page objects are built (pipeline.py,
    `release_list_items`): the page objects hold what queries read of them, and the site's task queries
    still show every task. The page objects cannot be built again from those notes: asking fails
    rather than answering without tasks."""
    import pytest
    from mkdocs.commands import build as mkdocs_build
    from mkdocs_vault.dataview import batch

    docs = write_vault(
        tmp_path / "vault",
        {
            "Plan.md": "# Plan\n\n- [ ] Call Ada [due:: 2026-11-20]\n- [x] Book the room\n- a plain item\n",
            "Tasks.md": "# Tasks\n\n```dataview\nTASK FROM \"Plan\" WHERE !completed\n```\n",
        },
    )
    config_file = site_config(tmp_path, docs)
    held: list[tuple[bool, int]] = []
    original = mkdocs_build._build_page

    def build_page(page, config, *args, **kwargs):
        state = config.plugins["vault"].state
        held.append((state.list_items_released, sum(len(n.list_items) for n in state.vault.notes.values())))
        if len(held) == 1:
            with pytest.raises(RuntimeError):
                batch.pages_for_state(state)
        return original(page, config, *args, **kwargs)

    monkeypatch.setattr(mkdocs_build, "_build_page", build_page)
    _one_shot_build(config_file, tmp_path / "site")
    assert held and all(h == (True, 0) for h in held)
    tasks = read(tmp_path / "site", "tasks/index.html")
    assert "Call Ada" in tasks and "Book the room" not in tasks


def test_a_one_shot_build_holds_the_pages_html_packed_between_its_reads(tmp_path: Path, monkeypatch) -> None:
    """`mkdocs build` of a large vault (`PACK_MIN_NOTES`; lowered here) holds each page's HTML LZ4-packed
    while nothing reads it (rendering.py, `pack`): from the next page's rendering to `on_env`, from
    `on_env` to its template, and from its template to the end of the build. Every read gives the same
    text, and the site shows it. Below `PACK_MIN_NOTES` nothing is packed."""
    from mkdocs.commands import build as mkdocs_build
    from mkdocs_vault.mkdocs import site as site_module
    from mkdocs_vault.mkdocs.rendering import PACK_MIN, Packed

    long_text = "".join(f"Paragraph {n} about the café and the 📅 calendar.\n\n" for n in range(80))
    docs = write_vault(
        tmp_path / "vault",
        {"Long.md": "# Long\n\n" + long_text, "Plain.md": "# Plain\n\n" + "Plain words here. " * 200, "Short.md": "# Short\n"},
    )
    config_file = site_config(tmp_path, docs)
    kinds: dict[str, list[type]] = {}
    original = mkdocs_build._build_page

    def build_page(page, config, *args, **kwargs):
        if page.file.src_uri != "index.md":
            kinds[page.file.src_uri] = [type(page.__dict__.get("_kept_content"))]
            original(page, config, *args, **kwargs)
            kinds[page.file.src_uri].append(type(page.__dict__.get("_kept_content")))
            return None
        return original(page, config, *args, **kwargs)

    monkeypatch.setattr(mkdocs_build, "_build_page", build_page)
    _one_shot_build(config_file, tmp_path / "unpacked")
    assert kinds["long/index.md"][0] is not Packed and kinds["long/index.md"][1] is not Packed
    monkeypatch.setattr(site_module, "PACK_MIN_NOTES", 3)
    _one_shot_build(config_file, tmp_path / "site")
    assert kinds["long/index.md"] == [Packed, Packed]
    assert kinds["plain/index.md"] == [Packed, Packed]
    assert kinds["short/index.md"][1] is not Packed  # (under PACK_MIN bytes: kept as it is)
    assert len("Plain words here. " * 200) > PACK_MIN
    site = tmp_path / "site"
    assert "Paragraph 79 about the café and the &#x1F4C5; calendar." in read(site, "long/index.html")
    assert read(site, "plain/index.html").count("Plain words here.") == 200
    assert read(site, "long/index.html") == read(tmp_path / "unpacked", "long/index.html")


def test_packed_html_reads_as_the_same_text() -> None:
    """A packed page's `content` is the text it held, ASCII or not, read once or twice; setting it again
    stores the new text."""
    from mkdocs.structure.files import File
    from mkdocs_vault.mkdocs.rendering import Packed, VaultPage, pack

    file = File("a.md", "/tmp", "/tmp/site", True)
    page = VaultPage.__new__(VaultPage)
    page.file = file
    for text in ("<p>" + "plain ascii " * 400 + "</p>", "<p>" + "café 📅 " * 600 + "</p>"):
        page.content = text
        pack(page)
        assert isinstance(page.__dict__["_kept_content"], Packed)
        assert page.content == text and page.content == text
        pack(page, text)  # (packed already: nothing changes)
        assert page.content == text
        page.content = text + "<p>more</p>"
        assert page.content == text + "<p>more</p>"


def test_a_one_shot_build_writes_materials_search_index_itself_byte_for_byte(tmp_path: Path, monkeypatch) -> None:
    """`mkdocs build` writes Material's search index a few hundred entries at a time (searchview.py,
    `write_search_index`) rather than letting Material make its whole text twice at the build's end: the
    same bytes as Material's `generate_search_index`, which does not run."""
    from material.plugins.search import plugin as material_search
    from mkdocs.commands import build as mkdocs_build

    files = {f"People/Person {n}.md": f"# Person {n}\n\nWorks on the café 📅 rota; 'quoted' \"text\" \\ {n}.\n" for n in range(1200)}
    docs = write_vault(tmp_path / "vault", files)
    config_file = site_config(tmp_path, docs)
    calls: list[int] = []
    generate = material_search.SearchIndex.generate_search_index
    monkeypatch.setattr(
        material_search.SearchIndex, "generate_search_index", lambda self, prev: calls.append(1) or generate(self, prev)
    )
    plugins: list = []
    original = mkdocs_build._build_page

    def build_page(page, config, *args, **kwargs):
        plugins.append(config.plugins["material/search"] if "material/search" in config.plugins else config.plugins["search"])
        return original(page, config, *args, **kwargs)

    monkeypatch.setattr(mkdocs_build, "_build_page", build_page)
    _one_shot_build(config_file, tmp_path / "site")
    assert calls == []
    index = plugins[0].search_index
    assert len(index.entries) >= 1200
    written = (tmp_path / "site" / "search" / "search_index.json").read_bytes()
    assert written == generate(index, None).encode("utf-8")


def test_the_search_index_in_pieces_is_json_dumps_of_the_whole() -> None:
    import json

    from mkdocs_vault.mkdocs.searchindex import write_search_index

    entries = [{"location": f"p{n}/", "title": f"Pé {n} 📅", "text": f"<b>{n}</b> \"q\"", "n": n} for n in range(1234)]
    config = {"lang": ["en"], "separator": "[\\s\\-]+", "pipeline": ["stopWordFilter"], "fields": {"title": {"boost": 1e3}}}
    import tempfile

    for some in (entries, entries[:1], [], [{"when": __import__("datetime").date(2026, 11, 20)}]):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "search", "search_index.json")
            write_search_index(path, config, some)
            expected = json.dumps({"config": config, "docs": some}, separators=(",", ":"), default=str)
            assert Path(path).read_bytes() == expected.encode("utf-8")


def test_a_one_shot_build_gives_free_memory_back_before_and_after_the_pages_render(tmp_path: Path, monkeypatch) -> None:
    """`mkdocs build` hands the C allocator's free pages back to the system (pipeline.py,
    `give_back_free_memory`) as the pages start rendering and once `on_env` has dropped the page objects
    and the first HTML; on glibc that is `malloc_trim`."""
    import sys

    from mkdocs_vault import pipeline
    from mkdocs_vault.mkdocs import site as site_module

    calls: list[int] = []
    monkeypatch.setattr(site_module, "give_back_free_memory", lambda: calls.append(1))
    docs = write_vault(tmp_path / "vault", {"A.md": "# A\n\n[[B]]\n", "B.md": "# B\n"})
    _one_shot_build(site_config(tmp_path, docs), tmp_path / "site")
    assert len(calls) == 2
    pipeline.give_back_free_memory()
    if sys.platform == "linux" and "glibc" in " ".join(__import__("platform").libc_ver()):
        assert pipeline._malloc_trim
