"""One place that collects every problem found in the vault.

The build logs these records through MkDocs' logger and `mkdocs-vault check` prints the same ones, so
a user sees identical findings from both. Records are kept per file so a rebuild can forget the ones of
the files it re-reads.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

WARNING = "warning"
INFO = "info"
ERROR = "error"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    path: str  # vault-relative path of the file concerned
    line: int | None  # 1-based, None when the problem concerns the whole file
    kind: str  # short machine-readable kind: "frontmatter", "encoding", "unresolved-link", "query" ...
    message: str
    level: str = WARNING

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        # One record, one log line: a file named "x\nWARNING - ..." must not forge log lines.
        return one_line(f"{self.location()}: {self.message} [{self.kind}]")

    def as_dict(self) -> dict:
        return asdict(self)


_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def one_line(text: str) -> str:
    """`text` with line breaks and other control characters shown as escapes (`\\n`, `\\t`, `\\x00`)."""
    return _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], text)


class Diagnostics:
    """Collects diagnostics; each distinct record is kept once, in the order found."""

    def __init__(self) -> None:
        self._by_path: dict[str, dict[Diagnostic, None]] = {}

    def report(
        self, path: str, line: int | None, kind: str, message: str, level: str = WARNING
    ) -> Diagnostic:
        record = Diagnostic(path, line, kind, message, level)
        self._by_path.setdefault(path, {})[record] = None
        return record

    def forget(self, paths: Iterable[str], kinds: Iterable[str] | None = None) -> None:
        """Drop what was recorded for these files (all kinds, or only the given ones) before re-reading them."""
        wanted = set(kinds) if kinds is not None else None
        for path in paths:
            records = self._by_path.get(path)
            if not records:
                continue
            if wanted is None:
                del self._by_path[path]
            else:
                self._by_path[path] = {r: None for r in records if r.kind not in wanted}

    def __iter__(self) -> Iterator[Diagnostic]:
        for path in sorted(self._by_path):
            yield from self._by_path[path]

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_path.values())

    def count(self, level: str) -> int:
        return sum(1 for d in self if d.level == level)

    def log_to(self, logger: logging.Logger | logging.LoggerAdapter) -> None:
        for record in self:
            if record.level in (WARNING, ERROR):
                logger.warning(str(record))
            else:
                logger.info(str(record))
