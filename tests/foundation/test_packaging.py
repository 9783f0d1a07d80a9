"""Packaging: `pip install` of the project prints no setuptools warnings (issue 18: `make serve` began
with about 430 lines of them), and the wheel carries every template and vendored asset."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_template_subfolder_is_a_listed_package() -> None:
    """setuptools warns once per folder of package data that is importable by name but not listed."""
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    overrides = ROOT / "overrides"
    folders = {
        "mkdocs_vault.overrides." + ".".join(d.relative_to(overrides).parts)
        for d in overrides.rglob("*")
        if d.is_dir() and d.name != "__pycache__" and all(p.isidentifier() for p in d.relative_to(overrides).parts)
    }
    assert folders - listed == set()
    assert {p for p in listed if p.startswith("mkdocs_vault.overrides.")} - folders == set()


def test_wheel_builds_without_warnings_and_carries_the_assets(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "warning" not in output.lower(), output
    (wheel,) = tmp_path.glob("mkdocs_vault-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in (
        "mkdocs_vault/overrides/main.html",
        "mkdocs_vault/overrides/partials/content.html",
        "mkdocs_vault/overrides/assets/javascripts/vault.js",
        "mkdocs_vault/overrides/assets/stylesheets/vault.css",
        "mkdocs_vault/overrides/assets/javascripts/vendor/force-graph/force-graph.min.js",
        "mkdocs_vault/overrides/assets/vendor/mermaid/mermaid.min.js",
        "mkdocs_vault/overrides/assets/vendor/katex/katex.min.js",
        "mkdocs_vault/overrides/assets/vendor/katex/fonts/KaTeX_Main-Regular.woff2",
        "mkdocs_vault/index/schema.sql",
        "mkdocs_vault/mkdocs/plugin.py",
    ):
        assert path in names
