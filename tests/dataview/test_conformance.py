"""The Dataview conformance corpus (../shared/conformance/dataview): every query and expression.

Runs both files through `run_batch` (FROM evaluated in Python) and the queries once more with FROM
compiled to SQL over the DuckDB index, checks them with the corpus' own `compare.py`, prints the pass
counts, and fails if any case not listed in `known_failures.txt` fails.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs_vault.dataview.batch import load_pages, run_entries
from mkdocs_vault.dataview.values import UTC

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "dataview"
KNOWN = Path(__file__).with_name("known_failures.txt")
SUMMARY: list[str] = []  # printed at the end of the run by conftest.py

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="conformance corpus (../shared) not present")


def known_failures() -> set[str]:
    if not KNOWN.exists():
        return set()
    ids = set()
    for line in KNOWN.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            ids.add(line.split()[0])
    return ids


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus vault copied with its recorded file times applied."""
    root = tmp_path_factory.mktemp("conformance") / "vault"
    shutil.copytree(CORPUS / "vault", root)
    for rel, iso in json.loads((CORPUS / "mtimes.json").read_text(encoding="utf-8")).items():
        t = dt.datetime.fromisoformat(iso).timestamp()
        os.utime(root / rel, (t, t))
    return root


@pytest.fixture(scope="module")
def pages(vault: Path):
    return load_pages(vault, UTC)


def compare(name: str, actual: dict, tmp_path: Path) -> tuple[int, int, set[str]]:
    out = tmp_path / f"{name}.actual.json"
    out.write_text(json.dumps(actual, ensure_ascii=False), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(CORPUS / "compare.py"), str(CORPUS / f"{name}.json"), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = proc.stdout.strip().splitlines()
    summary = lines[-1]
    passed, failed = int(summary.split()[0]), int(summary.split()[2])
    failing = {line.split(":")[0] for line in lines[:-1] if line and line[0] in "qe" and ":" in line}
    for line in lines[:-1]:
        print(line)
    return passed, failed, failing


def check(name: str, label: str, actual: dict, tmp_path: Path) -> None:
    passed, failed, failing = compare(name, actual, tmp_path)
    print(f"{label}: {passed} passed, {failed} failed")
    SUMMARY.append(f"{label}: {passed} passed, {failed} failed")
    unexpected = failing - known_failures()
    assert not unexpected, f"{label}: cases failing that are not in known_failures.txt: {sorted(unexpected)}"


def test_queries(pages, tmp_path: Path) -> None:
    entries = json.loads((CORPUS / "queries.json").read_text(encoding="utf-8"))
    check("queries", "queries", run_entries(pages, entries, UTC), tmp_path)


def test_queries_with_sql_sources(pages, tmp_path: Path) -> None:
    """Same corpus with FROM compiled to SQL over the lead's DuckDB index."""
    from mkdocs_vault.index.build import IndexBuilder, build_index, connect

    builder = pages.builder

    def link_state(target: str, source: str) -> tuple[str | None, str]:
        path = builder.resolve(target, source) if builder.resolve else None
        if path is None:
            return None, "unresolved"
        return path, "resolved"

    con = connect()
    build_index(con, IndexBuilder(link_state, tz=UTC), pages.notes.values())
    entries = json.loads((CORPUS / "queries.json").read_text(encoding="utf-8"))
    check("queries", "queries (SQL sources)", run_entries(pages, entries, UTC, con), tmp_path)


def test_expressions(pages, tmp_path: Path) -> None:
    entries = json.loads((CORPUS / "expressions.json").read_text(encoding="utf-8"))
    check("expressions", "expressions", run_entries(pages, entries, UTC), tmp_path)
