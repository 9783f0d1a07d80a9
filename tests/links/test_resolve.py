"""Link resolution follows Obsidian's rules: paths, names, ambiguity, aliases, case, Unicode, escapes."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest
from mkdocs_vault.links.resolve import (
    LinkResolver,
    decode_markdown_target,
    parse_wikilink,
)
from mkdocs_vault.pipeline import Options, VaultState

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpora"
# Vaults with names shared across folders, aliases, relative and unresolved links.
VAULTS = [
    p for p in (*sorted(CORPORA.glob("*")), ROOT / "vault", ROOT / "tests" / "dataview" / "golden" / "vault")
    if p.is_dir()
]

PATHS = [
    "Home.md",
    "Projects/Apollo Rollout.md",
    "Projects/Archive/Apollo Rollout.md",
    "Projects/Budget.md",
    "People/Ada Quill.md",
    "People/Notes.md",
    "Customers/Notes.md",
    "Notes.md",
    "Meetings/2025-10-06 - Kickoff, pricing & scope.md",
    "Meetings/2025-10-07 - Review (draft).md",
    "Meetings/Bob's retro.md",
    "Meetings/Team/Standup.md",
    "Archive/Team/Standup.md",
    "Café Ünïcode.md",
    "Ideas/🚀 Launch plan.md",
    "Attachments/diagram.png",
    "Projects/diagram.png",
    "Attachments/report.pdf",
    "Deep/a/b/c/Leaf.md",
    "Long folder name/Twin.md",
    "Ab/Twin.md",
    "Aa/Twin.md",
    "v1.2 release.md",
    "Data.base",
]
ALIASES = {
    "People/Ada Quill.md": ["Ada", "AQ"],
    "Projects/Budget.md": ["Money"],
    "Customers/Notes.md": ["Clients"],
    "Notes.md": ["Clients"],
}


@pytest.fixture(scope="module")
def resolver() -> LinkResolver:
    return LinkResolver(PATHS, ALIASES, attachment_folder="Attachments")


@pytest.mark.parametrize(
    ("target", "source", "expected", "how"),
    [
        ("Home", "Projects/Budget.md", "Home.md", "path"),
        ("Home.md", "Projects/Budget.md", "Home.md", "path"),
        ("home", "Projects/Budget.md", "Home.md", "path"),
        ("HOME.MD", "Projects/Budget.md", "Home.md", "path"),
        ("  Home  ", "x.md", "Home.md", "path"),
        ("Projects/Apollo Rollout", "Home.md", "Projects/Apollo Rollout.md", "path"),
        ("projects/archive/apollo rollout.md", "Home.md", "Projects/Archive/Apollo Rollout.md", "path"),
        # relative to the linking note's folder
        ("Archive/Apollo Rollout", "Projects/Budget.md", "Projects/Archive/Apollo Rollout.md", "relative"),
        ("../People/Ada Quill", "Projects/Budget.md", "People/Ada Quill.md", "relative"),
        ("./Budget", "Projects/Apollo Rollout.md", "Projects/Budget.md", "relative"),
        ("../../Home", "Projects/Archive/Apollo Rollout.md", "Home.md", "relative"),
        # unique file names anywhere
        ("Ada Quill", "Home.md", "People/Ada Quill.md", "name"),
        ("ada quill.md", "Home.md", "People/Ada Quill.md", "name"),
        ("Budget", "Meetings/Bob's retro.md", "Projects/Budget.md", "name"),
        ("Leaf", "Home.md", "Deep/a/b/c/Leaf.md", "name"),
        ("report.pdf", "Home.md", "Attachments/report.pdf", "name"),
        ("Data.base", "Home.md", "Data.base", "path"),
        ("v1.2 release", "Home.md", "v1.2 release.md", "path"),
        # tricky names
        (
            "2025-10-06 - Kickoff, pricing & scope",
            "Home.md",
            "Meetings/2025-10-06 - Kickoff, pricing & scope.md",
            "name",
        ),
        ("2025-10-07 - Review (draft)", "Home.md", "Meetings/2025-10-07 - Review (draft).md", "name"),
        ("Bob's retro", "Home.md", "Meetings/Bob's retro.md", "name"),
        ("🚀 Launch plan", "Home.md", "Ideas/🚀 Launch plan.md", "name"),
        ("café ünïcode", "Home.md", "Café Ünïcode.md", "path"),
        # a path ending: folders written, not from the root
        ("Team/Standup", "Home.md", "Archive/Team/Standup.md", "name"),
        ("Meetings/Team/Standup", "Home.md", "Meetings/Team/Standup.md", "path"),
        ("c/Leaf", "Home.md", "Deep/a/b/c/Leaf.md", "name"),
        # aliases, after file names
        ("Ada", "Home.md", "People/Ada Quill.md", "alias"),
        ("aq", "Home.md", "People/Ada Quill.md", "alias"),
        ("Money", "Meetings/Bob's retro.md", "Projects/Budget.md", "alias"),
        # same page
        ("", "Projects/Budget.md", "Projects/Budget.md", "path"),
    ],
)
def test_resolves(resolver: LinkResolver, target: str, source: str, expected: str, how: str) -> None:
    result = resolver.resolve(target, source)
    assert (result.path, result.how) == (expected, how)


@pytest.mark.parametrize(
    ("target", "source", "how"),
    [
        ("Nowhere", "Home.md", "missing"),
        ("Projects/Nowhere", "Home.md", "missing"),
        ("Leaf/c", "Home.md", "missing"),
        ("ada quil", "Home.md", "missing"),
        ("../../etc/passwd", "People/Ada Quill.md", "outside"),
        ("../Home", "Home.md", "outside"),
        ("../../../Home", "Projects/Archive/Apollo Rollout.md", "outside"),
        ("/etc/passwd", "Home.md", "missing"),
        ("/Ada Quill", "Home.md", "missing"),  # root path: exact only, no name search
        ("file:///etc/passwd", "Home.md", "outside"),
        ("C:\\Windows\\win.ini", "Home.md", "outside"),
        ("C:/Windows/win.ini", "Home.md", "outside"),
        ("\\\\server\\share", "Home.md", "outside"),
        ("~/notes/Home", "Home.md", "outside"),
        ("https://example.com/Home", "Home.md", "outside"),
    ],
)
def test_unresolved(resolver: LinkResolver, target: str, source: str, how: str) -> None:
    result = resolver.resolve(target, source)
    assert result.path is None
    assert result.how == how


def test_root_slash_is_vault_root(resolver: LinkResolver) -> None:
    assert resolver.resolve("/People/Ada Quill", "Projects/Budget.md").path == "People/Ada Quill.md"


def test_dotdot_that_stays_inside_still_resolves_by_name(resolver: LinkResolver) -> None:
    # "Projects/../Home" normalises to "Home" inside the vault.
    assert resolver.resolve("Projects/../Home", "x.md").path == "Home.md"


def test_passwd_named_note_is_not_reached_by_escaping_path() -> None:
    r = LinkResolver(["Secrets/passwd.md", "a/Note.md"])
    assert r.resolve("../../etc/passwd", "a/Note.md").path is None
    assert r.resolve("../../passwd", "a/Note.md").path is None
    assert r.resolve("passwd", "a/Note.md").path == "Secrets/passwd.md"
    # inside the vault, an `etc/passwd` file is a legitimate target
    inside = LinkResolver(["etc/passwd", "a/Note.md"])
    assert inside.resolve("/etc/passwd", "a/Note.md").path == "etc/passwd"
    assert inside.resolve("../etc/passwd", "a/Note.md").path == "etc/passwd"


def test_ambiguous_prefers_linking_folder() -> None:
    r = LinkResolver(["Customers/Notes.md", "People/Notes.md"])
    result = r.resolve("Notes", "People/Ada Quill.md")
    assert result.path == "People/Notes.md"
    assert result.candidates == ("People/Notes.md", "Customers/Notes.md")


def test_ambiguous_root_note_wins_by_exact_path(resolver: LinkResolver) -> None:
    # "Notes.md" exists at the root, so the exact vault path rule picks it before name matching.
    result = resolver.resolve("Notes", "Home.md")
    assert (result.path, result.how) == ("Notes.md", "path")


def test_ambiguous_same_folder_beats_exact_root_path_only_via_relative() -> None:
    r = LinkResolver(["Notes.md", "People/Notes.md"])
    # An exact vault path wins over the linking folder (rule 2 before rule 3).
    assert r.resolve("Notes", "People/Ada.md").path == "Notes.md"


def test_ambiguous_shortest_path_then_alphabetical(resolver: LinkResolver) -> None:
    result = resolver.resolve("Twin", "Home.md")
    assert result.path == "Aa/Twin.md"
    assert result.candidates == ("Aa/Twin.md", "Ab/Twin.md", "Long folder name/Twin.md")
    assert result.ambiguous


def test_ambiguous_same_folder(resolver: LinkResolver) -> None:
    result = resolver.resolve("Twin", "Long folder name/Other.md")
    assert result.path == "Long folder name/Twin.md"
    assert result.candidates[0] == "Long folder name/Twin.md"
    assert set(result.candidates) == {"Aa/Twin.md", "Ab/Twin.md", "Long folder name/Twin.md"}


def test_ambiguous_apollo(resolver: LinkResolver) -> None:
    result = resolver.resolve("Apollo Rollout", "Home.md")
    assert result.path == "Projects/Apollo Rollout.md"
    assert result.candidates == ("Projects/Apollo Rollout.md", "Projects/Archive/Apollo Rollout.md")
    from_archive = resolver.resolve("Apollo Rollout", "Projects/Archive/Old.md")
    assert from_archive.path == "Projects/Archive/Apollo Rollout.md"


def test_ambiguous_team_standup(resolver: LinkResolver) -> None:
    result = resolver.resolve("Standup", "Home.md")
    assert result.path == "Archive/Team/Standup.md"  # same length: alphabetical
    assert result.candidates == ("Archive/Team/Standup.md", "Meetings/Team/Standup.md")
    assert resolver.resolve("Standup", "Meetings/Team/Daily.md").path == "Meetings/Team/Standup.md"


def test_attachment_folder_first_for_shared_attachment_names(resolver: LinkResolver) -> None:
    assert resolver.resolve("diagram.png", "Home.md").path == "Attachments/diagram.png"
    # a file beside the linking note is found by the relative-path rule, before any name search
    assert resolver.resolve("diagram.png", "Projects/Budget.md").path == "Projects/diagram.png"
    # among name matches the attachment folder beats shorter paths and the alphabet
    r = LinkResolver(["A/x.png", "Z/Media/x.png"], attachment_folder="Z/Media")
    assert r.resolve("x.png", "Notes/n.md").path == "Z/Media/x.png"
    # notes are not affected by the attachment folder
    r = LinkResolver(["Attachments/Note.md", "Zz/Note.md"], attachment_folder="Attachments")
    assert r.resolve("Note", "Zz/x.md").path == "Zz/Note.md"
    assert r.resolve("Note", "Other/x.md").path == "Zz/Note.md"  # shortest path


@pytest.mark.parametrize(
    ("setting", "source", "expected"),
    [
        ("/", "Projects/Sub/Budget.md", "a/img.png"),
        ("Media/Images", "Projects/Sub/Budget.md", "Media/Images/img.png"),
        ("./assets", "Projects/Budget.md", "Projects/assets/img.png"),
        ("./assets", "Home.md", "assets/img.png"),
        ("./", "Media/Home.md", "a/img.png"),  # `./` is the note's folder: no file there, shortest wins
        ("", "Projects/Sub/Budget.md", "a/img.png"),
    ],
)
def test_attachment_folder_settings(setting: str, source: str, expected: str) -> None:
    paths = ["a/img.png", "Media/Images/img.png", "Projects/assets/img.png", "assets/img.png"]
    r = LinkResolver(paths, attachment_folder=setting)
    assert r.resolve("img.png", source).path == expected


def test_ambiguous_alias(resolver: LinkResolver) -> None:
    result = resolver.resolve("Clients", "Home.md")
    assert result.path == "Notes.md"
    assert result.how == "alias"
    assert result.candidates == ("Notes.md", "Customers/Notes.md")
    assert resolver.resolve("Clients", "Customers/Index.md").path == "Customers/Notes.md"


def test_file_name_beats_alias() -> None:
    r = LinkResolver(["Ada.md", "People/Ada Quill.md"], {"People/Ada Quill.md": ["Ada"]})
    assert r.resolve("Ada", "x.md").path == "Ada.md"


def test_alias_values_ignored_when_not_strings() -> None:
    r = LinkResolver(["a.md"], {"a.md": ["", "  ", None, 3, "Real"]})  # type: ignore[list-item]
    assert r.resolve("real", "x.md").path == "a.md"
    assert r.resolve("", "").path is None


def test_nfc_link_matches_nfd_file_and_back() -> None:
    nfd = unicodedata.normalize("NFD", "Nöte with 'quotes'.md")
    r = LinkResolver([nfd, "Folder/" + unicodedata.normalize("NFC", "Éclair.md")])
    assert r.resolve(unicodedata.normalize("NFC", "Nöte with 'quotes'"), "x.md").path == nfd
    assert r.resolve(unicodedata.normalize("NFD", "éclair"), "x.md").path == "Folder/Éclair.md"


def test_md_optional_and_as_written_first() -> None:
    r = LinkResolver(["img.png", "img.png.md", "x.md.md", "Plain"])
    assert r.resolve("img.png", "a.md").path == "img.png"
    assert r.resolve("x.md", "a.md").path == "x.md.md"
    assert r.resolve("Plain", "a.md").path == "Plain"


def test_case_only_duplicates_are_deterministic() -> None:
    r1 = LinkResolver(["a/Note.md", "a/note.md"])
    r2 = LinkResolver(["a/note.md", "a/Note.md"])
    assert r1.resolve("a/NOTE", "").path == r2.resolve("a/NOTE", "").path == "a/Note.md"


def test_contains(resolver: LinkResolver) -> None:
    assert "people/ada quill.md" in resolver
    assert "People/Ada Quill" not in resolver


@pytest.mark.parametrize(
    ("inner", "target", "subpath", "display"),
    [
        ("Note", "Note", None, None),
        ("Note|shown", "Note", None, "shown"),
        ("Note#Head", "Note", "Head", None),
        ("Note#Head#Sub|alias", "Note", "Head#Sub", "alias"),
        ("#Heading", "", "Heading", None),
        ("#^block-1", "", "^block-1", None),
        ("Note#^abc|x", "Note", "^abc", "x"),
        ("folder/Note.md", "folder/Note.md", None, None),
        (" Note  #  Head | shown ", "Note", "Head", "shown"),
        ("Note\\|alias", "Note", None, "alias"),
        ("Note|a|b", "Note", None, "a|b"),
        ("Note|", "Note", None, ""),
        ("Note##Head", "Note", "Head", None),
        ("#^", "", "", None),  # a block link without an id, as empty as `[[#]]`
        ("Note#^|x", "Note", "", "x"),
        (
            "2025-10-06 - Kickoff, pricing & scope|Kickoff",
            "2025-10-06 - Kickoff, pricing & scope",
            None,
            "Kickoff",
        ),
        ("image.png|300x200", "image.png", None, "300x200"),
        ("Note#C# tips", "Note", "C#tips", None),
    ],
)
def test_parse_wikilink(inner: str, target: str, subpath: str | None, display: str | None) -> None:
    link = parse_wikilink(inner)
    assert (link.target, link.subpath, link.display) == (target, subpath, display)


@pytest.mark.parametrize(
    ("href", "target", "subpath"),
    [
        ("Note.md", "Note.md", None),
        ("Note%20Name.md", "Note Name.md", None),
        ("<Note Name.md>", "Note Name.md", None),
        ("../People/Ada%20Quill.md#Contact%20details", "../People/Ada Quill.md", "Contact details"),
        ("#Local", "", "Local"),
        (
            "2025-10-06%20-%20Kickoff%2C%20pricing%20%26%20scope.md",
            "2025-10-06 - Kickoff, pricing & scope.md",
            None,
        ),
        ("Caf%C3%A9.md", "Café.md", None),
        ("Note.md?x=1", "Note.md", None),
        ("Note.md#^blk", "Note.md", "^blk"),
    ],
)
def test_decode_markdown_target(href: str, target: str, subpath: str | None) -> None:
    decoded = decode_markdown_target(href)
    assert decoded is not None
    assert (decoded.target, decoded.subpath) == (target, subpath)


@pytest.mark.parametrize("href", ["https://example.com/a.md", "mailto:a@b.c", "//cdn.example/x.md", "", "  "])
def test_decode_markdown_target_external(href: str) -> None:
    assert decode_markdown_target(href) is None


def _link_targets(state: VaultState, paths: list[str]) -> list[str]:
    """Every link target of the vault, and variants of its paths: with folders, relative, climbing
    out, absolute, in other case, padded, a folder alone."""
    targets = {link.target for note in state.vault.notes.values() for link in note.links}
    for path in paths:
        name = path.rpartition("/")[2]
        targets |= {path, name, name.removesuffix(".md"), "/" + path, "./" + name, "../" + name,
                    "../../" + path, path.upper(), f" {name} ", "x/" + name, path.rpartition("/")[0]}
    targets |= {alias for note in state.vault.notes.values() for alias in note.aliases}
    return sorted(targets | {"", " ", "/", "..", "http://x.example", "C:\\x", "~/x"})


@pytest.mark.parametrize("root", VAULTS, ids=lambda p: p.name)
def test_what_a_resolver_keeps_per_target_answers_as_a_first_resolution_does(root: Path) -> None:
    """A resolver reads what a target finds wherever it is written once (`_Target`): its answers
    from every folder, in any order, are those it gives a target seen for the first time."""
    state = VaultState(root, Options(today="2026-01-01", timezone="UTC")).refresh()
    vault = state.vault
    paths = list(vault.notes) + list(vault.attachments) + sorted(vault.templates)
    aliases = {p: n.aliases for p, n in vault.notes.items()}
    sources = [*vault.notes, "", "x.md", "a/b/c.md", "../q.md"]
    rnd = random.Random(7)
    for attachment_folder in (None, "Attachments", "./", "./sub"):
        kept = LinkResolver(paths, aliases, attachment_folder)
        first = LinkResolver(paths, aliases, attachment_folder)
        for target in _link_targets(state, paths[:200]):
            for source in rnd.sample(sources, min(8, len(sources))):
                first._targets.clear()  # (what it keeps: as if it never saw this target)
                assert kept.resolve(target, source) == first.resolve(target, source), (target, source)


# The same links, written in three folders, lead to three different notes.
TWINS = {
    "Top.md": "[[Note]] [[Sub/Note]] [[./Note]]",
    "A/Note.md": "", "A/x.md": "[[Note]] [[Sub/Note]] [[./Note]] [[../Top]]",
    "B/Note.md": "", "B/y.md": "[[Note]] [[Sub/Note]] [[./Note]] [[../Top]]",
    "B/Sub/Note.md": "", "B/Sub/z.md": "[[Note]] [[../Note]] [[Sub/Note]]",
}


@pytest.mark.parametrize("root", [*VAULTS, "twins"], ids=lambda p: getattr(p, "name", p))
def test_every_link_resolves_as_the_resolver_answers_from_its_note(root: Path | str, tmp_path: Path) -> None:
    """`VaultState` reads its cache of resolutions by the note's folder (`_resolve_links`): every link
    ends up where the resolver takes it from its own note."""
    if root == "twins":
        for rel, text in TWINS.items():
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).write_text(text, encoding="utf-8")
        root = tmp_path
    state = VaultState(root, Options(today="2026-01-01", timezone="UTC")).refresh()
    fresh = LinkResolver(
        list(state.vault.notes) + list(state.vault.attachments) + sorted(state.vault.templates),
        {p: n.aliases for p, n in state.vault.notes.items()},
        state.vault.settings.attachment_folder,
    )
    for path, note in state.vault.notes.items():
        for link in note.links:
            expected = fresh.resolve(link.target, path).path if link.target else path
            assert link.resolved == expected, (path, link.target)
