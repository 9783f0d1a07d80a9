"""The URL scheme: slugified vault paths as directory URLs, deterministic collisions, permalinks."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from mkdocs_vault.urls import UrlMap, _slugify_any, slugify_segment

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpora"


@pytest.mark.parametrize(
    ("segment", "slug"),
    [
        ("Apollo Rollout", "apollo-rollout"),
        ("2025-10-06 - Kickoff, pricing & scope", "2025-10-06-kickoff-pricing-scope"),
        ("Zoë Ångström", "zoë-ångström"),
        ("Niamh O'Brien", "niamh-o-brien"),
        ("Café ☕ notes", "café-notes"),
        ("Tallis (Pilot)", "tallis-pilot"),
        ("東京 メモ", "東京-メモ"),
        ("snake_case", "snake_case"),
        ("???", "-"),
    ],
)
def test_slugify_segment(segment: str, slug: str) -> None:
    assert slugify_segment(segment) == slug


def test_the_ascii_shortcut_slugs_as_the_character_walk_does() -> None:
    """`slugify_segment` of ASCII text (one substitution) is `_slugify_any`'s (character by character):
    for every path segment of the corpora, the sample vault and the tests, every string of up to two
    ASCII characters, and of three from a few that slugs treat differently."""
    segments = {
        part
        for base in (CORPORA, ROOT / "vault", ROOT / "tests")
        for path in (base.rglob("*") if base.exists() else ())
        for part in path.relative_to(base).with_suffix("").parts
    }
    ascii_chars = [chr(i) for i in range(128)]
    short = {"".join(chars) for n in range(3) for chars in itertools.product(ascii_chars, repeat=n)}
    short |= {"".join(chars) for chars in itertools.product("aZ09_- .\t#~\x00", repeat=3)}
    checked = 0
    for segment in segments | short:
        if segment.isascii():
            checked += 1
            assert slugify_segment.__wrapped__(segment) == _slugify_any(segment), repr(segment)
    assert checked > 15_000


def test_note_urls_are_directory_urls_and_index_is_the_folder() -> None:
    urls = UrlMap(["index.md", "Projects/Apollo Rollout.md", "People/Index.md", "Customers/Acme/Notes.md"])
    assert urls.note_url("index.md") == ""
    assert urls.note_src_uri("index.md") == "index.md"
    assert urls.note_url("Projects/Apollo Rollout.md") == "projects/apollo-rollout/"
    assert urls.note_src_uri("Projects/Apollo Rollout.md") == "projects/apollo-rollout/index.md"
    assert urls.note_url("People/Index.md") == "people/"
    assert urls.note_url("Customers/Acme/Notes.md") == "customers/acme/notes/"


def test_a_folder_note_is_the_folders_page_and_its_old_url_redirects() -> None:
    """`Customers/Acme/Acme.md` is the folder's page, at `customers/acme/` (not `customers/acme/acme/`,
    the doubled URL issue 18 saw); its old URL is kept as a redirect. A folder's `index.md` competes for
    the same URL by the usual rule (path order: `Acme.md` first)."""
    urls = UrlMap(["Customers/Acme/Acme.md", "Customers/Acme/Notes.md", "Customers/Customers.md", "Solo.md"])
    assert urls.note_url("Customers/Acme/Acme.md") == "customers/acme/"
    assert urls.note_url("Customers/Acme/Notes.md") == "customers/acme/notes/"
    assert urls.note_url("Customers/Customers.md") == "customers/"  # takes the top-level listing's place
    assert urls.note_url("Solo.md") == "solo/"  # not in a folder: an ordinary note
    assert urls.folder_note_redirects() == {
        "customers/acme/acme/": "Customers/Acme/Acme.md",
        "customers/customers/": "Customers/Customers.md",
    }
    both = UrlMap(["Team/Team.md", "Team/index.md"])
    assert both.note_url("Team/Team.md") == "team/" and both.note_url("Team/index.md") == "team-2/"
    # The old URL is left alone when another note has it.
    taken = UrlMap(["A/A.md", "A/A/index.md"])
    assert taken.note_url("A/A.md") == "a/" and taken.note_url("A/A/index.md") == "a/a/"
    assert taken.folder_note_redirects() == {}


def test_collisions_get_deterministic_suffixes_whatever_the_input_order() -> None:
    paths = ["A/Kick off.md", "A/Kick-off.md", "A/kick  off!.md"]
    first = UrlMap(paths)
    second = UrlMap(list(reversed(paths)))
    assert first.notes() == second.notes()
    assert sorted(first.notes().values()) == ["a/kick-off-2/", "a/kick-off-3/", "a/kick-off/"]
    assert first.note_url("A/Kick off.md") == "a/kick-off/"  # first in path order keeps the plain URL


def test_permalink_overrides_and_reserved_urls_are_never_taken() -> None:
    urls = UrlMap(
        {"Deep/Folder/Note.md": {"permalink": "/go/here/"}, "Tags.md": {}, "Other.md": {"permalink": 5}},
        reserved=["tags"],
    )
    assert urls.note_url("Deep/Folder/Note.md") == "go/here/"
    assert urls.note_url("Tags.md") == "tags-2/"
    assert urls.note_url("Other.md") == "other/"


def test_home_option_takes_the_root_url() -> None:
    urls = UrlMap(["Home.md", "index.md"], home="Home.md")
    assert urls.note_url("Home.md") == "" and urls.note_url("index.md") == "index-2/"


def test_attachments_keep_their_extension() -> None:
    urls = UrlMap(["A.md"], ["Attachments/Org Chart.PNG", "Files/report v2.pdf", "Files/report-v2.pdf"])
    assert urls.attachment_url("Attachments/Org Chart.PNG") == "attachments/org-chart.png"
    assert {urls.attachment_url("Files/report v2.pdf"), urls.attachment_url("Files/report-v2.pdf")} == {
        "files/report-v2.pdf", "files/report-v2-2.pdf"}


def test_alias_redirect_urls_never_shadow_notes_or_each_other() -> None:
    urls = UrlMap(["People/Ada Lovelace.md", "People/Countess.md", "Top.md"])
    got = urls.alias_urls({
        "People/Ada Lovelace.md": ["Countess", "Ada", "A. L."],
        "Top.md": ["Summit", "Ada"],
        "Missing.md": ["Ghost"],
    })
    assert got == {"people/ada/": "People/Ada Lovelace.md", "people/a-l/": "People/Ada Lovelace.md",
                   "ada/": "Top.md", "summit/": "Top.md"}


def test_top_level_folders_named_like_generated_pages_move_aside() -> None:
    urls = UrlMap(["Tags/Some note.md", "Timeline.md", "Projects/Tags.md"], reserved=["tags", "timeline"])
    assert urls.note_url("Tags/Some note.md") == "tags-2/some-note/"
    assert urls.note_url("Timeline.md") == "timeline-2/"
    assert urls.note_url("Projects/Tags.md") == "projects/tags/"


def _reference_urls(notes: dict[str, dict], reserved: list[str], home: str | None) -> dict[str, str]:
    """The URL scheme as first written: every note in one pass, by wanted URL then path, each taking the
    first of its URL, `-2`, `-3`, ... that no reserved URL or earlier note has."""
    from mkdocs_vault.urls import _clean_permalink, _note_slug

    taken = {r.strip("/") for r in reserved}
    roots = frozenset(taken)
    wanted: dict[str, list[str]] = {}
    for path, fm in sorted(notes.items()):
        base = _clean_permalink(fm.get("permalink")) if "permalink" in fm else None
        if path == home:
            base = ""
        elif base is None:
            base = _note_slug(path, roots)
        wanted.setdefault(base, []).append(path)
    out = {}
    for base in sorted(wanted):
        for path in sorted(wanted[base], key=lambda p: (p != home, p)):
            url, n = base, 2
            while url in taken:
                url = f"{base}-{n}" if base else f"index-{n}"
                n += 1
            taken.add(url)
            out[path] = f"{url}/" if url else ""
    return out


def test_an_updated_map_equals_one_made_anew() -> None:
    """`UrlMap.updated` settles again only the clashing families of the notes that changed: after any
    series of notes coming, going and taking permalinks, among names that slugify alike, numbered
    names (`A 2`) and reserved ones, it must give every URL a new map gives, and name the notes that
    moved."""
    import random

    names = ["A", "a!", "A 2", "a-2", "A 2 2", "A-3", "Index", "Index 2", "index-2", "Tags", "B", "b 10"]
    folders = ["", "F/", "f?/", "Tags/"]
    permalinks = [None, "a", "a-2", "/", "index-2", "f/a", "tags", 5, "b"]
    reserved = ["tags", "graph"]
    rnd = random.Random(11)
    for _round in range(300):
        home = rnd.choice([None, "A.md", "Index.md"])
        pool = [f + n + ".md" for f in folders for n in names]
        notes: dict[str, dict] = {}
        for path in rnd.sample(pool, rnd.randint(0, 12)):
            notes[path] = {} if rnd.random() < 0.7 else {"permalink": rnd.choice(permalinks)}
        urls = UrlMap(notes, (), reserved, home)
        assert urls.notes() == _reference_urls(notes, reserved, home)
        for _step in range(6):
            changes: dict[str, dict | None] = {}
            for path in rnd.sample(pool, rnd.randint(1, 3)):
                if path in notes and rnd.random() < 0.5:
                    del notes[path]
                    changes[path] = None
                else:
                    fm = {} if rnd.random() < 0.6 else {"permalink": rnd.choice(permalinks)}
                    notes[path] = changes[path] = fm
            before = urls.notes()
            urls, moved = urls.updated(changes, ())
            after = urls.notes()
            assert after == _reference_urls(notes, reserved, home), (notes, changes)
            assert moved == {p for p in after if p in before and before[p] != after[p]}


def test_an_update_that_changes_nothing_keeps_the_map() -> None:
    urls = UrlMap({"A.md": {}, "B.md": {"permalink": "b"}}, ["x.png"])
    assert urls.updated({"A.md": {}, "B.md": {"permalink": "/b/"}, "C.md": None}, ["x.png"]) == (urls, set())
    updated, moved = urls.updated({"C.md": {"permalink": "a"}}, ["x.png"])
    assert updated is not urls and moved == set() and updated.note_url("C.md") == "a-2/"


def test_relative_url_answers_as_mkdocs_does():
    # The pages stage computes hrefs without MkDocs; its answers must stay MkDocs 1.6's.
    import itertools

    from mkdocs.utils import get_relative_url
    from mkdocs_vault.urls import relative_url

    paths = ["", ".", "/", "a", "a/", "a/b", "a/b/", "a/b/c.html", "a/../b/", "x/y.png", "a/b/../../c/",
             "index.html", "a/index.html", "tags/", "a b/c%20d/", "../up/", "a//b/"]
    for url, other in itertools.product(paths, repeat=2):
        assert relative_url(url, other) == get_relative_url(url, other), (url, other)
