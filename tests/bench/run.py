"""The benchmark behind `make bench`: the plugin against plain MkDocs + Material on the same vault.

For each N (default 1,000 and 10,000; `--sizes 1000 10000 50000` for the large run) it generates one
vault into `.bench/n<N>/` (git-ignored) with `generate.py`, then builds it twice in the same run, each
build a child process: with the `vault` plugin, and with plain MkDocs + Material (plugin off, a nav
of just the home page). Per build it records wall time, CPU time and peak memory (the child's own
rusage from `os.wait4`, the figure `/usr/bin/time -v` prints, without needing that package), the
size of the site directory and of `search/search_index.json`; and, for the plugin, the per-phase
times from the one-line summary it logs at the end of every build. It prints a table with the
plugin/plain ratios and writes every figure to `.bench/results.json`; `--markdown` also prints the
tables in Markdown for BENCHMARKS.md.

    .venv/bin/python tests/bench/run.py [--sizes 1000 10000] [--repeat 1] [--markdown]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

REPO = Path(__file__).resolve().parents[2]

# The plugin's end-of-build summary: "mkdocs_vault: ... load 0.19s, resolve 0.01s, ... build 1.51s".
SUMMARY = re.compile(r"mkdocs_vault: .*\bload \d")
PHASE = re.compile(r"\b([a-z_]+) (\d+(?:\.\d+)?)s\b")


@dataclass
class Build:
    """One measured `mkdocs build`."""

    kind: str  # "plugin" or "plain"
    returncode: int
    wall_s: float
    cpu_s: float  # user + system time of the child
    peak_rss_mb: float
    site_mb: float
    search_index_mb: float
    warnings: int
    phases: dict[str, float] = field(default_factory=dict)
    log: str = ""  # path of the build's captured output
    timed_out: bool = False
    load_average: float = 0.0  # 1-minute load average as the build started: other work on the machine


@dataclass
class SizeResult:
    n: int
    generate_s: float
    counts: dict[str, int]
    plugin: Build
    plain: Build

    def ratio(self, attr: str) -> float | None:
        a, b = getattr(self.plugin, attr), getattr(self.plain, attr)
        return a / b if b else None


def dir_size(path: Path) -> int:
    """Apparent size in bytes of every file under `path` (what `du -sb` reports)."""
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:
                pass
    return total


def measure(
    cmd: list[str], cwd: Path, log_path: Path, timeout: float
) -> tuple[int, float, float, float, bool]:
    """Run `cmd` as a child; return (returncode, wall s, cpu s, peak RSS MB, timed out).

    `os.wait4` gives the rusage of exactly this child (not every child the harness ever ran, as
    RUSAGE_CHILDREN would), and reaping it ourselves keeps the wall time free of polling delays.
    """
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONHASHSEED="0")
    with log_path.open("wb") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=env)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so tell Popen
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    rss_mb = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return proc.returncode, wall, usage.ru_utime + usage.ru_stime, rss_mb, killed.is_set()


def parse_phases(log_text: str) -> dict[str, float]:
    """Per-phase seconds from the plugin's last summary line ({} when it logged none)."""
    lines = [line for line in log_text.splitlines() if SUMMARY.search(line)]
    if not lines:
        return {}
    tail = lines[-1].split("mkdocs_vault:", 1)[1]
    return {name: float(value) for name, value in PHASE.findall(tail)}


def build(kind: str, config: Path, site_dir: Path, timeout: float) -> Build:
    shutil.rmtree(site_dir, ignore_errors=True)
    log_path = config.parent / f"build-{kind}.log"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    cmd = [sys.executable, "-m", "mkdocs", "build", "--clean", "-f", str(config)]
    rc, wall, cpu, rss, timed_out = measure(cmd, config.parent, log_path, timeout)
    text = log_path.read_text(encoding="utf-8", errors="replace")
    index = site_dir / "search" / "search_index.json"
    return Build(
        kind=kind,
        returncode=rc,
        wall_s=wall,
        cpu_s=cpu,
        peak_rss_mb=rss,
        site_mb=dir_size(site_dir) / 1e6 if site_dir.exists() else 0.0,
        search_index_mb=index.stat().st_size / 1e6 if index.exists() else 0.0,
        warnings=sum(1 for line in text.splitlines() if line.startswith("WARNING")),
        phases=parse_phases(text) if kind == "plugin" else {},
        log=str(log_path),
        timed_out=timed_out,
        load_average=load,
    )


