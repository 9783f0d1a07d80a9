"""Profile one plugin build and one plain build of a generated vault with cProfile, and say where the
time goes: self time per library (with the standard library's and builtins' time charged to whoever
called them), and the plugin's own functions by cumulative time.

    .venv/bin/python tests/bench/profile_build.py .bench/n10000
"""

from __future__ import annotations

import pstats
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import measure

# Where self time goes, by the file a function lives in; the first matching bucket wins. DuckDB's
# execute/fetch calls are invisible to cProfile: their time is the calling plugin function's self time.
BUCKETS = (
    ("vault plugin", ("mkdocs_vault", "/overrides/")),
    ("search index (Material search plugin)", ("material/plugins/search",)),
    ("templates (Jinja + Material)", ("jinja2", "material/templates", "markupsafe")),
    ("Markdown (Python-Markdown + pymdownx)", ("markdown/", "pymdownx", "xml/etree")),
    ("YAML", ("yaml/", "ruamel")),
    ("DuckDB / Arrow (Python side only)", ("duckdb", "pyarrow")),
    ("MkDocs", ("mkdocs/",)),
)
OTHER = "other (start-up, imports, file writes)"
Stats = dict[tuple[str, int, str], tuple]  # pstats' raw table: key -> (cc, nc, tt, ct, callers)


def profile(config: Path, out: Path, timeout: float) -> Stats:
    """Build once under cProfile (2-3x slower than a normal build) and return the raw statistics."""
    config, out = config.resolve(), out.resolve()  # the build runs in the config's folder
    site = config.parent / "site-profile"
    shutil.rmtree(site, ignore_errors=True)
    cmd = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "mkdocs", "build", "-f", str(config)]
    cmd += ["-d", str(site)]
    log = config.parent / f"build-profile-{out.stem}.log"
    rc, *_ = measure(cmd, config.parent, log, timeout)
    shutil.rmtree(site, ignore_errors=True)
    if rc != 0:
        raise RuntimeError(f"profiled build failed; see {log}")
    return pstats.Stats(str(out)).stats  # type: ignore[attr-defined]


def buckets(raw: Stats) -> dict[str, float]:
    """Self seconds per bucket. Builtins and the standard library (re, html.parser, str.join) count
    for whoever called them: their time is shared out over their callers, up to three levels up."""

    def bucket(filename: str) -> str | None:
        return next((b for b, marks in BUCKETS if any(m in filename for m in marks)), None)

    def owner(key: tuple, depth: int = 0) -> dict[str, float]:
        label = bucket(key[0])
        if label is not None or depth == 3:
            return {label or OTHER: 1.0}
        callers = raw[key][4]
        spent = sum(c[2] for c in callers.values())
        if not callers or spent <= 0:
            return {OTHER: 1.0}
        shares: dict[str, float] = {}
        for caller, c in callers.items():
            for label, part in owner(caller, depth + 1).items():
                shares[label] = shares.get(label, 0.0) + part * c[2] / spent
        return shares

    out: dict[str, float] = {}
    for key, (_cc, _nc, tt, _ct, _callers) in raw.items():
        for label, part in owner(key).items():
            out[label] = out.get(label, 0.0) + tt * part
    return out


def plugin_functions(raw: Stats, top: int = 25) -> list[str]:
    """Markdown table rows: the plugin's functions by cumulative time."""
    ours = sorted(((k, v) for k, v in raw.items() if "mkdocs_vault" in k[0]), key=lambda kv: -kv[1][3])
    rows = ["| plugin function | calls | self s | cumulative s |", "|---|---:|---:|---:|"]
    for (filename, line, name), (_cc, nc, tt, ct, _callers) in ours[:top]:
        short = filename.split("mkdocs_vault/", 1)[-1]
        rows.append(f"| `{short}:{line} {name}` | {nc} | {tt:.2f} | {ct:.2f} |")
    return rows


def profile_both(root: Path, timeout: float = 3600, top: int = 25) -> str:
    """Profile the plugin and the plain build of the generated vault in `root`; a Markdown report."""
    plugin = profile(root / "mkdocs.yml", root / "plugin.prof", timeout)
    plain = profile(root / "mkdocs-plain.yml", root / "plain.prof", timeout)
    a, b = buckets(plugin), buckets(plain)
    total_a, total_b = sum(a.values()), sum(b.values())
    lines = ["| where (self time, profiled) | plugin s | plain s | extra s |", "|---|---:|---:|---:|"]
    for label in sorted(set(a) | set(b), key=lambda k: -a.get(k, 0.0)):
        x, y = a.get(label, 0.0), b.get(label, 0.0)
        lines.append(f"| {label} | {x:.1f} | {y:.1f} | {x - y:+.1f} |")
    lines.append(f"| **total** | {total_a:.1f} | {total_b:.1f} | {total_a - total_b:+.1f} |")
    return "\n".join(lines + [""] + plugin_functions(plugin, top))


if __name__ == "__main__":
    print(profile_both(Path(sys.argv[1])))
