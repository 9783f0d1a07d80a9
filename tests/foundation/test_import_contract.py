"""The import contract: the stages import neither MkDocs, Material, Jinja nor the adapter package
(`[tool.importlinter]` in pyproject.toml), and no module of the plugin imports itself back through
another, counting imports made only for type checking."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [str(LINT_IMPORTS), str(ROOT / "pyproject.toml"), "--no-cache"],
        check=False, cwd=ROOT, capture_output=True, text=True, env=env, timeout=300,
    )


def test_the_stages_import_no_mkdocs():
    result = _lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_contract_catches_a_stage_importing_mkdocs(tmp_path):
    # A copy of the package in which one stage reaches into MkDocs: the same check must fail on it.
    copy = tmp_path / "mkdocs_vault"
    shutil.copytree(ROOT / "plugins" / "mkdocs_vault", copy, ignore=shutil.ignore_patterns("__pycache__"))
    tasks = copy / "pages" / "tasks.py"
    tasks.write_text(tasks.read_text() + "\nfrom mkdocs.utils import get_relative_url  # noqa\n")
    result = _lint(pythonpath=tmp_path)
    assert result.returncode != 0, result.stdout
    assert "mkdocs_vault.pages.tasks -> mkdocs (l." in result.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next((c for c in children if c in graph.modules), None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_no_module_imports_itself_back():
    graph = grimp.build_graph("mkdocs_vault", exclude_type_checking_imports=False)
    assert _cycles(graph) == []


def test_the_cycle_check_finds_a_cycle():
    graph = grimp.ImportGraph()
    for module in ("p.a", "p.b", "p.c"):
        graph.add_module(module)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.a")
    graph.add_import(importer="p.b", imported="p.c")
    assert _cycles(graph) == [["p.a", "p.b"]]


def test_the_contract_covers_every_stage():
    # A stage added later must be listed in the contract too: everything but the adapter and the CLI.
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["importlinter"]["contracts"][0]["source_modules"])
    package = ROOT / "plugins" / "mkdocs_vault"
    top = {f"mkdocs_vault.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"}
    top |= {f"mkdocs_vault.{p.name}" for p in package.iterdir() if (p / "__init__.py").exists()}
    assert top - {"mkdocs_vault.mkdocs", "mkdocs_vault.cli"} == listed
