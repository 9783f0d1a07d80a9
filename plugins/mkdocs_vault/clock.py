"""The one clock of a build: today, now, the time zone, and every note's file times.

Everything that shows or compares a date asks this object, so a build with a fixed `today` (the option,
else `SOURCE_DATE_EPOCH`) is reproducible. File times come from git (first and last commit touching the
file) when `file_times: git` and the vault is in a git checkout, else from the filesystem. With
`file_times: auto` (the default) a file the checkout tracks, unchanged since its last commit, has its
git times, and one it does not track, or that has changed since (an uncommitted edit, a note saved while
`mkdocs serve` runs), the filesystem's: a fresh clone gives every file the clone's time, which said
nothing about when a note last changed.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def local_zone_name() -> str:
    """The machine's IANA zone name, falling back to UTC where it cannot be determined."""
    tz = os.environ.get("TZ")
    if tz and _valid_zone(tz.lstrip(":")):
        return tz.lstrip(":")
    try:
        link = os.readlink("/etc/localtime")
        name = link.split("zoneinfo/", 1)[1]
        if _valid_zone(name):
            return name
    except (OSError, IndexError):
        pass
    try:
        name = Path("/etc/timezone").read_text().strip()
        if _valid_zone(name):
            return name
    except OSError:
        pass
    return "UTC"


def _valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
        return True
    except (ZoneInfoNotFoundError, ValueError):
        return False


class Clock:
    """Answers "today", "now", the zone, and each file's ctime/mtime for one build."""

    def __init__(
        self,
        today: dt.date | str | None = None,
        timezone: str | None = None,
        file_times: str = "filesystem",
        vault_root: Path | None = None,
    ) -> None:
        self.zone_name = timezone or local_zone_name()
        self.tz = ZoneInfo(self.zone_name)
        self.file_times = file_times
        self.vault_root = Path(vault_root) if vault_root else None
        self._today = self._resolve_today(today)
        self._git_times: dict[str, tuple[dt.datetime, dt.datetime]] | None = None
        self._changed_files: set[str] | None = None
        self._seen: dict[str, int] = {}  # vault path -> modification time (ns) when first read

    def _resolve_today(self, today: dt.date | str | None) -> dt.date:
        if isinstance(today, dt.datetime):
            return today.date()
        if isinstance(today, dt.date):
            return today
        if isinstance(today, str) and today.strip():
            return dt.date.fromisoformat(today.strip())
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch and epoch.strip().isdigit():
            return dt.datetime.fromtimestamp(int(epoch), self.tz).date()
        return dt.datetime.now(self.tz).date()

    @property
    def today(self) -> dt.date:
        return self._today

    @property
    def now(self) -> dt.datetime:
        """Midnight at the start of `today` in the build's zone: fixed for the whole build, as Dataview's
        conformance runs fix it, so that every page computed in one build agrees."""
        return dt.datetime.combine(self._today, dt.time(0, 0), tzinfo=self.tz)

    def file_times_of(self, rel_path: str, stat: os.stat_result) -> tuple[dt.datetime, dt.datetime]:
        """(ctime, mtime) of a vault file as aware datetimes in the build's zone."""
        if self.file_times == "git":
            times = self._git().get(rel_path)
            if times:
                return times
        elif self.file_times == "auto":
            times = self._git().get(rel_path)
            if times:
                if rel_path not in self._changed() and self._seen.setdefault(rel_path, stat.st_mtime_ns) == (
                    stat.st_mtime_ns
                ):
                    return times
                # Changed since its last commit: created when first committed, modified on disk.
                return times[0], dt.datetime.fromtimestamp(stat.st_mtime, self.tz)
        mtime = dt.datetime.fromtimestamp(stat.st_mtime, self.tz)
        birth = getattr(stat, "st_birthtime", None)
        ctime = dt.datetime.fromtimestamp(birth, self.tz) if birth else mtime
        return ctime, mtime

    def _git(self) -> dict[str, tuple[dt.datetime, dt.datetime]]:
        if self._git_times is None:
            self._git_times = _read_git_times(self.vault_root, self.tz) if self.vault_root else {}
        return self._git_times

    def _changed(self) -> set[str]:
        """Tracked files that differ from their last commit when first asked (`git status`), read once;
        a later edit shows as a new modification time (`_seen`: the first one this clock saw)."""
        if self._changed_files is None:
            self._changed_files = _read_git_changes(self.vault_root) if self.vault_root else set()
        return self._changed_files


def _read_git_times(root: Path, tz: ZoneInfo) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """First and last commit time of each file below `root`, from one `git log` over the checkout."""
    try:
        top = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-prefix"],
            capture_output=True, text=True, check=True, timeout=30,
        ).stdout.strip()
        log = subprocess.run(
            ["git", "-C", str(root), "log", "--format=@%ct", "--name-only", "--no-renames", "-z", "--", "."],
            capture_output=True, text=True, check=True, timeout=300,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    times: dict[str, tuple[dt.datetime, dt.datetime]] = {}
    stamp: dt.datetime | None = None
    # Output is newest first: the first time seen is the last commit, the last one seen the first commit.
    for chunk in log.replace("\n", "\0").split("\0"):
        if not chunk:
            continue
        if chunk.startswith("@") and chunk[1:].isdigit():
            stamp = dt.datetime.fromtimestamp(int(chunk[1:]), tz)
            continue
        if stamp is None or not chunk.startswith(top):
            continue
        rel = chunk[len(top):]
        last = times.get(rel, (stamp, stamp))[1]
        times[rel] = (stamp, last)
    return times


def _read_git_changes(root: Path) -> set[str]:
    """Vault-relative paths of the tracked files below `root` that differ from the last commit (staged
    or not), from one `git diff`."""
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "diff", "HEAD", "--name-only", "--no-renames", "--relative", "-z", "--", "."],
            capture_output=True, text=True, check=True, timeout=120,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    return {path for path in out.split("\0") if path}
