"""Rebuild times under `mkdocs serve --dirty`: one save of one note on a generated vault.

For each N (default 1,000 and 10,000) it generates a vault into `.bench/incremental-n<N>/` with
`generate.py`, then drives MkDocs in this process exactly as `mkdocs serve --dirty` does (one kept
plugin instance, `build(config, serve_url=..., dirty=True)` per change): a first full build, a rebuild
with nothing changed, and one rebuild after each kind of edit below. Per rebuild it prints the wall
time and CPU time, how many HTML pages were written, and the plugin's phase summary.

    .venv/bin/python tests/bench/incremental.py [--sizes 1000 10000] [--profile LABEL ...] [--written]

Edits (each saved once, then rebuilt):
  body      a sentence appended to a person's note (its page, the pages linking to it, the queries
            that list it)
  link      a meeting gains an attendee link in its text (backlinks and timeline of the person)
  status    a project's `status` property changes (directory listing, queries filtering on status)
  unpublish a person's note gets `publish: false` (its page is removed)
  attendees a meeting's first attendee is replaced by another person (the person pages listing the
            meetings they attended, through `contains(attendees, this.file.link)`)
  task      an open action item is ticked (its owner's page, and every project page showing the
            vault's open tasks: the first 50 and their count)
  republish the note of `unpublish` is published again (`publish: false` taken out)
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import pstats
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

REPO = Path(__file__).resolve().parents[2]
SERVE_URL = "http://127.0.0.1:8000/"


@dataclass
class Rebuild:
    label: str
    seconds: float
    cpu: float  # CPU seconds of this process during the rebuild (user + system)
    written: int  # HTML files written by this build
    removed: int  # HTML files this build removed
    summary: str  # the plugin's phase summary line


class _Summary(logging.Handler):
    """Keeps the plugin's end-of-build summary line."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.last = ""

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "published notes" in message and " load " in message:
            self.last = message


def _html_times(site: Path) -> dict[str, int]:
    out = {}
    for dirpath, _dirs, files in os.walk(site):
        for name in files:
            if name.endswith(".html"):
                path = os.path.join(dirpath, name)
                out[path] = os.stat(path).st_mtime_ns
    return out


def _save(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    later = time.time() + 2  # newer than every output, whatever the file system's time resolution
    os.utime(path, (later, later))


def _first(vault: Path, folder: str, index: int = 0) -> Path:
    return sorted((vault / folder).rglob("*.md"))[index]


def edits(vault: Path) -> list[tuple[str, callable]]:
    """(label, function that saves the edit) for each kind of edit."""
    person = _first(vault, "People", 3)
    other = _first(vault, "People", 7)
    meeting = _first(vault, "Meetings", 11)
    project = _first(vault, "Projects", 2)
    hidden = _first(vault, "People", 5)

    def body() -> None:
        _save(person, person.read_text(encoding="utf-8") + "\nAdded while the site was being served.\n")

    def link() -> None:
        _save(meeting, meeting.read_text(encoding="utf-8") + f"\nAlso present: [[{other.stem}]].\n")

    def status() -> None:
        text = project.read_text(encoding="utf-8")
        new, n = re.subn(r"^status: .*$", "status: on-hold", text, count=1, flags=re.MULTILINE)
        _save(project, new if n else text.replace("---\n", "---\nstatus: on-hold\n", 1))

    def unpublish() -> None:
        _save(hidden, hidden.read_text(encoding="utf-8").replace("---\n", "---\npublish: false\n", 1))

    attended = _first(vault, "Meetings", 23)
    newcomer = _first(vault, "People", 9)
    ticked = _first(vault, "Meetings", 31)

    def attendees() -> None:
        text = attended.read_text(encoding="utf-8")
        _save(
            attended,
            re.sub(
                r'^(attendees:\n- )"\[\[[^\]]+\]\]"',
                rf'\1"[[{newcomer.stem}]]"',
                text,
                count=1,
                flags=re.MULTILINE,
            ),
        )

    def task() -> None:
        text = ticked.read_text(encoding="utf-8")
        _save(
            ticked,
            text.replace("- [ ] ", "- [x] ", 1) if "- [ ] " in text else text + "\n- [ ] A new action\n",
        )

    def republish() -> None:
        _save(hidden, hidden.read_text(encoding="utf-8").replace("---\npublish: false\n", "---\n", 1))

    return [
        ("body", body),
        ("link", link),
        ("status", status),
        ("unpublish", unpublish),
        ("attendees", attendees),
        ("task", task),
        ("republish", republish),
    ]


def bench(n: int, out: Path, seed: int, profile: list[str], show_written: bool = False) -> list[Rebuild]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = out / f"incremental-n{n}"
    generated = generate(root, n, seed)
    site = root / "site-dirty"
    summary = _Summary()
    plugin_log = logging.getLogger("mkdocs.plugins.mkdocs_vault")
    plugin_log.setLevel(logging.INFO)  # the summary is an INFO record
    plugin_log.propagate = False  # ... kept here, not printed
    plugin_log.addHandler(summary)

    def config():
        return load_config(config_file=str(generated.plugin_config), site_dir=str(site))

    first = config()
    first.plugins.on_startup(command="serve", dirty=True)
    results: list[Rebuild] = []

    def run(label: str, cfg=None) -> None:
        before = _html_times(site) if site.exists() else {}
        profiler = cProfile.Profile() if label in profile else None
        start, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        build(cfg or config(), serve_url=SERVE_URL, dirty=True)
        if profiler:
            profiler.disable()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        after = _html_times(site)
        written = sum(1 for p, t in after.items() if before.get(p) != t)
        removed = sum(1 for p in before if p not in after)
        results.append(Rebuild(label, seconds, cpu, written, removed, summary.last))
        print(
            f"  N={n:>6} {label:<10} {seconds:7.2f} s ({cpu:.2f} s CPU) {written:>6} pages written, {removed} removed",
            flush=True,
        )
        if show_written and label != "full":
            for path in sorted(p for p, t in after.items() if before.get(p) != t):
                print(f"    written: {os.path.relpath(path, site)}")
        if profiler:
            stream = io.StringIO()
            stats = pstats.Stats(profiler, stream=stream)
            stats.sort_stats("cumulative").print_stats(35)
            stats.sort_stats("tottime").print_stats(20)
            stats.sort_stats("cumulative").print_stats("mkdocs_vault", 40)
            print(stream.getvalue())

    run("full", first)
    run("nothing")
    for label, save in edits(generated.vault):
        save()
        run(label)
    plugin_log.removeHandler(summary)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=REPO / ".bench", help="work directory (default .bench/)")
    parser.add_argument(
        "--profile", metavar="LABEL", nargs="*", default=[], help="print a cProfile of these rebuilds (e.g. body)"
    )
    parser.add_argument("--written", action="store_true", help="list the HTML files each rebuild wrote")
    args = parser.parse_args(argv)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s %(message)s")
    table = []
    for n in args.sizes:
        print(f"N = {n}", flush=True)
        table.append((n, bench(n, args.out, args.seed, args.profile, args.written)))
    print("\n| N | rebuild | seconds | CPU seconds | pages written | pages removed |")
    print("|---:|---|---:|---:|---:|---:|")
    for n, results in table:
        for r in results:
            print(f"| {n} | {r.label} | {r.seconds:.2f} | {r.cpu:.2f} | {r.written} | {r.removed} |")
    for n, results in table:
        for r in results:
            print(f"N={n} {r.label}: {r.summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
