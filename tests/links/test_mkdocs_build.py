"""The links and Markdown extensions inside a real MkDocs + Material build, wired by a small hooks
file the way the plugin wires them: every internal href of the built site points at a file that
exists, and every `#fragment` at an id in that file."""

from __future__ import annotations

import html.parser
import os
import posixpath
import textwrap
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

HOOKS = textwrap.dedent(
    """
    import os
    from mkdocs_vault.links.extension import LinkContext, fix_links
    from mkdocs_vault.links.resolve import LinkResolver
    from mkdocs_vault.markdown.site_config import build_markdown, markdown_config
    from mkdocs_vault.vault.model import Note

    state = {}

    def on_config(config):
        docs = config.docs_dir
        paths = []
        for root, _, names in os.walk(docs):
            for name in names:
                paths.append(os.path.relpath(os.path.join(root, name), docs).replace(os.sep, "/"))
        notes = {}
        for p in paths:
            if p.endswith(".md"):
                text = open(os.path.join(docs, p), encoding="utf-8").read()
                notes[p] = Note(path=p, body=text)
        urls = {}
        unpublished = {"Private/Secret.md"}
        ctx = LinkContext(
            LinkResolver(paths),
            url_of=lambda p: urls.get(p) if p not in unpublished else None,
            is_published=lambda p: p not in unpublished,
            get_note=lambda p: notes.get(p) if p not in unpublished else None,
            report=lambda *a: state["reports"].append(a),
        )
        md_config = markdown_config(link_context=ctx, tag_url=lambda t: "tags/")
        ctx.markdown_factory = lambda: build_markdown(md_config)
        config.markdown_extensions.extend(md_config.extensions)
        config.mdx_configs.update(md_config.configs)
        state.update(ctx=ctx, urls=urls, notes=notes, reports=[], unpublished=unpublished)
        return config

    def on_files(files, config):
        for f in list(files):
            if f.src_uri in state["unpublished"]:
                files.remove(f)
            else:
                state["urls"][f.src_uri] = f.url
        return files

    def on_page_markdown(markdown, page, config, files):
        state["ctx"].begin_page(page.file.src_uri, markdown, 0)
        return markdown

    def on_env(env, config, files):
        for f in files.documentation_pages():
            if f.page is not None and f.page.content is not None:
                f.page.content = fix_links(f.page.content, f.src_uri, state["ctx"])
        return env
    """
)

NOTES = {
    "index.md": "# Home\n\nSee [[Ada Quill]], [[Ada Quill#Contact details|contact]], [[Apollo (draft)#Q&A: what's next?]], "
    "[[2025-10-06 - Kickoff, pricing & scope#Decisions]], [[#Local]], [[Secret|a secret]], [[Nowhere]].\n\n"
    "![[diagram.png|200]] ![[Ada Quill#Contact details]]\n\n[md](People/Ada%20Quill.md#Contact%20details) #topic\n\n"
    "## Local\n\nBlock ^blk\n",
    "People/Ada Quill.md": "# Ada Quill\n\n## Contact details\n\nBack to [[index|home]] and [[index#^blk]].\n",
    "Projects/Apollo (draft).md": "# Apollo\n\n## Q&A: what's next?\n\n## Q&A: what's next?\n\n![[spec.pdf]]\n",
    "Meetings/2025-10-06 - Kickoff, pricing & scope.md": "# Kickoff\n\n## Decisions\n\n![[Apollo (draft)]]\n",
    "Private/Secret.md": "CANARY-SECRET",
    "tags.md": "# Tags\n",
}


class Collector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if a.get("name"):
            self.ids.add(a["name"] or "")
        for key in ("href", "src", "data"):
            if a.get(key) and tag in ("a", "img", "iframe", "audio", "video", "object", "source"):
                self.links.append(a[key] or "")


def parse(path: Path) -> Collector:
    c = Collector()
    c.feed(path.read_text(encoding="utf-8"))
    return c


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = tmp_path_factory.mktemp("site")
    docs = root / "docs"
    for rel, text in NOTES.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
    (docs / "Attachments").mkdir()
    (docs / "Attachments" / "diagram.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (docs / "Files").mkdir()
    (docs / "Files" / "spec.pdf").write_bytes(b"%PDF-1.4\n")
    (root / "hooks.py").write_text(HOOKS, encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Test\nsite_url: https://example.com/sub/path/\ntheme:\n  name: material\n  font: false\n"
        "hooks:\n  - hooks.py\nplugins: []\n",
        encoding="utf-8",
    )
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(root / "mkdocs.yml"))
    build(config)
    return root / "site"


def test_every_internal_link_and_fragment_exists(built_site: Path) -> None:
    checked = 0
    for page in built_site.rglob("*.html"):
        if page.name == "404.html":
            continue  # served from any depth, so MkDocs writes absolute links there
        rel_dir = posixpath.dirname(page.relative_to(built_site).as_posix())
        for link in parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("data:", "mailto:")):
                continue
            target_rel = (
                posixpath.normpath(posixpath.join(rel_dir, unquote(parts.path)))
                if parts.path
                else page.relative_to(built_site).as_posix()
            )
            target = built_site / target_rel
            if target.is_dir() or link.endswith("/"):
                target = target / "index.html"
            assert target.exists(), f"{page}: {link} -> {target}"
            if parts.fragment and target.suffix == ".html":
                assert unquote(parts.fragment) in parse(target).ids, f"{page}: {link}"
            checked += 1
    assert checked > 20


def test_content_of_home(built_site: Path) -> None:
    page = (built_site / "index.html").read_text(encoding="utf-8")
    assert '<a class="vault-link" href="People/Ada%20Quill/#contact-details">contact</a>' in page
    assert "<vault-link" not in page and "data-vault" not in page
    assert "a secret" in page and "CANARY" not in page
    assert "vault-unresolved" in page
    assert 'id="^blk"' in page


def test_no_canary_anywhere(built_site: Path) -> None:
    for path in built_site.rglob("*"):
        if path.is_file():
            assert b"CANARY" not in path.read_bytes(), path
