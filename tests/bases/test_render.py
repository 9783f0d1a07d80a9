"""Golden files for the bases renderer: each `golden/NAME.base` beside its expected `NAME.html`, run over
the theatre vault (`theatre.py`) with the clock at 2026-03-14. A `.base` may start with `this: PATH` and
a blank line (the note it is embedded in). Set UPDATE_GOLDEN=1 to rewrite the expected files, then
review the diff by hand before committing. The HTML is compared with a line break before each block
tag, so a reviewer reads one row or card per line."""

from __future__ import annotations

import os
import re
from html import escape
from pathlib import Path

import pytest
from mkdocs_vault.bases.render import BaseRenderer
from mkdocs_vault.bases.spec import parse_base
from mkdocs_vault.bases.state import run_base
from mkdocs_vault.pipeline import Options, VaultState

from tests.bases.theatre import THEATRE
from tests.conftest import write_vault

GOLDEN = Path(__file__).with_name("golden")
CASES = sorted(p.stem for p in GOLDEN.glob("*.base"))
_BLOCK = re.compile(r"(?=<(?:tr|h4|li|input|label|div class=\"(?:tabbed-block|vault-base-card\")|p|dl|tfoot)[ >])")


def link_html(path: str, subpath: str | None, display: str) -> str:
    return f'<a class="vault-link" href="/{escape(path, quote=True)}">{escape(display)}</a>'


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    root = write_vault(tmp_path_factory.mktemp("theatre"), THEATRE)
    return VaultState(root, Options(today="2026-03-14", timezone="UTC", private_keys=["fee"])).refresh()


def render_case(state, name: str) -> str:
    text = (GOLDEN / f"{name}.base").read_text(encoding="utf-8")
    this = None
    if text.startswith("this:"):
        header, _, text = text.partition("\n\n")
        this = header.removeprefix("this:").strip()
    spec = parse_base(text)
    results = run_base(state, spec, None, this)
    html = BaseRenderer(link_html, tz=state.clock.tz).base(results, name)
    return _BLOCK.sub("\n", html).strip() + "\n"


@pytest.mark.parametrize("name", CASES)
def test_golden(state, name):
    got = render_case(state, name)
    expected_path = GOLDEN / f"{name}.html"
    if os.environ.get("UPDATE_GOLDEN"):
        expected_path.write_text(got, encoding="utf-8")
    assert got == expected_path.read_text(encoding="utf-8")


def test_cases_exist():
    assert {"shows-table", "crew-cards", "directed-by-this"} <= set(CASES)
