"""Reading a vault: encodings, binary files, skipped folders, exclusions, symlinks and the cache."""

from __future__ import annotations

import json
import os
import time

from mkdocs_vault.clock import Clock
from mkdocs_vault.diagnostics import Diagnostics
from mkdocs_vault.vault.loader import VaultLoader, load_vault, read_file


def test_invalid_utf8_is_replaced_and_reported_with_its_line(make_vault) -> None:
    root = make_vault({"Bad.md": b"ok line\nsecond \xff\xfe line\n"})
    d = Diagnostics()
    vault = load_vault(root, diagnostics=d)
    assert "\ufffd" in vault.notes["Bad.md"].text
    [record] = list(d)
    assert (record.path, record.line, record.kind) == ("Bad.md", 2, "encoding")


def test_binary_file_named_md_is_skipped_with_a_warning(make_vault) -> None:
    root = make_vault({"Blob.md": bytes(range(256)) * 10, "Fine.md": "text"})
    d = Diagnostics()
    vault = load_vault(root, diagnostics=d)
    assert list(vault.notes) == ["Fine.md"]
    assert [(r.path, r.kind) for r in d] == [("Blob.md", "binary")]


def test_bom_and_crlf(make_vault) -> None:
    root = make_vault({"Win.md": b"\xef\xbb\xbf---\r\ntitle: W\r\n---\r\nBody\r\n"})
    note = load_vault(root).notes["Win.md"]
    assert note.frontmatter == {"title": "W"} and note.body == "Body\n"


def test_obsidian_folders_templates_and_hidden_files_are_skipped(make_vault) -> None:
    root = make_vault({
        "A.md": "a", ".obsidian/x.md": "x", ".trash/T.md": "t", "Templates/Tpl.md": "{{date}}",
        ".hidden.md": "h", "Custom/Tpl.md": "c", "Sub/B.md": "b",
    })
    assert sorted(load_vault(root).notes) == ["A.md", "Custom/Tpl.md", "Sub/B.md"]
    (root / ".obsidian" / "templates.json").write_text(json.dumps({"folder": "Custom"}))
    assert sorted(load_vault(root).notes) == ["A.md", "Sub/B.md", "Templates/Tpl.md"]


def test_app_json_excluded_files_and_attachment_folder(make_vault) -> None:
    root = make_vault({
        "A.md": "a", "Archive/Old.md": "o", "Scratch/x-draft.md": "d", "Scratch/keep.md": "k",
        ".obsidian/app.json": json.dumps({
            "userIgnoreFilters": ["Archive/", "/draft/"], "attachmentFolderPath": "Files", "strictLineBreaks": True,
        }),
    })
    vault = load_vault(root)
    assert sorted(vault.notes) == ["A.md", "Scratch/keep.md"]
    assert vault.settings.attachment_folder == "Files" and vault.settings.strict_line_breaks


def test_exclude_globs(make_vault) -> None:
    root = make_vault({"A.md": "a", "Private/P.md": "p", "Drafts/deep/D.md": "d", "x.pdf": b"%PDF", "B.md": "b"})
    vault = load_vault(root, exclude=["Private/", "Drafts", "*.pdf", "B.md"])
    assert sorted(vault.notes) == ["A.md"] and vault.attachments == {}


def test_symlink_outside_the_vault_is_not_followed(make_vault, tmp_path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("SECRET-OUTSIDE")
    root = make_vault({"A.md": "a"})
    os.symlink(outside, root / "Link.md")
    os.symlink(tmp_path, root / "DirLink")
    d = Diagnostics()
    vault = load_vault(root, diagnostics=d)
    assert list(vault.notes) == ["A.md"]
    assert sorted((r.path, r.kind) for r in d) == [("DirLink", "symlink"), ("Link.md", "symlink")]


def test_attachments_are_listed(make_vault) -> None:
    root = make_vault({"A.md": "![[pic.png]]", "Files/pic.png": b"\x89PNG", "canvas.canvas": "{}"})
    vault = load_vault(root)
    assert sorted(vault.attachments) == ["Files/pic.png", "canvas.canvas"]


def test_cache_rereads_only_changed_files(make_vault) -> None:
    root = make_vault({"A.md": "a", "B.md": "b"})
    loader = VaultLoader(root, Clock(today="2025-01-01", timezone="UTC"), Diagnostics())
    first = loader.load()
    assert first.changed == {"A.md", "B.md"}
    second = loader.load()
    assert second.changed == set() and second.notes["A.md"] is first.notes["A.md"]
    time.sleep(0.01)
    (root / "B.md").write_text("b changed")
    (root / "C.md").write_text("c")
    (root / "A.md").unlink()
    third = loader.load()
    assert third.changed == {"A.md", "B.md", "C.md"}
    assert third.notes["B.md"].body == "b changed" and "A.md" not in third.notes


def test_template_files_are_known_by_name_but_not_read(make_vault) -> None:
    root = make_vault({"A.md": "![[Books.base]] [[Tpl]]", "Templates/Tpl.md": "{{x}}", "Templates/Books.base": "v"})
    vault = load_vault(root)
    assert list(vault.notes) == ["A.md"] and vault.templates == {"Templates/Tpl.md", "Templates/Books.base"}


def test_read_file_reads_the_whole_file_whatever_size_it_was_given(tmp_path) -> None:
    path = tmp_path / "a.md"
    for data in (b"", b"x", b"abc\n" * 50_000):
        path.write_bytes(data)
        assert read_file(path, len(data)) == data
        assert read_file(path, 0) == data  # grew since its size was taken
        assert read_file(path, len(data) + 10) == data  # shrank


def test_a_compact_body_reads_as_the_same_text() -> None:
    """`compact_bodies` keeps a body as UTF-8 where that is smaller than the string (vault/model.py):
    the note still reads, compares, copies and is set as before."""
    import dataclasses

    from mkdocs_vault.vault.model import Note, compact_bodies

    wide, latin, plain = "- [ ] Call 📅 2026-11-20\n", "Crème brûlée. " * 20, "ASCII only\n"
    notes = [Note(path=f"{n}.md", body=b) for n, b in (("wide", wide), ("latin", latin), ("plain", plain))]
    twins = [dataclasses.replace(n) for n in notes]
    compact_bodies(notes)
    assert [type(Note.body.slot.__get__(n)) for n in notes] == [bytes, str, str]
    assert [n.body for n in notes] == [wide, latin, plain] and notes == twins
    assert notes[0].text == wide and dataclasses.replace(notes[0]).body == wide
    notes[0].body = "changed"
    assert notes[0].body == "changed" and Note.body.slot.__get__(notes[0]) == "changed"