def best_of(runs: list[Build]) -> Build:
    """The run with the median wall time (the first when there is one), so one slow outlier on a
    shared machine does not decide the figure."""
    ordered = sorted(runs, key=lambda b: b.wall_s)
    return ordered[(len(ordered) - 1) // 2]


def bench_size(n: int, out: Path, seed: int, repeat: int, timeout: float) -> SizeResult:
    start = time.perf_counter()
    vault = generate(out / f"n{n}", n, seed)
    generate_s = time.perf_counter() - start
    print(f"\nN = {n}: generated in {generate_s:.1f}s ({_counts(vault.counts)})", flush=True)
    runs: dict[str, list[Build]] = {"plugin": [], "plain": []}
    for _ in range(repeat):
        for kind, config, site in (
            ("plugin", vault.plugin_config, vault.root / "site-vault"),
            ("plain", vault.plain_config, vault.root / "site-plain"),
        ):
            result = build(kind, config, site, timeout)
            status = "timed out" if result.timed_out else f"exit {result.returncode}"
            print(
                f"  {kind:6} {result.wall_s:7.1f}s wall {result.cpu_s:7.1f}s CPU {result.peak_rss_mb:6.0f} MB"
                f"  ({status}; load average {result.load_average:.1f} at start)",
                flush=True,
            )
            runs[kind].append(result)
    return SizeResult(n, generate_s, vault.counts, best_of(runs["plugin"]), best_of(runs["plain"]))


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{v} {k}" for k, v in counts.items())


COLUMNS = (
    ("wall s", "wall_s", "{:.1f}"),
    ("CPU s", "cpu_s", "{:.1f}"),
    ("peak MB", "peak_rss_mb", "{:.0f}"),
    ("site MB", "site_mb", "{:.1f}"),
    ("search index MB", "search_index_mb", "{:.2f}"),
)


def table_rows(result: SizeResult) -> list[list[str]]:
    rows = []
    for b in (result.plugin, result.plain):
        status = "" if b.returncode == 0 else (" (timed out)" if b.timed_out else f" (exit {b.returncode})")
        rows.append([f"{b.kind}{status}"] + [fmt.format(getattr(b, attr)) for _, attr, fmt in COLUMNS])
    ratios = [result.ratio(attr) for _, attr, _ in COLUMNS]
    rows.append(["plugin / plain"] + ["-" if r is None else f"{r:.2f}x" for r in ratios])
    return rows


def phases_text(build: Build) -> str:
    if not build.phases:
        return "(the plugin logged no summary line)"
    return ", ".join(f"{k} {v:.2f}s" for k, v in build.phases.items())


def print_text(results: list[SizeResult]) -> None:
    header = ["N = {n}"] + [name for name, _, _ in COLUMNS]
    for r in results:
        rows = [[h.format(n=f"{r.n:,}") for h in header]] + table_rows(r)
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        print()
        for row in rows:
            print(
                "  ".join(
                    cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))
                )
            )
        print(f"plugin phases: {phases_text(r.plugin)}")
        print(f"warnings: plugin {r.plugin.warnings}, plain {r.plain.warnings}")
    print_scaling(results, print)
    for line in target_lines(results):
        print(line)


def print_scaling(results: list[SizeResult], out) -> None:
    """Time at the largest N over time at the smallest, against the growth in N (linear = equal)."""
    if len(results) < 2:
        return
    small, large = results[0], results[-1]
    growth = large.n / small.n
    for kind in ("plugin", "plain"):
        a, b = getattr(small, kind).wall_s, getattr(large, kind).wall_s
        if a:
            out(f"{kind}: time at {large.n:,} is {b / a:.1f}x time at {small.n:,} (N grew {growth:.0f}x)")


