"""Leaks a hostile vault tried (issue 15): every case hides a canary, and after one real build a scan of
every file under site/ (file names too, .gz decompressed) finds none of them. Beside each canary sits a
public marker that must be found, so each channel is known to exist and the scan is known to work."""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path

import pytest

from tests.conftest import build_site, site_config, write_vault

BIG = 1_000_100  # characters: more than the loader's cap on a note (1,000,000)

QUERIES = (
    "# Home\n\n"
    '```dataview\nTASK FROM ""\n```\n\n'
    '```dataview\nLIST L.text FROM "" FLATTEN file.lists AS L\n```\n\n'
    '```dataview\nTABLE file.lists.text, file.tasks.text FROM ""\n```\n\n'
    '```dataview\nTABLE file.outlinks, file.inlinks, file.frontmatter, file.tags FROM ""\n```\n'
)

# case -> (files, canaries that must be nowhere, public markers that must be somewhere)
CASES: dict[str, tuple[dict[str, str | bytes], tuple[str, ...], tuple[str, ...]]] = {
    "frontmatter over the size cap": (
        {
            "Huge secret.md": "---\npublish: false\nsalary: canary-huge-salary\npad: "
            + "x" * BIG
            + "\n---\ncanary-huge-body\n",
        },
        ("canary-huge-salary", "canary-huge-body"),
        (),
    ),
    "frontmatter under the cap, body over it": (
        {"Long body.md": "---\npublish: false\n---\ncanary-long-body\n" + ("words " * 20 + "\n") * 9000},
        ("canary-long-body",),
        (),
    ),
    "Publish in another case": (
        {"Cased key.md": "---\nPublish: false\n---\ncanary-cased-key\n"},
        ("canary-cased-key",),
        (),
    ),
    "publish as quoted text": (
        {"Quoted false.md": '---\npublish: "false"\n---\ncanary-quoted-false\n'},
        ("canary-quoted-false",),
        (),
    ),
    "publish: off": ({"Off.md": "---\npublish: off\n---\ncanary-publish-off\n"}, ("canary-publish-off",), ()),
    "publish: 0": ({"Zero.md": "---\npublish: 0\n---\ncanary-publish-zero\n"}, ("canary-publish-zero",), ()),
    "invalid YAML that says publish: no": (
        {"Broken held.md": "---\npublish: no\nnote: [unclosed\n---\ncanary-broken-held\n"},
        ("canary-broken-held",),
        (),
    ),
    "private fields on list items and tasks": (
        {
            "Tasks.md": "- [ ] pay visible-task-text [salary:: canary-task-salary]\n"
            "- visible-item-text (rate:: canary-item-rate)\n"
            "- salary:: canary-whole-item\n"
            "- [ ] another visible-second-task\n\n"
            "> [!note] A callout\n> - [ ] visible-callout-task [salary:: canary-callout-salary]\n"
            "> - rate:: canary-callout-item\n",
        },
        (
            "canary-task-salary", "canary-item-rate", "canary-whole-item", "canary-callout-salary",
            "canary-callout-item",
        ),
        ("visible-task-text", "visible-item-text", "visible-second-task", "visible-callout-task"),
    ),
    "what a private field's value holds": (
        {
            "Holder.md": "---\nsalary: \"[[Only private target|canary-fm-display]]\"\n---\n"
            "Paragraph visible-holder-text #visible-public-tag.\n\n"
            "rate:: [[Only private target|canary-inline-display]] #canary-private-tag "
            "![[canary-private-attachment.png]]\n\n"
            "- [ ] task visible-holder-task [rate:: [[Only private target|canary-task-display]] "
            "#canary-task-tag]\n",
            "Only private target.md": "Target visible-target-text.\n",
            "Assets/canary-private-attachment.png": b"\x89PNG\r\n\x1a\ncanary-private-attachment-bytes",
        },
        (
            "canary-fm-display", "canary-inline-display", "canary-private-tag", "canary-private-attachment",
            "canary-task-display", "canary-task-tag",
        ),
        ("visible-holder-text", "visible-holder-task", "visible-target-text"),
    ),
    "nested private keys": (
        {
            "Nested.md": "---\nstatus: visible-nested-status\ncomp:\n  salary: canary-nested-salary\n"
            "  band: visible-nested-band\nhistory:\n  - rate: canary-history-rate\n"
            "    year: visible-history-year\n---\nBody.\n",
        },
        ("canary-nested-salary", "canary-history-rate"),
        ("visible-nested-status", "visible-nested-band", "visible-history-year"),
    ),
    "symbolic link to an excluded note": (
        {"Drafts/Excluded target.md": "canary-symlinked-excluded\n", "Public.md": "visible-public-note\n"},
        ("canary-symlinked-excluded",),
        ("visible-public-note",),
    ),
    "HTML comments": (
        {
            "Commented.md": "Text visible-comment-text <!-- canary-inline-html ![[canary-html-attachment.png]] -->"
            " and on.\n\n<!--\ncanary-block-html [[Commented]] #canary-html-tag\n\n"
            "- [ ] canary-html-task\n-->\n\n- [ ] visible-after-comment <!-- canary-task-comment -->\n",
            "Assets/canary-html-attachment.png": b"\x89PNG\r\n\x1a\ncanary-html-attachment-bytes",
        },
        ("canary-inline-html", "canary-html-attachment", "canary-block-html", "canary-html-tag",
         "canary-html-task", "canary-task-comment"),
        ("visible-comment-text", "visible-after-comment"),
    ),
}
SYMLINKS = {"Linked in.md": "Drafts/Excluded target.md"}
OPTIONS = "      private_keys: [salary, rate]\n      exclude: [Drafts/]\n      today: '2026-01-10'\n      timezone: UTC"


