"""The vault's Dataview settings: read from `.obsidian`, overridden by the site, applied to real builds.

Key names, defaults and the markup compared against are Dataview's own (`settings.ts`, `ui/markdown.tsx`,
`ui/views/table-view.tsx`, read with the search tool). Vaults are fictional.
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs_vault.dataview.settings import DATA_JSON, DataviewSettings, resolve_settings
from mkdocs_vault.vault.settings import read_settings

from ..conftest import build_site, site_config, write_vault

NOTE = """# Gear

Made on `= this.file.name`, in ==bold== with `==Highlight==` as an example of syntax.

```dataview
TABLE weight FROM "" SORT file.name
```

```dataview
LIST FROM "Nowhere"
```
"""


def obsidian(root: Path, plugins: list[str] | None = None, data: dict | None = None) -> None:
    (root / ".obsidian").mkdir(parents=True, exist_ok=True)
    (root / ".obsidian" / "app.json").write_text("{}", encoding="utf-8")
    if plugins is not None:
        (root / ".obsidian" / "community-plugins.json").write_text(json.dumps(plugins), encoding="utf-8")
    if data is not None:
        folder = root / ".obsidian" / "plugins" / "dataview"
        folder.mkdir(parents=True)
        (folder / "data.json").write_text(json.dumps(data), encoding="utf-8")


def test_defaults_are_dataviews() -> None:
    s = DataviewSettings()
    assert (s.inline_prefix, s.inline_js_prefix, s.render_null_as) == ("=", "$=", "\\-")
    assert (s.date_format, s.datetime_format) == ("MMMM dd, yyyy", "h:mm a - MMMM dd, yyyy")
    assert (s.id_column, s.group_column, s.show_result_count, s.warn_on_empty) == ("File", "Group", True, True)
    assert (s.inline_enabled, s.js_enabled, s.max_render_depth) == (True, False, 4)


def test_layers_and_auto(tmp_path: Path) -> None:
    obsidian(tmp_path, ["calendar", "dataview"], {"renderNullAs": "none", "tableIdColumnName": "Note",
                                                  "defaultDateFormat": "yyyy-MM-dd", "refreshInterval": 5000})
    vault = read_settings(tmp_path)
    assert vault.enabled_plugins == ["calendar", "dataview"] and vault.has_obsidian
    s = resolve_settings(vault, "auto", {"tableIdColumnName": "Page"})
    assert (s.enabled, s.render_null_as, s.id_column, s.date_format) == (True, "none", "Page", "yyyy-MM-dd")
    assert resolve_settings(vault, "auto", {}, date_format="dd.MM.yyyy").date_format == "dd.MM.yyyy"
    assert not resolve_settings(vault, "off").enabled
    (tmp_path / ".obsidian" / "community-plugins.json").write_text('["calendar"]', encoding="utf-8")
    assert not resolve_settings(read_settings(tmp_path), "auto").enabled
    assert resolve_settings(read_settings(tmp_path), "on").enabled
    # No list of plugins at all (only app.json, as the sample vault): Dataview stays on.
    (tmp_path / ".obsidian" / "community-plugins.json").unlink()
    assert resolve_settings(read_settings(tmp_path), "auto").enabled


def test_bad_values_are_named_and_ignored(tmp_path: Path) -> None:
    obsidian(tmp_path, None, {"showResultCount": "yes", "maxRecursiveRenderDepth": 0})
    s = resolve_settings(read_settings(tmp_path), "auto", {"inlineQueryPrefix": "", "renderNulAs": "-"})
    assert (s.show_result_count, s.max_render_depth, s.inline_prefix) == (True, 4, "=")
    files = [where for where, _ in s.problems]
    assert files == [DATA_JSON, DATA_JSON, "mkdocs.yml", "mkdocs.yml"]
    assert "renderNulAs" in s.problems[3][1]


def build(tmp_path: Path, files: dict[str, str], options: str = "", strict: bool = True):
    docs = write_vault(tmp_path / "vault", files)
    config = site_config(tmp_path, docs, options)
    result = build_site(config, tmp_path / "site", *(["--strict"] if strict else []))
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "gear" / "index.html").read_text(encoding="utf-8")
    return page, result.stderr


def test_a_vault_without_dataview_keeps_its_code(tmp_path: Path) -> None:
    """Dataview is not among the vault's enabled plugins: blocks and inline code stay code."""
    obsidian(tmp_path / "vault", ["calendar"])
    page, log = build(tmp_path, {"Gear.md": NOTE, "Rope.md": "weight:: 2\n"})
    assert "dataview-error" not in page and "table-view-table" not in page
    assert "<code>= this.file.name</code>" in page and "<code>==Highlight==</code>" in page
    assert '<code>TABLE weight FROM "" SORT file.name' in page  # the blocks are the code blocks they are
    assert "Dataview" not in log


