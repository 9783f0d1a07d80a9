"""The publish filter and the clock."""

from __future__ import annotations

import datetime as dt
import os
import subprocess

from mkdocs_vault.clock import Clock
from mkdocs_vault.publish import decide, is_published
from mkdocs_vault.vault.loader import load_vault
from mkdocs_vault.vault.model import Note


def test_publish_flag_and_default() -> None:
    assert is_published(Note("a.md", "", frontmatter={"publish": False}))[0] is False
    assert is_published(Note("a.md", "", frontmatter={"publish": "false"}))[0] is False
    assert is_published(Note("a.md", "", frontmatter={}))[0] is True
    assert is_published(Note("a.md", "", frontmatter={}), publish_by_default=False)[0] is False
    assert is_published(Note("a.md", "", frontmatter={"publish": True}), publish_by_default=False)[0] is True


def test_attachments_go_out_only_when_a_published_note_uses_them(make_vault) -> None:
    root = make_vault({
        "Pub.md": "![[used.png]]",
        "Secret.md": "---\npublish: false\n---\n![[secret-only.png]] [[Pub]]",
        "used.png": b"\x89PNG", "secret-only.png": b"\x89PNG", "orphan.pdf": b"%PDF",
    })
    vault = load_vault(root)
    for note in vault.notes.values():  # resolution is the pipeline's job; here by name
        for link in note.links:
            link.resolved = link.target if link.target in vault.attachments else f"{link.target}.md"
    decision = decide(vault.notes, vault.attachments)
    assert list(decision.notes) == ["Pub.md"] and list(decision.held_notes) == ["Secret.md"]
    assert list(decision.attachments) == ["used.png"]
    assert sorted(decision.held_attachments) == ["orphan.pdf", "secret-only.png"]


def test_today_from_option_then_source_date_epoch(monkeypatch) -> None:
    assert Clock(today="2025-11-01", timezone="UTC").today == dt.date(2025, 11, 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2024, 2, 29, 12, tzinfo=dt.UTC).timestamp())))
    assert Clock(timezone="UTC").today == dt.date(2024, 2, 29)
    assert Clock(timezone="Pacific/Kiritimati").today == dt.date(2024, 3, 1)  # UTC+14
    clock = Clock(today="2025-11-01", timezone="Europe/Berlin")
    assert clock.now == dt.datetime(2025, 11, 1, tzinfo=clock.tz)


def test_file_times_from_filesystem_and_git(tmp_path) -> None:
    vault = tmp_path / "v"
    vault.mkdir()
    note = vault / "A.md"
    note.write_text("a")
    t = dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=dt.UTC).timestamp()
    os.utime(note, (t, t))
    ctime, mtime = Clock(timezone="UTC").file_times_of("A.md", note.stat())
    assert mtime == dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=dt.UTC) and ctime == mtime

    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")

    def commit(date: str, message: str) -> None:
        subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True, env=env)
        subprocess.run(["git", "commit", "-qm", message], cwd=tmp_path, check=True,
                       env=dict(env, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date))

    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    commit("2024-01-01T10:00:00Z", "first")
    note.write_text("a2")
    commit("2024-06-01T10:00:00Z", "second")
    clock = Clock(timezone="UTC", file_times="git", vault_root=vault)
    ctime, mtime = clock.file_times_of("A.md", note.stat())
    assert ctime == dt.datetime(2024, 1, 1, 10, tzinfo=dt.UTC)
    assert mtime == dt.datetime(2024, 6, 1, 10, tzinfo=dt.UTC)


def test_auto_file_times_git_for_unchanged_tracked_files_else_filesystem(tmp_path) -> None:
    """`file_times: auto` (the default): a fresh clone's files all carry the clone's time on disk, so a
    tracked file unchanged since its commit has its git times; a new note, or one edited since, the
    filesystem's modification time (a tracked one keeps its first commit as ctime)."""
    from mkdocs_vault.pipeline import Options

    assert Options().file_times == "auto"
    vault = tmp_path / "v"
    vault.mkdir()
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")
    for name in ("Kept.md", "Edited.md"):
        (vault / name).write_text("first")
    date = "2024-01-01T10:00:00Z"
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", "notes"], cwd=tmp_path, check=True,
                   env=dict(env, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date))
    committed = dt.datetime(2024, 1, 1, 10, tzinfo=dt.UTC)
    on_disk = dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    (vault / "Edited.md").write_text("changed, not committed")
    (vault / "New.md").write_text("never committed")
    for name in ("Kept.md", "Edited.md", "New.md"):  # as after a clone: every file's time is recent
        os.utime(vault / name, (on_disk.timestamp(), on_disk.timestamp()))

    clock = Clock(timezone="UTC", file_times="auto", vault_root=vault)
    times = {name: clock.file_times_of(name, (vault / name).stat()) for name in ("Kept.md", "Edited.md", "New.md")}
    assert times["Kept.md"] == (committed, committed)
    assert times["Edited.md"] == (committed, on_disk)
    assert times["New.md"] == (on_disk, on_disk)
    # Saved while `mkdocs serve` runs: the same clock sees a new modification time, the file's own.
    later = dt.datetime(2025, 3, 5, tzinfo=dt.UTC)
    os.utime(vault / "Kept.md", (later.timestamp(), later.timestamp()))
    assert clock.file_times_of("Kept.md", (vault / "Kept.md").stat()) == (committed, later)
    # `filesystem` keeps the disk's times for all, as before.
    fs = Clock(timezone="UTC", file_times="filesystem", vault_root=vault)
    assert fs.file_times_of("Kept.md", (vault / "Kept.md").stat())[1] == later