def hostile_vault() -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {"index.md": QUERIES}
    for case_files, _canaries, _markers in CASES.values():
        files.update(case_files)
    return files


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("hostile")
    vault = write_vault(root / "vault", hostile_vault())
    for link, target in SYMLINKS.items():
        os.symlink(vault / target, vault / link)
    config = site_config(root, vault, OPTIONS)
    with config.open("a", encoding="utf-8") as fh:
        fh.write("site_url: https://example.org/wiki/\n")
    result = build_site(config, root / "site", env={"SOURCE_DATE_EPOCH": "1795000000"})
    assert result.returncode == 0, result.stderr[-3000:]
    return root / "site", result.stderr


def found_in_site(site: Path, needles: tuple[str, ...]) -> list[tuple[str, str]]:
    """(file, needle) for every needle in a file name or content under `site` (.gz decompressed)."""
    found = []
    needles = tuple(n.lower() for n in needles)
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        found += [(rel, n) for n in needles if n in rel.lower()]
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            text = data.decode("utf-8", errors="replace").lower()
            found += [(rel, n) for n in needles if n in text]
    return found


@pytest.mark.parametrize("case", list(CASES))
def test_no_canary_of_the_case_anywhere_under_site(hostile_build, case: str) -> None:
    site, _stderr = hostile_build
    _files, canaries, markers = CASES[case]
    assert found_in_site(site, canaries) == []
    # The public text beside each canary does go out: the channels the scan looks at exist.
    for marker in markers:
        assert found_in_site(site, (marker,)), marker


def test_the_scan_finds_what_is_there(hostile_build) -> None:
    """The check can fail: the scan reports text of a page, of the search index and of a .gz file."""
    site, _stderr = hostile_build
    hits = {rel for rel, _needle in found_in_site(site, ("visible-task-text",))}
    assert "index.html" in hits and "search/search_index.json" in hits
    assert found_in_site(site, ("only-private-target",))  # a file name (its page's folder)
    assert any(rel == "sitemap.xml.gz" for rel, _n in found_in_site(site, ("example.org/wiki/tasks/",)))


def test_query_channels_show_the_public_part_of_the_items(hostile_build) -> None:
    site, _stderr = hostile_build
    home = (site / "index.html").read_text(encoding="utf-8")
    # TASK, FLATTEN file.lists -> L.text, file.lists.text and file.tasks.text each list the items.
    assert home.count("visible-task-text") >= 4, home.count("visible-task-text")
    assert home.count("visible-item-text") >= 2


def test_a_link_in_a_private_value_is_no_edge_anywhere(hostile_build) -> None:
    site, _stderr = hostile_build
    graph = json.loads((site / "assets/vault/graph.json").read_text(encoding="utf-8"))
    titles = [node["t"] for node in graph["nodes"]]
    holder, target = titles.index("Holder"), titles.index("Only private target")
    assert [holder, target] not in graph["links"] and [target, holder] not in graph["links"]
    page = (site / "only-private-target/index.html").read_text(encoding="utf-8")
    assert "Linked mentions" not in page and "holder/" not in page
    home = (site / "index.html").read_text(encoding="utf-8")
    # In the file.outlinks / file.inlinks table: Holder's row names no target, the target's row no Holder.
    [table] = [t for t in re.findall(r"<table.*?</table>", home, re.DOTALL) if "<span>file.inlinks</span>" in t]
    rows = re.findall(r"<tr>(?:(?!</tr>).)*</tr>", table, re.DOTALL)
    holder_row = [r for r in rows if 'href="holder/">Holder<' in r]
    target_row = [r for r in rows if 'href="only-private-target/">Only private target<' in r]
    assert holder_row and "only-private-target" not in holder_row[0]
    assert target_row and "holder/" not in target_row[0]


def test_a_private_tag_has_no_tag_page_and_no_sitemap_entry(hostile_build) -> None:
    site, _stderr = hostile_build
    assert not (site / "tags/canary-private-tag").exists()
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "tags/visible-public-tag/" in sitemap and "canary" not in sitemap


WARNED = {
    "Cased key.md": "Publish",
    "Quoted false.md": "publish",
    "Off.md": "publish",
    "Zero.md": "publish",
    "Broken held.md": "publish",
    "Huge secret.md": "",
    "Linked in.md": "Drafts/Excluded target.md",
}


@pytest.mark.parametrize("path", list(WARNED))
def test_each_held_back_doubt_is_a_warning_naming_the_file(hostile_build, path: str) -> None:
    _site, stderr = hostile_build
    lines = [line for line in stderr.splitlines() if line.startswith("WARNING") and f" {path}:" in line]
    assert lines, stderr[-3000:]
    assert WARNED[path] in lines[0]
