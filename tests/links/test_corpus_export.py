"""The obsidian-export test vaults: every link Obsidian resolves resolves here, and embeds carry the
content that project's expected export shows.

Each folder of `input/` is its own vault. Pages are rendered with the full site extension list and
URLs equal to vault paths, so a rendered href reads like the expected export's Markdown link targets
(relative to the note's folder) and the two can be compared directly.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest
from mkdocs_vault.links.extension import LinkContext, fix_links
from mkdocs_vault.links.resolve import LinkResolver
from mkdocs_vault.markdown.site_config import build_markdown, markdown_config
from mkdocs_vault.vault.loader import load_vault

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "obsidian-export-testdata"
VAULTS = sorted(p.name for p in (CORPUS / "input").iterdir()) if CORPUS.exists() else []

# Links that Obsidian cannot resolve either: their targets are not in the vault.
KNOWN_UNRESOLVED = {
    ("main-samples", "embeds.md", "non-existing note"),
    ("main-samples", "pure-markdown-examples.md", "link-location.md"),
}
# Export runs whose expected output is not what Obsidian shows: a single file exported alone (its
# links had nowhere to go) and custom post-processors that rewrite words.
NOT_COMPARABLE = {"single-file", "postprocessors", "filter-by-tags"}

pytestmark = pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpora not present")


class Built:
    def __init__(self, name: str) -> None:
        self.name = name
        vault = load_vault(CORPUS / "input" / name)
        self.vault = vault
        self.reports: list[tuple[str, int, str, str]] = []
        self.ctx = LinkContext(
            LinkResolver(
                list(vault.notes) + list(vault.attachments), {p: n.aliases for p, n in vault.notes.items()}
            ),
            url_of=lambda p: p,
            is_published=lambda p: True,
            get_note=vault.notes.get,
            report=lambda *a: self.reports.append(a),
        )
        config = markdown_config(link_context=self.ctx)
        self.ctx.markdown_factory = lambda: build_markdown(config)
        raw = {}
        for path, note in vault.notes.items():
            self.ctx.begin_page(path, note.body, note.body_line)
            raw[path] = build_markdown(config).convert(note.body)
        self.pages = {path: fix_links(out, path, self.ctx) for path, out in raw.items()}


_built: dict[str, Built] = {}


def built(name: str) -> Built:
    if name not in _built:
        _built[name] = Built(name)
    return _built[name]


def _plain(text: str) -> str:
    return re.sub(r"[*~\\]", "", html.unescape(re.sub(r"<[^>]+>", "", text))).strip()


def expected_links(text: str, note_path: str) -> Counter[tuple[str, str]]:
    """(shown text, target) of each Markdown link in an expected export whose target exists."""
    folder = Path(note_path).parent
    out: Counter[tuple[str, str]] = Counter()
    for shown, href in re.findall(r"(?<!!)\[([^\]\n]*)\]\(([^)\s]+)\)", text):
        path, _, fragment = unquote(href).partition("#")
        return_path = (folder / path).as_posix()
        out[(_plain(shown), f"{return_path}#{fragment.lstrip('^')}" if fragment else return_path)] += 1
    return out


def our_links(page: str, note_path: str) -> Counter[tuple[str, str]]:
    folder = Path(note_path).parent
    out: Counter[tuple[str, str]] = Counter()
    for href, shown in re.findall(r'<a class="vault-link" href="([^"]*)">(.*?)</a>', page, re.DOTALL):
        if shown == "↗":
            continue
        path, _, fragment = unquote(html.unescape(href)).partition("#")
        target = note_path if not path else (folder / path).as_posix()
        target = re.sub(r"(^|/)[^/]+/\.\./", r"\1", target)
        out[(_plain(shown), f"{target}#{fragment.lstrip('^')}" if fragment else target)] += 1
    return out


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def page_words(page: str) -> list[str]:
    page = re.sub(r"<script.*?</script>", " ", page, flags=re.DOTALL)
    return words(html.unescape(re.sub(r"<[^>]+>", " ", page)))


def is_subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(w == b for b in it) for w in small)


@pytest.mark.parametrize("name", VAULTS)
def test_every_resolvable_link_resolves(name: str) -> None:
    b = built(name)
    unresolved = {
        (name, r[0], r[3].split("link ", 1)[1].split(":")[0]) for r in b.reports if r[2] == "unresolved-link"
    }
    cleaned = set()
    for vault, path, raw in unresolved:
        m = re.match(r"!?\[\[(.*)\]\]$", raw) or re.match(r"\[.*\]\((.*)\)$", raw)
        cleaned.add((vault, path, m.group(1) if m else raw))
    assert cleaned <= KNOWN_UNRESOLVED
    for vault, path, target in cleaned:
        assert b.ctx.resolver.resolve(target, path).path is None
        assert not any(Path(p).stem.lower() == Path(target).stem.lower() for p in b.vault.notes)


@pytest.mark.parametrize("name", [v for v in VAULTS if v not in NOT_COMPARABLE])
def test_links_match_expected_export(name: str) -> None:
    b = built(name)
    inputs = {p.lower() for p in list(b.vault.notes) + list(b.vault.attachments)}
    compared = 0
    for path, page in sorted(b.pages.items()):
        expected_file = CORPUS / "expected" / name / path
        if not expected_file.exists():
            continue
        want = Counter(
            {
                k: v
                for k, v in expected_links(expected_file.read_text(), path).items()
                if k[1].split("#")[0].lower() in inputs
            }
        )
        # Attachments the export linked (a PDF) are embedded here, not linked.
        want = Counter({k: v for k, v in want.items() if not k[1].endswith((".pdf", ".png", ".svg"))})
        got = our_links(page, path)
        # Our block anchors keep Obsidian's caret; the export drops it. Missing blocks link to the page.
        got_cmp = Counter({(t, h): n for (t, h), n in got.items()})
        for (shown, target), count in want.items():
            page_only = target.split("#")[0]
            assert got_cmp[(shown, target)] + got_cmp[(shown, page_only)] >= count, (path, shown, target, got)
            compared += count
    assert compared or name in ("infinite-recursion",)


EMBEDS = [
    ("main-samples", "embeds.md"),
    ("main-samples", "embeds-note-in-subdir.md"),
    ("main-samples", "embeds-partial-note.md"),
    ("non-ascii", "Embed.md"),
    ("same-filename-different-directories", "Note.md"),
    ("infinite-recursion", "Note A.md"),
]


@pytest.mark.parametrize(("name", "path"), EMBEDS)
def test_embeds_carry_expected_content(name: str, path: str) -> None:
    b = built(name)
    expected = (CORPUS / "expected" / name / path).read_text()
    # Image and PDF embeds (exported as Markdown images and links) are checked as elements below.
    expected = re.sub(r"!?\[[^\]\n]*\]\([^)\n]*\.(?:png|svg|pdf)\)", "", expected)
    expected = re.sub(r"\]\([^)]*\)", "]", expected)
    assert is_subsequence(words(expected), page_words(b.pages[path]))


def test_section_embed_has_only_its_section() -> None:
    page = built("main-samples").pages["embeds-partial-note.md"]
    content = re.search(
        r'<div class="vault-embed-content">(.*?)</div>\n<div class="vault-embed-link">', page, re.DOTALL
    )
    assert content
    assert page_words(content.group(1)) == [
        "Heading",
        "Second",
        "paragraph",
        "Subheading",
        "One",
        "Two",
        "Three",
    ]


def test_embed_cycle_stops_with_notice() -> None:
    b = built("infinite-recursion")
    for path in ("Note A.md", "Note B.md", "Note C.md"):
        assert b.pages[path].count("Embed stopped") == 1
    assert {r[2] for r in b.reports} == {"embed-cycle"}


def test_media_embeds_point_at_attachments() -> None:
    page = built("main-samples").pages["embeds.md"]
    assert '<img alt="white.png" src="white.png" loading="lazy" />' in page
    assert '<img alt="bulb.svg" src="bulb.svg" loading="lazy" />' in page
    assert 'src="note.pdf"' in page and "<iframe" in page
    assert '<img alt="image, not embed" src="white.png" />' in page
    # the invalid forms stay as written
    assert "![[Not a valid embed.]" in page and "![[Partial embed" in page
    # the embed inside a blockquote is rendered too
    assert re.search(r"<blockquote>\s*<div class=\"vault-embed\"", page)


def test_code_keeps_wikilinks_verbatim() -> None:
    page = built("main-samples").pages["obsidian-wikilinks.md"]
    assert "<code>[[pure-markdown-examples]]</code>" in page
    assert "Within a code block:\n[[pure-markdown-examples]]" in page
    assert "[[unclosed link" in page
