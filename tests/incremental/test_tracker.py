"""The pieces of `incremental.py` on their own: the link graph, the query log and output removal."""

from __future__ import annotations

from pathlib import Path

from mkdocs_vault.incremental import LinkGraph, QueryLog, remove_outputs
from mkdocs_vault.vault.model import Link, Note


def _note(path: str, *targets: str, embed: str | None = None) -> Note:
    links = [
        Link(target=t.rpartition("/")[2][:-3], subpath=None, display=None, embed=False, line=0)
        for t in targets
    ]
    for link, target in zip(links, targets, strict=True):
        link.resolved = target
    if embed:
        link = Link(target=embed[:-3], subpath=None, display=None, embed=True, line=1)
        link.resolved = embed
        links.append(link)
    return Note(path=path, text="", links=links)


def test_link_graph_reports_old_and_new_targets_and_follows_embeds() -> None:
    graph = LinkGraph()
    notes = {"a.md": _note("a.md", "b.md"), "b.md": _note("b.md"), "c.md": _note("c.md", embed="a.md")}
    graph.update(notes, notes)
    assert graph.linking_to("b.md") == {"a.md"}
    notes["a.md"] = _note("a.md", "c.md")
    changes = graph.update(notes, ["a.md"])
    assert changes == {"a.md": frozenset({"b.md", "c.md"})}
    assert graph.linking_to("b.md") == set()
    assert graph.linking_to("c.md") == {"a.md"}
    # Unchanged links: nothing to report.
    assert graph.update(notes, ["a.md", "b.md"]) == {}
    # c embeds a, d embeds c: both show a's content.
    notes["d.md"] = _note("d.md", embed="c.md")
    graph.update(notes, ["d.md"])
    assert graph.embedders(["a.md"]) == {"c.md", "d.md"}
    # A removed note loses its links.
    del notes["a.md"]
    assert graph.update(notes, ["a.md"]) == {"a.md": frozenset({"c.md"})}
    assert graph.linking_to("c.md") == {"d.md"}


def test_query_log_replaces_a_pages_records_when_it_renders_again() -> None:
    log = QueryLog()
    log.start_build()
    log.query("p.md", object(), {"x.md", "y.md"})
    log.narrow("p.md", {"x.md"})
    log.deref("p.md", "z.md")
    assert log.records["p.md"][0].rows == {"x.md"}
    log.start_build()
    log.query("p.md", object(), {"w.md"})
    assert [r.rows for r in log.records["p.md"]] == [{"w.md"}]
    assert "p.md" not in log.derefs


def test_remove_outputs_deletes_only_inside_the_site_and_prunes_empty_folders(tmp_path: Path) -> None:
    site = tmp_path / "site"
    page = site / "people" / "ada" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("x")
    keep = site / "people" / "bob" / "index.html"
    keep.parent.mkdir(parents=True)
    keep.write_text("x")
    outside = tmp_path / "outside.html"
    outside.write_text("x")
    removed = remove_outputs([str(page), str(outside), str(site / "missing.html")], str(site))
    assert removed == [str(page)]
    assert not (site / "people" / "ada").exists()
    assert keep.exists() and outside.exists()
