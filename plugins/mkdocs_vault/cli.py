"""`mkdocs-vault index | query | base | check | export`: the stages without a site build.

Every subcommand reads its configuration the same way: `-f mkdocs.yml` (default `./mkdocs.yml` when
present) gives the vault folder (`docs_dir`) and the `vault` plugin's options; a `VAULT_DIR` argument
instead means that folder with default options.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .diagnostics import ERROR, Diagnostic
from .pipeline import Options, VaultState


class UsageError(Exception):
    pass


def _plugin_options(config_file: Path) -> tuple[Path, dict[str, Any]]:
    """(vault folder, `vault` plugin options) from an mkdocs.yml, read by the MkDocs adapter."""
    from .mkdocs.configfile import ConfigFileError, plugin_options

    try:
        return plugin_options(config_file)
    except ConfigFileError as exc:
        raise UsageError(str(exc)) from None


def load_state(args: argparse.Namespace, **overrides: Any) -> VaultState:
    if args.vault_dir:
        root, options = Path(args.vault_dir), Options()
    else:
        config_file = Path(args.config_file or "mkdocs.yml")
        if not config_file.exists():
            raise UsageError(f"no {config_file} here: pass -f mkdocs.yml or a VAULT_DIR")
        root, raw = _plugin_options(config_file)
        options = Options.from_config(raw)
        args.date_format = raw.get("date_format")
    for key, value in overrides.items():
        if value is not None:
            setattr(options, key, value)
    if not root.is_dir():
        raise UsageError(f"vault folder {root} does not exist")
    return VaultState(root, options).refresh()


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("vault_dir", nargs="?", metavar="VAULT_DIR", help="a vault folder (default options)")
    parser.set_defaults(query=None)
    parser.add_argument("-f", "--config-file", metavar="mkdocs.yml", help="read docs_dir and plugin options")


def cmd_index(args: argparse.Namespace) -> int:
    state = load_state(args, today=args.today)
    state.write_index(args.out)
    assert state.con is not None
    counts = {t: state.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("notes", "fields", "tags", "links", "list_items", "headings")}
    print(f"wrote {args.out}: " + ", ".join(f"{n} {t}" for t, n in counts.items()))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .checks import run_checks
    from .pages.report import publish_report, publish_report_data

    state = load_state(args)
    records = _config_problems(args) + run_checks(state)
    errors = sum(1 for r in records if r.level in ("warning", "error"))
    if args.json:
        out: dict[str, Any] = {"diagnostics": [r.as_dict() for r in records]}
        if args.report:
            out["publish"] = publish_report_data(state)
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for record in records:
            print(f"{record.level}: {record}")
        if args.report:
            print(publish_report(state, as_json=False), end="")
        print(f"{errors} problems, {len(records) - errors} notices")
    return 1 if errors else 0


def cmd_export(args: argparse.Namespace) -> int:
    from .export.writer import export_vault

    out = Path(args.out_dir)
    if out.exists() and any(out.iterdir()) and not args.force:
        raise UsageError(f"{out} is not empty: give an empty or new folder, or --force to write into it")
    state = load_state(args)
    if out.resolve().is_relative_to(state.root):
        raise UsageError(f"{out} is inside the vault: export somewhere else")
    summary = export_vault(state, out, date_format=getattr(args, "date_format", None))
    for path, line, message in summary.warnings:
        where = f"{path}:{line}" if line else path
        print(f"warning: {where}: {message}", file=sys.stderr)
    print(f"exported {summary.notes} notes, {summary.attachments} attachments and "
          f"{len(summary.pages)} generated pages to {out}")
    return 0


def _config_problems(args: argparse.Namespace) -> list[Diagnostic]:
    """What is wrong with mkdocs.yml itself, for `check`: where it is (MkDocs' rule, read by the adapter)."""
    if args.vault_dir:
        return []
    from .mkdocs.configfile import placement_problem

    config_file = Path(args.config_file or "mkdocs.yml")
    root, _raw = _plugin_options(config_file)
    problem = placement_problem(config_file, root)
    return [Diagnostic(config_file.name, None, "config", problem, ERROR)] if problem else []


def cmd_query(args: argparse.Namespace) -> int:
    from .dataview.batch import run_batch_on_state, run_one_on_state

    skip = not args.batch  # Dataview itself indexes the templates folder; the conformance runs need it
    state = load_state(args, today=args.today, skip_templates=skip)
    if args.batch:
        entries = json.loads(Path(args.batch).read_text(encoding="utf-8"))
        timings: dict[str, float] | None = {} if args.timings else None
        print(json.dumps(run_batch_on_state(state, entries, timings), ensure_ascii=False))
        if timings is not None:
            Path(args.timings).write_text(json.dumps(timings), encoding="utf-8")
        return 0
    if not args.query:
        raise UsageError("give a QUERY or --batch FILE.json")
    result = run_one_on_state(state, args.query, args.origin or "", args.today, as_json=args.json)
    print(result)
    return 0


def cmd_base(args: argparse.Namespace) -> int:
    from .bases.output import view_json, view_text
    from .bases.spec import BaseError, parse_base
    from .bases.state import run_base

    state = load_state(args, today=args.today)
    file = Path(args.base_file)
    if not file.is_file():
        file = state.root / args.base_file  # a vault-relative path
    if not file.is_file():
        raise UsageError(f"no base file {args.base_file}")
    try:
        rel = file.resolve().relative_to(state.root).as_posix()
    except ValueError:
        rel = None  # a base outside the vault: it has no `this`
    try:
        spec = parse_base(file.read_text(encoding="utf-8", errors="replace"))
    except BaseError as exc:
        raise UsageError(f"{args.base_file}:{exc.line}: base cannot be read: {exc.message}") from None
    for problem in spec.problems:
        print(f"{args.base_file}:{problem.line}: {problem.message}", file=sys.stderr)
    if args.view and spec.view(args.view) is None:
        names = ", ".join(v.name for v in spec.views)
        raise UsageError(f'no view "{args.view}" in {args.base_file} (views: {names})')
    this = args.this or rel
    results = run_base(state, spec, args.view, this)
    if args.json:
        print(json.dumps({"views": [view_json(r) for r in results]}, ensure_ascii=False, indent=2))
    else:
        print("\n".join(view_text(r) for r in results), end="")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mkdocs-vault", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p_index = sub.add_parser("index", help="write the DuckDB index of the published notes to a file")
    _common(p_index)
    p_index.add_argument("--out", default="vault.duckdb", help="the DuckDB file to write")
    p_index.add_argument("--today", help="YYYY-MM-DD (default: the option, SOURCE_DATE_EPOCH or the clock)")
    p_index.set_defaults(func=cmd_index)

    p_query = sub.add_parser("query", help="run a Dataview query (or a batch of them)")
    _common(p_query)
    p_query.add_argument("rest", nargs="*", metavar="QUERY", help="the query (after VAULT_DIR, if one is given)")
    p_query.add_argument("--origin", metavar="NOTE", help="vault-relative path (with .md) of the note the query is in")
    p_query.add_argument("--today", help="YYYY-MM-DD")
    p_query.add_argument("--json", action="store_true", help="print the typed JSON result")
    p_query.add_argument("--batch", metavar="FILE.json", help="a JSON list of {id, origin, query, today[, now]}")
    p_query.add_argument("--timings", metavar="OUT.json", help="with --batch: write each entry's seconds here")
    p_query.set_defaults(func=cmd_query)

    p_base = sub.add_parser("base", help="print the rows of a base's views")
    p_base.add_argument("base_file", metavar="FILE.base", help="the base (a path, or vault-relative)")
    p_base.add_argument("--vault", dest="vault_dir", metavar="VAULT_DIR", help="a vault folder (default options)")
    p_base.set_defaults(query=None)
    p_base.add_argument("-f", "--config-file", metavar="mkdocs.yml", help="read docs_dir and plugin options")
    p_base.add_argument("--view", metavar="NAME", help="only this view (default: every view)")
    p_base.add_argument("--this", metavar="NOTE", help="vault path of the note `this` is (default: the base)")
    p_base.add_argument("--today", help="YYYY-MM-DD")
    p_base.add_argument("--json", action="store_true", help="print typed JSON rows")
    p_base.set_defaults(func=cmd_base)

    p_check = sub.add_parser("check", help="report problems in the vault without building")
    _common(p_check)
    p_check.add_argument("--json", action="store_true")
    p_check.add_argument("--report", action="store_true", help="also list what is published and what is held back")
    p_check.set_defaults(func=cmd_check)

    p_export = sub.add_parser("export", help="write the published vault as plain Markdown into OUT_DIR")
    p_export.add_argument("out_dir", metavar="OUT_DIR", help="an empty or new folder")
    p_export.add_argument("-f", "--config-file", metavar="mkdocs.yml", help="read docs_dir and plugin options")
    p_export.add_argument("--vault", dest="vault_dir", metavar="VAULT_DIR", help="a vault folder, default options")
    p_export.add_argument("--force", action="store_true", help="write into a folder that is not empty")
    p_export.set_defaults(func=cmd_export)

    # Options may come before, between or after the positionals (`query VAULT --origin X 'TABLE ...'`):
    # whatever argparse leaves over that is not an option is another positional.
    args, extra = parser.parse_known_args(argv)
    unknown = [a for a in extra if a.startswith("-")]
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.command == "query":
        positionals = ([args.vault_dir] if args.vault_dir else []) + list(args.rest) + extra
        args.vault_dir = None
        if positionals and Path(positionals[0]).is_dir():
            args.vault_dir = positionals.pop(0)
        if len(positionals) > 1:
            parser.error("give one QUERY (quote it)")
        args.query = positionals[0] if positionals else None
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"mkdocs-vault: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
