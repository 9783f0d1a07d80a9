"""Benchmark (not a test): run the query mix a generated vault's pages contain; print p50/p95 per query.

usage: python tests/dataview/bench_queries.py [VAULT_DIR] [-n NOTES] [--python-sources]

By default queries run as the site build runs them: over a `VaultState` (loaded, resolved, published,
indexed), with FROM compiled to SQL over its DuckDB index. `--python-sources` evaluates FROM over the
page objects instead (the conformance suite checks that both give the same results).

Without VAULT_DIR it generates an N-note vault (default 10,000) with tests/bench/generate.py. Each
```dataview block and inline `= expr` of every note runs once from the note it is written in.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from mkdocs_vault.dataview import QueryContext, load_pages, run_query
from mkdocs_vault.dataview.values import UTC

BLOCK = re.compile(r"```dataview\n(.*?)```", re.DOTALL)
INLINE = re.compile(r"`=\s*([^`]+)`")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(int(len(values) * p), len(values) - 1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vault", nargs="?", type=Path)
    parser.add_argument("-n", "--notes", type=int, default=10000)
    parser.add_argument("--python-sources", action="store_true", help="FROM over page objects, not SQL")
    args = parser.parse_args(argv)
    vault = args.vault
    if vault is None:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
        from generate import generate  # type: ignore[import-not-found]

        out = Path(tempfile.mkdtemp(prefix="dv-bench-"))
        generate(out, args.notes)
        vault = out / "vault"

    t0 = time.perf_counter()
    if args.python_sources:
        pages = load_pages(vault, UTC, skip_templates=True)
        ctx = QueryContext(pages, dt.datetime.now(UTC), UTC)
    else:
        from mkdocs_vault.dataview.batch import context_for_state
        from mkdocs_vault.pipeline import Options, VaultState

        state = VaultState(vault, Options(timezone="UTC")).refresh()
        ctx = context_for_state(state)
        pages = ctx.pages
    load_s = time.perf_counter() - t0
    by_query: dict[str, list[float]] = defaultdict(list)
    every: list[float] = []
    errors = 0
    for path, note in pages.notes.items():
        queries = [m.group(1) for m in BLOCK.finditer(note.text)] + [
            "=" + m.group(1) for m in INLINE.finditer(note.body)
        ]
        for q in queries:
            t = time.perf_counter()
            result = run_query(q, path, ctx)
            elapsed = time.perf_counter() - t
            errors += result.type == "error"
            shape = re.sub(r"\[\[[^\]]*\]\]", "[[…]]", " ".join(q.split()))[:100]
            by_query[shape].append(elapsed)
            every.append(elapsed)
    total = sum(every)
    how = "FROM over page objects" if args.python_sources else "FROM as SQL over the DuckDB index"
    print(f"vault: {vault} ({len(pages.pages)} pages, {how}); load, index and page objects: {load_s:.2f} s")
    print(f"queries: {len(every)} ({errors} errors), total {total:.2f} s")
    if every:
        print(f"all queries: p50 {pct(every, 0.5) * 1000:.2f} ms, p95 {pct(every, 0.95) * 1000:.2f} ms")
    print(f"{'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}  query")
    for shape, times in sorted(by_query.items(), key=lambda kv: -sum(kv[1])):
        print(
            f"{len(times):6d} {pct(times, 0.5) * 1000:8.2f} {pct(times, 0.95) * 1000:8.2f} "
            f"{statistics.fmean(times) * 1000:8.2f}  {shape}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