def target_lines(results: list[SizeResult]) -> list[str]:
    """The performance issue's targets at 10,000 notes, met or not (reported, never asserted)."""
    by_n = {r.n: r for r in results}
    big, small = by_n.get(10000), by_n.get(1000)
    if big is None:
        return []
    p = big.plugin
    load_index = sum(p.phases.get(k, 0.0) for k in ("load", "resolve", "index"))
    checks = [
        (
            f"full build at most 1.3x plain: {big.ratio('wall_s'):.2f}x wall, {big.ratio('cpu_s'):.2f}x CPU",
            big.ratio("wall_s") is not None and big.ratio("wall_s") <= 1.3,
        ),
        (f"peak memory under 1 GB: {p.peak_rss_mb:.0f} MB", p.peak_rss_mb < 1000),
        (f"load + resolve + index under 2 s: {load_index:.2f} s", bool(p.phases) and load_index < 2.0),
    ]
    if small is not None and small.plugin.wall_s:
        growth = p.wall_s / small.plugin.wall_s
        checks.append((f"time at 10,000 at most 11x time at 1,000: {growth:.1f}x", growth <= 11))
    return [f"{'met' if ok else 'NOT met'}: {text}" for text, ok in checks]


def print_markdown(results: list[SizeResult]) -> None:
    print()
    header = ["N", "build"] + [name for name, _, _ in COLUMNS]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" if i < 2 else "---:" for i in range(len(header))) + "|")
    for r in results:
        for row in table_rows(r):
            print(f"| {r.n:,} | " + " | ".join(row) + " |")
    print()
    print("| N | " + " | ".join(_phase_names(results)) + " |")
    print("|---|" + "|".join("---:" for _ in _phase_names(results)) + "|")
    for r in results:
        print(
            f"| {r.n:,} | "
            + " | ".join(f"{r.plugin.phases.get(k, 0):.2f}" for k in _phase_names(results))
            + " |"
        )
    print()
    print_scaling(results, lambda line: print(f"- {line}"))
    for line in target_lines(results):
        print(f"- {line}")


def _phase_names(results: list[SizeResult]) -> list[str]:
    names: list[str] = []
    for r in results:
        names += [k for k in r.plugin.phases if k not in names]
    return names


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = "unknown"
    mem = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], check=False, cwd=REPO, capture_output=True, text=True
        ).stdout
        if dirty.strip():
            commit += " (with uncommitted changes)"
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    from importlib.metadata import version

    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit,
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": mem,
        "python": platform.python_version(),
        "mkdocs": version("mkdocs"),
        "mkdocs-material": version("mkdocs-material"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Build time and memory of the vault plugin against plain MkDocs."
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[1000, 10000], help="note counts (default 1000 10000)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=REPO / ".bench", help="work directory (default .bench/)")
    parser.add_argument("--repeat", type=int, default=1, help="builds per configuration; the median is kept")
    parser.add_argument(
        "--timeout", type=float, default=1800, help="seconds before a build is killed (default 1800)"
    )
    parser.add_argument("--markdown", action="store_true", help="also print the tables in Markdown")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile one build of the largest N of each kind with cProfile",
    )
    args = parser.parse_args(argv)

    info = machine()
    print(" | ".join(f"{k}: {v}" for k, v in info.items()))
    args.out.mkdir(parents=True, exist_ok=True)
    results = [
        bench_size(n, args.out, args.seed, max(1, args.repeat), args.timeout) for n in sorted(args.sizes)
    ]
    print_text(results)
    if args.markdown:
        print_markdown(results)
    out = args.out / "results.json"
    out.write_text(
        json.dumps({"machine": info, "command": sys.argv, "results": [asdict(r) for r in results]}, indent=2)
        + "\n",
        encoding="utf-8",
    )
    print(f"\nfigures written to {out}")
    if args.profile:
        from profile_build import profile_both

        largest = max(args.sizes)
        print(f"\ncProfile of one build of {largest:,} notes with the plugin and one without:\n", flush=True)
        print(profile_both(args.out / f"n{largest}", args.timeout))
    failed = [b for r in results for b in (r.plugin, r.plain) if b.returncode != 0]
    for b in failed:
        print(f"{b.kind} build failed; see {b.log}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
