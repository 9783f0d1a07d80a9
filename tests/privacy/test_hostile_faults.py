"""Files a hostile vault used to crash or hang a whole build (issue 15): each one now finishes, with a
warning naming the file, and the rest of the site is built. Every build runs under a generous timeout
(pytest-timeout), never a timing assertion; each prints how long it took."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import build_site, site_config, write_vault

OPTIONS = "      today: '2026-01-10'\n      timezone: UTC"
CONTROL = {"index.md": "# Home\n\nSee [[Ordinary]] and ![[kept.png]].\n", "Ordinary.md": "An ordinary note.\n"}
KEPT_PNG = b"\x89PNG\r\n\x1a\nkept"

# A hook that runs inside the real build after the plugin chose the files to copy (MkDocs runs hooks as
# plugins): it removes one published attachment, as a sync client or an editor might at that moment.
VANISH_HOOK = """
from pathlib import Path
from mkdocs.plugins import event_priority

@event_priority(-100)
def on_env(env, config, files):
    Path({vault!r}, "Assets", "vanishing.png").unlink()
"""


def timed_build(root: Path, vault: Path, extra_config: str = "") -> tuple[Path, str, int]:
    config = site_config(root, vault, OPTIONS)
    if extra_config:
        with config.open("a", encoding="utf-8") as fh:
            fh.write(extra_config)
    site = root / "site"
    start = time.perf_counter()
    result = build_site(config, site, env={"SOURCE_DATE_EPOCH": "1795000000"})
    print(f"{root.name}: build took {time.perf_counter() - start:.2f} s")
    return site, result.stderr, result.returncode


def warnings_naming(stderr: str, path: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("WARNING") and f" {path}:" in line]


def assert_control_pages(site: Path) -> None:
    assert "An ordinary note." in (site / "ordinary/index.html").read_text(encoding="utf-8")
    assert (site / "kept.png").read_bytes() == KEPT_PNG


@pytest.mark.timeout(600)
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_named_like_a_note_is_skipped(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", {**CONTROL, "kept.png": KEPT_PNG})
    os.mkfifo(vault / "Pipe.md")
    os.mkfifo(vault / "pipe.png")
    (vault / "index.md").write_text("# Home\n\n[[Ordinary]] ![[kept.png]] [[Pipe]] ![[pipe.png]]\n", encoding="utf-8")
    site, stderr, code = timed_build(tmp_path, vault)
    assert code == 0, stderr[-3000:]
    for name in ("Pipe.md", "pipe.png"):
        [line] = warnings_naming(stderr, name)
        assert "not a regular file" in line
    assert not (site / "pipe").exists() and not (site / "pipe.png").exists()
    assert_control_pages(site)


@pytest.mark.timeout(600)
def test_a_file_name_that_is_not_utf8_is_skipped_with_a_warning(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", {**CONTROL, "kept.png": KEPT_PNG})
    raw_root = os.fsencode(vault)
    for name in (b"Caf\xe9 latin.md", b"Folder \xff/Inside.md", b"pic\xe9.png"):
        path = os.path.join(raw_root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(b"Text in a file whose name is not UTF-8.\n")
    site, stderr, code = timed_build(tmp_path, vault)
    assert code == 0, stderr[-3000:]
    assert "Traceback" not in stderr
    for shown in ("Caf\ufffd latin.md", "Folder \ufffd", "pic\ufffd.png"):
        [line] = warnings_naming(stderr, shown)
        assert "not valid UTF-8" in line
    assert_control_pages(site)


@pytest.mark.timeout(600)
def test_an_attachment_gone_before_the_copy_is_a_warning(tmp_path: Path) -> None:
    files = {**CONTROL, "kept.png": KEPT_PNG, "Assets/vanishing.png": b"\x89PNG\r\n\x1a\ngone"}
    files["Ordinary.md"] = "An ordinary note. ![[vanishing.png]]\n"
    vault = write_vault(tmp_path / "vault", files)
    (tmp_path / "vanish_hook.py").write_text(VANISH_HOOK.format(vault=str(vault)), encoding="utf-8")
    site, stderr, code = timed_build(tmp_path, vault, f"hooks:\n  - {tmp_path / 'vanish_hook.py'}\n")
    assert not (vault / "Assets/vanishing.png").exists()  # the hook ran inside the build
    assert code == 0, stderr[-3000:]
    [line] = warnings_naming(stderr, "Assets/vanishing.png")
    assert "not published" in line
    assert_control_pages(site)


LONG = "Long " * 60  # 300 characters
ALIAS = "Other " * 50
DOTTED = "\u0130" * 110  # 220 bytes; lower-cased, each İ becomes i + a combining dot (3 bytes): 330


def shortened(slug: str) -> str:
    """The README's rule: a slug over 240 bytes keeps its beginning, then `-` and 10 hex digits of the
    SHA-1 of the whole slug (240 bytes in all)."""
    digest = hashlib.sha1(slug.encode("utf-8")).hexdigest()[:10]
    return slug.encode("utf-8")[:229].decode("utf-8", "ignore").rstrip("-") + "-" + digest


@pytest.mark.timeout(600)
def test_names_longer_than_the_file_system_allows_are_shortened_with_a_hash(tmp_path: Path) -> None:
    files = {
        **CONTROL,
        "kept.png": KEPT_PNG,
        "Aliased.md": f"---\naliases: [{ALIAS.strip()}]\n---\nAliased.\n",
        "Typed.md": f"---\ntype: {LONG.strip()}\n---\nTyped.\n",
        "Pinned.md": f"---\npermalink: {LONG.strip()}\n---\nPinned.\n",
        f"{DOTTED}.md": "Dotted.\n",
        f"Assets/{DOTTED}.png": b"\x89PNG\r\n\x1a\ndotted",
    }
    files["Ordinary.md"] = f"An ordinary note. ![[{DOTTED}.png]]\n"
    vault = write_vault(tmp_path / "vault", files)
    site, stderr, code = timed_build(tmp_path, vault)
    assert code == 0, stderr[-3000:]
    long_slug = "-".join(["long"] * 60)
    dotted_slug = "i\u0307" * 110
    assert (site / shortened(long_slug) / "index.html").exists()  # the permalink
    redirect = site / shortened("-".join(["other"] * 50)) / "index.html"  # the alias's redirect
    assert "aliased/" in redirect.read_text(encoding="utf-8")
    assert (site / "directory" / shortened(long_slug) / "index.html").exists()  # the type's page
    assert (site / shortened(dotted_slug) / "index.html").exists()
    attachments = [p.name for p in (site / "assets").iterdir() if p.suffix == ".png"]
    assert len(attachments) == 1 and len(attachments[0].encode("utf-8")) <= 240
    for path in ("Aliased.md", "Typed.md", "Pinned.md", f"{DOTTED}.md", f"Assets/{DOTTED}.png"):
        [line] = warnings_naming(stderr, path)
        assert "shortened" in line
    assert_control_pages(site)


@pytest.mark.timeout(600)
def test_a_vault_file_never_replaces_a_file_of_the_site(tmp_path: Path) -> None:
    files = {
        **CONTROL,
        "kept.png": KEPT_PNG,
        "Assets/images/favicon.png": b"\x89PNG\r\n\x1a\nvault favicon",
        "Assets/vault/graph.json": '{"vault": "a data file of the vault"}',
        "Assets/vault/explorer.json": '{"vault": "another data file"}',
        "sitemap.xml": "<vault-sitemap/>",
        "Tags/index.html": "<p>vault page</p>",
    }
    files["Ordinary.md"] = (
        "An ordinary note. ![[favicon.png]] [[graph.json]] [[explorer.json]] [[sitemap.xml]] [[Tags/index.html]]"
        "\n\n#some-tag\n"
    )
    vault = write_vault(tmp_path / "vault", files)
    site, stderr, code = timed_build(tmp_path, vault, "site_url: https://example.org/\n")
    assert code == 0, stderr[-3000:]
    # The site's own files are the site's: Material's favicon, the graph data, the sitemap, the tags page.
    assert b"vault favicon" not in (site / "assets/images/favicon.png").read_bytes()
    assert "nodes" in (site / "assets/vault/graph.json").read_text(encoding="utf-8")
    assert '"f":' in (site / "assets/vault/explorer.json").read_text(encoding="utf-8")  # the file explorer's
    assert "<urlset" in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "vault page" not in (site / "tags/index.html").read_text(encoding="utf-8")
    # The vault's files are published beside them under -2 names, and the note links there.
    assert (site / "assets/images/favicon-2.png").read_bytes() == files["Assets/images/favicon.png"]
    assert (site / "assets/vault/graph-2.json").read_text(encoding="utf-8") == files["Assets/vault/graph.json"]
    assert (site / "assets/vault/explorer-2.json").read_text(encoding="utf-8") == files["Assets/vault/explorer.json"]
    assert (site / "sitemap-2.xml").read_text(encoding="utf-8") == "<vault-sitemap/>"
    assert (site / "tags/index-2.html").read_text(encoding="utf-8") == "<p>vault page</p>"
    page = (site / "ordinary/index.html").read_text(encoding="utf-8")
    for url in ("assets/images/favicon-2.png", "assets/vault/graph-2.json", "sitemap-2.xml", "tags/index-2.html"):
        assert url in page, url
    for path in ("Assets/images/favicon.png", "Assets/vault/graph.json", "sitemap.xml", "Tags/index.html"):
        [line] = warnings_naming(stderr, path)
        assert "-2 name" in line
    assert_control_pages(site)


@pytest.mark.timeout(600)
def test_a_backtracking_regex_fails_its_rows_within_the_query_budget(tmp_path: Path) -> None:
    # `(a|aa)+$` against forty `a`s and a `!` tries some 10^8 ways per start position with Python's
    # `re`: hours for the ten notes below. Within the query's budget the rows fail and are dropped.
    files = {**CONTROL, "kept.png": KEPT_PNG}
    for i in range(10):
        files[f"Slow/Row {i}.md"] = f"---\nkey: {'a' * 40}!\n---\nRow {i}.\n"
    files["Slow/Query.md"] = (
        "Before the query.\n\n"
        '```dataview\nLIST FROM "Slow" WHERE regextest("(a|aa)+$", key)\n```\n\n'
        '```dataview\nLIST FROM "Slow" WHERE regextest("^a+!$", key)\n```\n'
    )
    vault = write_vault(tmp_path / "vault", files)
    site, stderr, code = timed_build(tmp_path, vault)
    assert code == 0, stderr[-3000:]
    [line] = warnings_naming(stderr, "Slow/Query.md")
    assert "Slow/Query.md:3:" in line and "regular expressions took longer" in line
    page = (site / "slow/query/index.html").read_text(encoding="utf-8")
    assert page.count("row-9/") == 1  # the second query, a quick pattern, lists every row
    assert_control_pages(site)


@pytest.mark.timeout(600)
def test_flatten_chains_that_multiply_rows_are_capped_with_a_notice(tmp_path: Path) -> None:
    numbers = "[" + ", ".join(str(i) for i in range(1000)) + "]"
    files = {
        **CONTROL,
        "kept.png": KEPT_PNG,
        "Mult/Numbers.md": f"---\nn: {numbers}\n---\nA thousand numbers.\n",
        "Mult/Query.md": (
            "Before the query.\n\n"
            '```dataview\nLIST a + b + c FROM "Mult" WHERE n FLATTEN n AS a FLATTEN n AS b FLATTEN n AS c '
            "LIMIT 3\n```\n"
        ),
    }
    vault = write_vault(tmp_path / "vault", files)
    site, stderr, code = timed_build(tmp_path, vault)
    assert code == 0, stderr[-3000:]
    [line] = warnings_naming(stderr, "Mult/Query.md")
    assert "Mult/Query.md:3:" in line and "FLATTEN made more than 500,000 rows" in line
    page = (site / "mult/query/index.html").read_text(encoding="utf-8")
    assert "FLATTEN made more than 500,000 rows" in page  # the visible notice
    assert page.count("<li") >= 3  # the first rows (0, 1, 2) are still listed
    assert_control_pages(site)


@pytest.mark.timeout(600)
def test_fifty_thousand_headings_render_in_bounded_time(tmp_path: Path) -> None:
    # 450 kB, under the size cap. MkDocs' search plugin is quadratic in a page's headings: 5,000 took
    # 14 s, 50,000 would take hours. Past 1,000 they are shown as bold text, with a notice.
    files = {**CONTROL, "kept.png": KEPT_PNG, "Many.md": "".join(f"## H{i}\n" for i in range(50_000))}
    vault = write_vault(tmp_path / "vault", files)
    site, stderr, code = timed_build(tmp_path, vault)
    assert code == 0, stderr[-3000:]
    [line] = warnings_naming(stderr, "Many.md")
    assert "Many.md:1001:" in line and "50,000 headings" in line
    page = (site / "many/index.html").read_text(encoding="utf-8")
    assert 'id="h999"' in page and 'id="h1000"' not in page
    assert "<strong>H49999</strong>" in page  # the text is kept
    assert "more than 1,000 headings" in page  # the visible notice
    assert_control_pages(site)


@pytest.mark.timeout(600)
def test_embeds_fanning_out_are_capped_per_page(tmp_path: Path) -> None:
    # A embeds B ten times, B embeds C ten times, ... down to E, 20 kB of text: A's page would hold
    # 10,000 copies of E (200 MB). A page embeds at most 1,000 notes or 2,000,000 characters.
    names = "ABCDE"
    files: dict[str, str | bytes] = {**CONTROL, "kept.png": KEPT_PNG}
    for i, name in enumerate(names):
        body = f"Note {name}.\n\n" + ("Words of a long note. " * 1000 if name == "E" else "")
        if i < len(names) - 1:
            body += "".join(f"![[Fan/{names[i + 1]}]]\n\n" for _ in range(10))
        files[f"Fan/{name}.md"] = body
    vault = write_vault(tmp_path / "vault", files)
    site, stderr, code = timed_build(tmp_path, vault)
    assert code == 0, stderr[-3000:]
    budget = [line for line in stderr.splitlines() if line.startswith("WARNING") and "[embed-budget]" in line]
    assert budget and all("embeds as much as a page may" in line for line in budget), budget
    assert all(re.search(r" Fan/[A-E]\.md:\d+: ", line) for line in budget)  # file and line
    # `mkdocs-vault check` finds the same, without building.
    checked = subprocess.run(
        [sys.executable, "-m", "mkdocs_vault.cli", "check", str(vault), "--json"],
        check=False, capture_output=True, text=True,
    )
    records = json.loads(checked.stdout)["diagnostics"]
    from_check = {f"{r['path']}:{r['line']}: {r['message']}" for r in records if r["kind"] == "embed-budget"}
    from_build = {line.split("mkdocs_vault: ", 1)[1].removesuffix(" [embed-budget]") for line in budget}
    assert from_check == from_build
    page = (site / "fan/a/index.html").read_text(encoding="utf-8")
    assert len(page) < 5_000_000
    assert "Embed not shown" in page and page.count("Words of a long note.") > 10
    assert_control_pages(site)


@pytest.mark.timeout(600)
def test_symbolic_links_looping_or_leading_to_the_root_are_not_walked(tmp_path: Path) -> None:
    # MkDocs' own walk of docs_dir follows links: two links to the vault folder itself make it walk
    # exponentially many paths, one to `/` the whole disk. Neither MkDocs nor the loader follows them.
    vault = write_vault(tmp_path / "vault", {**CONTROL, "kept.png": KEPT_PNG, "Sub/Deep.md": "Deep.\n"})
    os.symlink(vault, vault / "Loop one")
    os.symlink(vault, vault / "Sub" / "Loop two")
    os.symlink("/", vault / "Everything")
    site, stderr, code = timed_build(tmp_path, vault)
    assert code == 0, stderr[-3000:]
    assert "INFO    -  mkdocs_vault: Everything: symbolic link leads outside the vault" in stderr
    assert not (site / "loop-one").exists() and not (site / "everything").exists()
    assert (site / "sub/deep/index.html").exists()
    assert_control_pages(site)
