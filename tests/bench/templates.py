"""The per-template scaling check behind `make bench`: query time per template at N and 2N notes.

A template is one query text written on many pages (every person page's "meetings attended"). For
each generated vault (N and 2N notes, `generate.py`), every ```dataview block of every note becomes
one entry of a `mkdocs-vault query --batch` run, from the note it is written in, with the vault's
`today`; `--timings` gives each entry's seconds. Per template it prints the pages holding it, the
result rows and the query time at both sizes, and how much faster the time grew than the pages and
rows did: a set-based template's time follows its pages and rows (about 1), one that compares every
page with every note doubles again (about 2) and is marked `<<`.

This runs the query engine only (loading and indexing are outside the timings, rendering is not in
it), so it is cheap: two `query --batch` processes instead of two more full builds.

    .venv/bin/python tests/bench/templates.py [-n 2000] [--seed 0] [--out .bench]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import TODAY, generate

REPO = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"^```dataview\n(.*?)\n```$", re.DOTALL | re.MULTILINE)
SUSPECT = 1.5  # time growth over (pages + rows) growth above this is marked


@dataclass
class Template:
    """One query text's figures in one vault."""

    pages: int = 0
    rows: int = 0
    errors: int = 0
    seconds: float = 0.0


@dataclass
class Run:
    n: int
    wall_s: float  # the whole `query --batch` process, loading and indexing included
    templates: dict[str, Template] = field(default_factory=dict)


def result_rows(expect: dict[str, Any]) -> int:
    """Rows a result shows (tasks counted through their groups)."""
    kind = expect.get("type")
    if kind == "table":
        return len(expect["rows"])
    if kind == "list":
        return len(expect["items"])
    if kind == "calendar":
        return len(expect["entries"])
    if kind == "task":
        if "tasks" in expect:
            return len(expect["tasks"])
        return sum(_group_rows(g) for g in expect.get("groups", []))
    return 0


def _group_rows(group: dict[str, Any]) -> int:
    if "tasks" in group:
        return len(group["tasks"])
    return sum(_group_rows(g) for g in group.get("groups", []))


def entries_of(vault: Path) -> tuple[list[dict[str, str]], dict[str, str]]:
    """Every ```dataview block as a batch entry, and entry id -> the block's query text."""
    entries, template_of = [], {}
    for note in sorted(vault.rglob("*.md")):
        origin = note.relative_to(vault).as_posix()
        for k, m in enumerate(BLOCK.finditer(note.read_text(encoding="utf-8"))):
            entry_id = f"{origin}#{k}"
            entries.append({"id": entry_id, "origin": origin, "query": m.group(1), "today": TODAY})
            template_of[entry_id] = m.group(1)
    return entries, template_of


def run_vault(n: int, out: Path, seed: int) -> Run:
    generated = generate(out / f"templates-n{n}", n, seed)
    entries, template_of = entries_of(generated.vault)
    batch = generated.root / "entries.json"
    batch.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    timings = generated.root / "timings.json"
    cli = Path(sys.executable).with_name("mkdocs-vault")
    cmd = [
        str(cli),
        "query",
        "-f",
        str(generated.plugin_config),
        "--batch",
        str(batch),
        "--timings",
        str(timings),
    ]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    results = json.loads(done.stdout)
    seconds = json.loads(timings.read_text(encoding="utf-8"))
    run = Run(n, wall)
    for entry_id, text in template_of.items():
        t = run.templates.setdefault(text, Template())
        t.pages += 1
        t.rows += result_rows(results[entry_id])
        t.errors += results[entry_id].get("type") == "error"
        t.seconds += seconds[entry_id]
    return run


def growth(a: float, b: float) -> float | None:
    return b / a if a else None


def report(small: Run, large: Run) -> list[str]:
    lines = [
        (
            f"Per-template query time at N = {small.n:,} and 2N = {large.n:,} (mkdocs-vault query --batch;"
            f" whole process {small.wall_s:.1f} s and {large.wall_s:.1f} s)"
        ),
        "",
        f"{'pages':>13} {'rows':>15} {'ms':>17} {'µs/unit':>8} {'growth':>6}  template",
    ]
    flagged = 0
    for text, a in sorted(small.templates.items(), key=lambda kv: -large.templates[kv[0]].seconds):
        b = large.templates.get(text, Template())
        size = growth(a.pages + a.rows, b.pages + b.rows) or 1.0
        time_growth = growth(a.seconds, b.seconds)
        excess = None if time_growth is None else time_growth / size
        mark = "<<" if excess is not None and excess > SUSPECT else "  "
        flagged += mark == "<<"
        one_line = " ".join(text.split())
        errors = f" ({a.errors}/{b.errors} errors)" if a.errors or b.errors else ""
        lines.append(
            f"{a.pages:>6} {b.pages:>6} {a.rows:>7} {b.rows:>7} {a.seconds * 1000:>8.1f} {b.seconds * 1000:>8.1f}"
            f" {b.seconds * 1e6 / max(1, b.pages + b.rows):>8.0f}"
            f" {'-' if excess is None else f'{excess:.2f}':>6}{mark}{one_line}{errors}"
        )
    total_a = sum(t.seconds for t in small.templates.values())
    total_b = sum(t.seconds for t in large.templates.values())
    lines += [
        "",
        f"all templates: {total_a:.2f} s at {small.n:,}, {total_b:.2f} s at {large.n:,}",
        (
            "µs/unit = microseconds per page holding the template plus result row, at 2N;"
            " growth = time growth / (pages + rows) growth: about 1 when a template's cost follows its"
            f" pages and results, 2 when it compares every page with every note; {flagged} above {SUSPECT} (<<)"
        ),
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--notes", type=int, default=2000, help="N (default 2000); 2N is run too")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=REPO / ".bench", help="work directory (default .bench/)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    small = run_vault(args.notes, args.out, args.seed)
    large = run_vault(2 * args.notes, args.out, args.seed)
    print("\n".join(report(small, large)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
