"""Time the first `VaultState.refresh()` (load, resolve, publish, index) of a generated vault, in one
process, the way the plugin's `on_config`/`on_files` run it, without the rest of the MkDocs build.

The issue's target is "loading and indexing 10,000 notes under 2 s"; a whole build takes ~100 s, so
this is the loop to measure that target in. Each run is a fresh child process (a cold cache, as a
`mkdocs build` has); it prints the phase times, wall and CPU time of `refresh()` per run, and medians.

    .venv/bin/python tests/bench/load_index.py [.bench/n10000] [--runs 5] [--mkdocs]

`--mkdocs` imports MkDocs, Material and the Markdown extensions first, as a real build has by then:
a bigger heap makes the garbage collector's full collections dearer, so figures come closer to the
ones the build logs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PHASES = ("load", "resolve", "publish", "index")


def run_once(bench: Path, with_mkdocs: bool) -> dict[str, float]:
    """One cold refresh in this process; the timings dict plus `wall` and `cpu` of the whole refresh."""
    sys.path.insert(0, str(REPO / "plugins"))
    if with_mkdocs:
        import material.plugins.search.plugin  # noqa: F401
        import mkdocs.commands.build  # noqa: F401
        import pymdownx.superfences  # noqa: F401
    import yaml
    from mkdocs_vault.pipeline import Options, VaultState

    config = yaml.safe_load((bench / "mkdocs.yml").read_text(encoding="utf-8"))
    plugin_config = next(p["vault"] for p in config["plugins"] if isinstance(p, dict) and "vault" in p)
    state = VaultState(bench / config.get("docs_dir", "docs"), Options.from_config(plugin_config))
    wall, cpu = time.perf_counter(), time.process_time()
    state.refresh()
    out = dict(state.timings)
    out["wall"] = time.perf_counter() - wall
    out["cpu"] = time.process_time() - cpu
    out["notes"] = len(state.decision.notes)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bench", nargs="?", default=str(REPO / ".bench" / "n10000"), type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mkdocs", action="store_true", help="import MkDocs and Material first")
    parser.add_argument("--once", action="store_true", help=argparse.SUPPRESS)  # one run, as JSON
    args = parser.parse_args()
    if args.once:
        print(json.dumps(run_once(args.bench.resolve(), args.mkdocs)))
        return
    if not (args.bench / "vault").is_dir():
        sys.exit(f"no vault in {args.bench}; create one with: .venv/bin/python tests/bench/generate.py")
    runs = []
    for i in range(args.runs):
        cmd = [sys.executable, __file__, str(args.bench), "--once"] + (["--mkdocs"] if args.mkdocs else [])
        result = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        runs.append(result)
        print(f"run {i + 1}: " + ", ".join(f"{k} {result[k]:.2f}s" for k in (*PHASES, "wall", "cpu")))
    medians = {k: statistics.median(r[k] for r in runs) for k in (*PHASES, "wall", "cpu")}
    print(
        f"median of {len(runs)} ({runs[0]['notes']} published notes): "
        + ", ".join(f"{k} {v:.2f}s" for k, v in medians.items())
        + f"; load+resolve+index {medians['load'] + medians['resolve'] + medians['index']:.2f}s"
    )


if __name__ == "__main__":
    main()
