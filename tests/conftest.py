"""Shared fixtures: small vaults written into tmp_path, and built sites."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

# Which MkDocs builds the test sites: MkDocs 1.6 itself, or ProperDocs, its drop-in fork (`make
# test-properdocs`). ProperDocs' `replacement` module sends every `mkdocs.*` import (ours, Material's
# and the tests' own) to `properdocs.*`, as its command line does; it must come before any of them.
SITE_GENERATOR = os.environ.get("VAULT_SITE_GENERATOR", "mkdocs")
if SITE_GENERATOR == "properdocs":
    import properdocs.replacement  # noqa: F401
elif SITE_GENERATOR != "mkdocs":
    raise RuntimeError(f"VAULT_SITE_GENERATOR={SITE_GENERATOR!r}: use mkdocs or properdocs")


def write_vault(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write {vault-relative path: text or bytes} under root and return root."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def make_vault(tmp_path: Path):
    def make(files: dict[str, str | bytes], name: str = "vault") -> Path:
        return write_vault(tmp_path / name, files)

    return make


def build_site(config_file: Path, site_dir: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run a real `mkdocs build` (or `properdocs build`) in a child process and return it (output captured)."""
    full_env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", SITE_GENERATOR, "build", "-f", str(config_file), "-d", str(site_dir), *extra],
        check=False, capture_output=True, text=True, env=full_env, timeout=600,
    )


def site_config(root: Path, docs_dir: Path, plugin_options: str = "", name: str = "mkdocs.yml") -> Path:
    """A minimal mkdocs.yml for a test vault."""
    config = root / name
    options = f"\n{plugin_options}" if plugin_options else " {}"
    config.write_text(
        f"site_name: Test vault\ndocs_dir: {docs_dir}\ntheme:\n  name: material\n  font: false\n"
        f"plugins:\n  - search\n  - vault:{options}\n",
        encoding="utf-8",
    )
    return config


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The sample vault built once per test session with the repository's mkdocs.yml."""
    site = tmp_path_factory.mktemp("sample-site")
    result = build_site(ROOT / "mkdocs.yml", site, env={"SOURCE_DATE_EPOCH": "1795000000"})
    assert result.returncode == 0, result.stderr
    return site
