"""`mkdocs-vault base FILE.base [--view NAME] [--json]` over the theatre vault."""

from __future__ import annotations

import json

from mkdocs_vault.cli import main

from tests.bases.test_site import SHOWS_BASE
from tests.bases.theatre import THEATRE
from tests.conftest import write_vault


def _vault(tmp_path):
    return write_vault(tmp_path / "vault", {**THEATRE, "Views/Shows.base": SHOWS_BASE, "Bad.base": "[oops\n"})


def test_json_rows_of_one_view(tmp_path, capsys):
    vault = _vault(tmp_path)
    code = main(["base", "Views/Shows.base", "--vault", str(vault), "--view", "Shows", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    (view,) = out["views"]
    assert (view["name"], view["count"], view["headers"]) == ("Shows", 4, ["name", "status", "budget"])
    assert [r["cells"] for r in view["groups"][0]["rows"]] == [
        ["Saltwater Hymns.md", "closed", 1500],
        ["Lantern Night.md", "running", 1200],
        ["The Paper Orchard.md", "rehearsal", 800],
        ["Mirror Tides.md", "closed", 400],
    ]


def test_text_of_every_view_with_this(tmp_path, capsys):
    vault = _vault(tmp_path)
    base = vault / "Views" / "Shows.base"  # a path on disk works too
    assert main(["base", str(base), "--vault", str(vault), "--this", "Crew/Ilse Varga.md"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## Shows (4 rows)\nname\tstatus\tbudget\nSaltwater Hymns.md\tclosed\t1500\n")
    assert "## Directed by this (2 rows)\nname\nLantern Night.md\nSaltwater Hymns.md\n" in out


def test_bad_input_is_a_usage_error_naming_the_line(tmp_path, capsys):
    vault = _vault(tmp_path)
    assert main(["base", "Bad.base", "--vault", str(vault)]) == 2
    assert "Bad.base:2: base cannot be read" in capsys.readouterr().err
    assert main(["base", "Views/Shows.base", "--vault", str(vault), "--view", "Nope"]) == 2
    assert 'no view "Nope"' in capsys.readouterr().err


def test_check_reports_bases_as_the_build_does(tmp_path, capsys):
    from tests.bases.test_site import FILES

    vault = write_vault(tmp_path / "vault", FILES)
    assert main(["check", str(vault)]) == 1
    out = capsys.readouterr().out
    assert "Views/Broken.base:4: base cannot be read" in out
    assert 'Programme.md:8: base: formula "bad": Unexpected end of expression [base]' in out
