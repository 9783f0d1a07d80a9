"""Summarise a py-spy profile recorded in raw (collapsed-stack) form: each function's share of the
samples, inclusive and self, and optionally what one function's time is spent in.

    .venv/bin/pip install py-spy           # not a test dependency
    cd .bench/n10000 && ../../.venv/bin/py-spy record -r 50 -f raw -o /tmp/build.txt -- \\
        ../../.venv/bin/python -m mkdocs build -q -d /tmp/site
    .venv/bin/python tests/bench/pyspy_summary.py /tmp/build.txt [--top 60] [--children NAME]

py-spy samples the running process from outside (about 2 % overhead at 50 Hz), so unlike cProfile
the shares are those of a normal build. Add `--native` to py-spy to see time spent in C (samples
with no Python frame, such as the interpreter's last garbage collection, show as an empty name).
"""

from __future__ import annotations

import argparse
import collections
import re
from pathlib import Path

_LINE = re.compile(r":\d+\)$")


def read(path: Path) -> tuple[list[tuple[list[str], int]], int]:
    stacks, total = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        total += n
        stacks.append(([_LINE.sub(")", f) for f in stack.split(";")], n))
    return stacks, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=60)
    parser.add_argument("--children", metavar="NAME", help="where the time of functions starting with NAME goes")
    args = parser.parse_args()
    stacks, total = read(args.profile)
    print(f"{total} samples")
    if args.children:
        below: collections.Counter[str] = collections.Counter()
        for frames, n in stacks:
            for i, frame in enumerate(frames):
                if frame.startswith(args.children):
                    below[frames[i + 1] if i + 1 < len(frames) else "<self>"] += n
                    break
        for name, n in below.most_common(args.top):
            print(f"{n / total * 100:6.1f}%  {name}")
        return
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    for frames, n in stacks:
        for frame in set(frames):
            inclusive[frame] += n
        own[frames[-1]] += n
    print("  incl.   self  function")
    for name, n in inclusive.most_common(args.top):
        print(f"{n / total * 100:6.1f}% {own[name] / total * 100:5.1f}%  {name}")


if __name__ == "__main__":
    main()