def test_no_obsidian_folder_leaves_non_queries_as_code(tmp_path: Path) -> None:
    """Dataview on, but nobody chose it: `==Highlight==` is code (reported at info), real queries run."""
    page, log = build(tmp_path, {"Gear.md": NOTE, "Rope.md": "weight:: 2\n"})
    assert "<code>==Highlight==</code>" in page
    assert '<span class="dataview dataview-inline-query">Gear</span>' in page
    assert "dataview-error-box" in page and "No results to show for list query." in page
    assert "INFO" in log and "Gear.md" in log and "==Highlight==" in log and "WARNING" not in log


def test_the_vaults_settings_and_the_sites_overrides_apply(tmp_path: Path) -> None:
    obsidian(tmp_path / "vault", ["dataview"], {
        "renderNullAs": "**none**", "tableIdColumnName": "Note", "showResultCount": False,
        "warnOnEmptyResult": False, "inlineQueryPrefix": "dv:",
    })
    note = NOTE.replace("`= this.file.name`", "`dv: this.file.name` and `= this.file.name`")
    page, _ = build(
        tmp_path,
        {"Gear.md": note, "Rope.md": "weight:: **2 kg** #gear/rope\n"},
        "      dataview_settings:\n        tableIdColumnName: Page",
    )
    assert '<span class="dataview dataview-inline-query">Gear</span>' in page  # the vault's prefix
    assert "<code>= this.file.name</code>" in page  # no longer a query there
    assert "<span>Page</span>" in page and "<span>Note</span>" not in page  # the site's override wins
    assert "small-text" not in page  # showResultCount: false
    assert "No results to show" not in page  # warnOnEmptyResult: false
    # Strings, renderNullAs too, are Markdown as in Dataview; a tag is a link to its page.
    assert '<span class="dataview-null"><strong>none</strong></span>' in page
    assert '<td><strong>2 kg</strong> <a class="md-tag vault-tag" href="../tags/gear/rope/">#gear/rope</a></td>' in page


def test_check_follows_the_vaults_settings(tmp_path: Path) -> None:
    """`mkdocs-vault check` runs what the site runs: nothing when Dataview is off; with no `.obsidian`,
    inline code that is no query is a notice, not a failure."""
    from mkdocs_vault.dataview.blocks import check_queries
    from mkdocs_vault.pipeline import Options, VaultState

    write_vault(tmp_path, {"Gear.md": NOTE + "\n```dataview\nLIST WHERE nosuch(1)\n```\n"})
    state = VaultState(tmp_path, Options(today="2025-11-01", timezone="UTC")).refresh()
    assert check_queries(state) == 1  # the failing block; `==Highlight==` only a notice
    notices = [d for d in state.diagnostics if d.kind == "query" and d.level == "info"]
    assert [d.line for d in notices] == [3] and "==Highlight==" in notices[0].message
    obsidian(tmp_path, ["calendar"])
    state = VaultState(tmp_path, Options(today="2025-11-01", timezone="UTC")).refresh()
    assert check_queries(state) == 0
    # Forced on in a vault with `.obsidian`: `==Highlight==` is an inline query that fails, as in Obsidian.
    state = VaultState(tmp_path, Options(today="2025-11-01", timezone="UTC", dataview="on")).refresh()
    assert check_queries(state) == 2
