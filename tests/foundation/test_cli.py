"""The command line: configuration from mkdocs.yml or a folder, options anywhere on the line."""

from __future__ import annotations

import json

from mkdocs_vault.cli import main

VAULT = {
    "index.md": "# Home\n[[Ada]] [[Nowhere]]\n",
    "People/Ada.md": "---\ntype: people\nrole: Lead\nsalary: 1\n---\nAda\n",
    "Draft.md": "---\npublish: false\n---\nsecret\n",
    "Bad.md": "---\nkey: [oops\n---\nbody\n",
}


def test_query_with_options_after_the_positionals(make_vault, capsys) -> None:
    root = make_vault(VAULT)
    assert main(["query", str(root), "--origin", "index.md", "--json", 'TABLE role FROM "People"']) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["type"] == "table" and out["rows"] == [[{"link": "People/Ada.md", "subpath": None,
                                                         "display": None, "embed": False}, "Lead"]]


def test_query_batch(make_vault, tmp_path, capsys) -> None:
    root = make_vault(VAULT)
    batch = tmp_path / "b.json"
    batch.write_text(json.dumps([{"id": "a", "origin": "index.md", "query": "LIST", "today": "2025-11-01"},
                                 {"id": "b", "origin": "index.md", "query": "=1 +", "today": "2025-11-01"}]))
    assert main(["query", str(root), "--batch", str(batch)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["b"]["type"] == "error" and "column" in out["b"]["message"]
    assert sorted(item["link"] for item in out["a"]["items"]) == ["Bad.md", "People/Ada.md", "index.md"]


def test_check_reports_and_exits_nonzero(make_vault, tmp_path, capsys) -> None:
    root = make_vault(VAULT)
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"site_name: t\ndocs_dir: {root}\nplugins:\n  - vault:\n      private_keys: [salary]\n")
    assert main(["check", "-f", str(config), "--json", "--report"]) == 1
    out = json.loads(capsys.readouterr().out)
    kinds = {(d["path"], d["kind"]) for d in out["diagnostics"]}
    assert ("index.md", "unresolved-link") in kinds and ("Bad.md", "frontmatter") in kinds
    assert [n["path"] for n in out["publish"]["held_notes"]] == ["Draft.md"]


def test_check_of_a_clean_vault_exits_zero(make_vault, capsys) -> None:
    root = make_vault({"index.md": "# Home\n[[A]]\n", "A.md": "a"})
    assert main(["check", str(root)]) == 0
    assert "0 problems" in capsys.readouterr().out


def test_check_says_where_mkdocs_yml_goes_when_it_is_inside_the_vault(make_vault, capsys) -> None:
    """`docs_dir: .` in the vault's own folder: MkDocs refuses it; `check` says what to do instead."""
    root = make_vault({"index.md": "# Home\n[[A]]\n", "A.md": "a"}, name="Team Vault")
    (root / "mkdocs.yml").write_text("site_name: t\ndocs_dir: .\nplugins:\n  - vault\n")
    assert main(["check", "-f", str(root / "mkdocs.yml")]) == 1
    out = capsys.readouterr().out
    assert "error: mkdocs.yml: mkdocs.yml is inside the vault folder it publishes" in out
    assert f"Move mkdocs.yml to the folder that holds the vault ({root.parent})" in out
    assert "set `docs_dir: Team Vault`" in out
    # Beside the vault, as the message says, it is fine.
    (root.parent / "mkdocs.yml").write_text("site_name: t\ndocs_dir: Team Vault\nplugins:\n  - vault\n")
    assert main(["check", "-f", str(root.parent / "mkdocs.yml")]) == 0
