"""What the CommonMark block pass (`markdown/commonmark_blocks.py`) costs the Markdown conversion.

Converts every note of a folder with the site's extension list, with and without the pass, in
alternating rounds, and prints the best round of each, how many notes the gate let through and what
the gate itself took.

    python tests/bench/commonmark_cost.py FOLDER [--rounds 5]
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from mkdocs_vault.markdown import commonmark_blocks
from mkdocs_vault.markdown.site_config import build_markdown, markdown_config

_FRONTMATTER = re.compile(r"\A---\r?\n.*?\r?\n(---|\.\.\.)\s*(\r?\n|\Z)", re.DOTALL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    bodies = [
        _FRONTMATTER.sub("", p.read_text(encoding="utf-8", errors="replace"), count=1)
        for p in sorted(args.folder.rglob("*.md"))
    ]
    config = markdown_config()
    without = markdown_config()
    without.extensions = [
        e for e in without.extensions if not isinstance(e, commonmark_blocks.CommonMarkBlocksExtension)
    ]
    best = {"with": float("inf"), "without": float("inf")}
    for _ in range(args.rounds):
        for name, cfg in (("without", without), ("with", config)):
            md = build_markdown(cfg)
            start = time.perf_counter()
            for body in bodies:
                md.reset()
                md.convert(body)
            best[name] = min(best[name], time.perf_counter() - start)
    split = [b.expandtabs(4).split("\n") for b in bodies]
    gate = float("inf")
    for _ in range(args.rounds):
        start = time.perf_counter()
        needing = sum(commonmark_blocks.needs_commonmark(lines) for lines in split)
        gate = min(gate, time.perf_counter() - start)
    print(
        f"{len(bodies)} notes, {needing} through the pass; best of {args.rounds}: "
        f"without {best['without']:.3f} s, with {best['with']:.3f} s "
        f"({(best['with'] / best['without'] - 1) * 100:+.1f} %); the gate alone {gate * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
