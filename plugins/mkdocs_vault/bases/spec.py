"""A `.base` file (or a ```base block) read into a `BaseSpec`: filters, formulas, properties,
summaries and views, each expression parsed, each problem with its line.

The format is the one Obsidian's help page "Bases syntax" documents. The YAML is read with the vault's
YAML 1.2 loader (the same caps on aliases and depth as frontmatter); the tree is walked node by node
so that every expression keeps the line it was written on. What cannot be read at all (not YAML, not a
mapping) is a `BaseError`; a single formula or filter that does not parse is a `Problem` of the spec,
and only what uses it fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from ..vault.frontmatter import FrontmatterError, Yaml12Loader
from .expr import ExprSyntaxError, parse_expression

VIEW_TYPES = ("table", "cards", "list")  # the layouts rendered; any other shows a notice naming it
DEFAULT_SUMMARIES = (
    "Average", "Min", "Max", "Sum", "Range", "Median", "Stddev",
    "Earliest", "Latest", "Checked", "Unchecked", "Empty", "Filled", "Unique",
)  # fmt: skip


class BaseError(ValueError):
    """A base that cannot be read at all; `line` is 1-based within the base text (0: unknown)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class Problem:
    line: int  # 1-based within the base text
    message: str


@dataclass
class Filter:
    """A filter statement (`op` "expr", `tree` its syntax tree or the error it failed with) or a
    group (`op` "and" / "or" / "not" over `children`)."""

    op: str
    line: int
    text: str = ""
    tree: Any = None
    children: list[Filter] = field(default_factory=list)


@dataclass
class View:
    type: str
    name: str
    line: int
    limit: int | None = None
    filters: Filter | None = None
    order: list[str] = field(default_factory=list)
    sort: list[tuple[str, bool]] = field(default_factory=list)  # (property, descending)
    group_by: tuple[str, bool] | None = None
    summaries: dict[str, str] = field(default_factory=dict)  # property -> summary name
    image: str | None = None  # cards: the cover image property
    options: dict[str, Any] = field(default_factory=dict)  # the rest, as written


@dataclass
class BaseSpec:
    filters: Filter | None = None
    formulas: dict[str, Any] = field(default_factory=dict)  # name -> tree or ExprSyntaxError
    formula_lines: dict[str, int] = field(default_factory=dict)
    display_names: dict[str, str] = field(default_factory=dict)  # normalised property -> name
    summaries: dict[str, Any] = field(default_factory=dict)  # custom summary name -> tree or error
    views: list[View] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def view(self, name: str | None) -> View | None:
        """The view called `name` (the first view when `name` is None or empty)."""
        if not self.views:
            return None
        if not name:
            return self.views[0]
        for view in self.views:
            if view.name == name:
                return view
        return None


def split_property(prop: str) -> tuple[str, str]:
    """`note.status` / `status` -> ("note", "status"); `file.name` -> ("file", "name");
    `formula.x` -> ("formula", "x")."""
    kind, dot, rest = prop.partition(".")
    if dot and kind in ("note", "file", "formula") and rest:
        return kind, rest
    return "note", prop


def normalize_property(prop: str) -> str:
    kind, name = split_property(prop)
    return f"{kind}.{name}"


# ------------------------------------------------------------------------------------------ reading


class _Located(str):
    """A YAML string that remembers its 1-based line."""

    line: int


def _plain(node: yaml.Node, loader: Yaml12Loader) -> Any:
    """The node as Python values, strings as `_Located`, mappings with `__line__` entries per key."""
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_object(node, deep=True)
        if isinstance(value, str):
            located = _Located(value)
            # A block scalar (`|`, `>`) starts on the line after its indicator.
            located.line = node.start_mark.line + 1 + (1 if node.style in ("|", ">") else 0)
            return located
        return value
    if isinstance(node, yaml.SequenceNode):
        return [_plain(child, loader) for child in node.value]
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        lines: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = _plain(key_node, loader)
            key = str(key) if not isinstance(key, str) else key
            out[key] = _plain(value_node, loader)
            lines[key] = key_node.start_mark.line + 1
        out["\0lines"] = lines
        return out
    return None


def _lines(mapping: dict[str, Any]) -> dict[str, int]:
    return mapping.get("\0lines", {})


def _items(mapping: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(k, v) for k, v in mapping.items() if k != "\0lines"]


def load_yaml(text: str) -> dict[str, Any]:
    if not text.strip():
        return {"\0lines": {}}
    loader = Yaml12Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {"\0lines": {}}
        data = _plain(node, loader)
    except FrontmatterError as exc:
        raise BaseError(str(exc), (exc.line or 0) + 1) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise BaseError(f"invalid YAML: {exc.problem or exc}", mark.line + 1 if mark else 0) from None
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError) as exc:
        raise BaseError(f"invalid YAML: {exc.__class__.__name__}") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise BaseError("a base must be a mapping (filters, formulas, properties, views)", 1)
    return data


def _line_of(value: Any, fallback: int) -> int:
    return getattr(value, "line", fallback)


def _filter(value: Any, line: int, problems: list[Problem], where: str) -> Filter | None:
    if value is None:
        return None
    if isinstance(value, (str, bool, int, float)):
        text = value if isinstance(value, str) else str(value).lower()
        line = _line_of(value, line)
        try:
            tree: Any = parse_expression(text)
        except ExprSyntaxError as exc:
            problems.append(Problem(line, f"{where}: {exc.message} in `{text}`"))
            tree = exc
        return Filter("expr", line, text=text, tree=tree)
    if isinstance(value, dict):
        entries = _items(value)
        lines = _lines(value)
        groups = [(k, v) for k, v in entries if k in ("and", "or", "not")]
        if len(groups) != 1 or len(entries) != 1:
            problems.append(Problem(line, f"{where}: a filter group holds exactly one of and, or, not"))
            if not groups:
                return Filter("and", line, tree=ExprSyntaxError("invalid filter group", 0))
        op, children = groups[0]
        line = lines.get(op, line)
        if not isinstance(children, list):
            children = [children]
        parsed = [_filter(c, line, problems, where) for c in children]
        return Filter(op, line, children=[c for c in parsed if c is not None])
    problems.append(Problem(line, f"{where}: a filter is a text or an and/or/not group"))
    return Filter("and", line, tree=ExprSyntaxError("invalid filter", 0))


def _sort_entries(value: Any, line: int, problems: list[Problem]) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    for entry in value if isinstance(value, list) else [value]:
        if isinstance(entry, dict):
            prop = entry.get("property") or entry.get("column")  # `column` in files of older versions
            direction = str(entry.get("direction") or "ASC").upper()
        elif isinstance(entry, str):
            prop, direction = entry, "ASC"
        else:
            prop, direction = None, "ASC"
        if not isinstance(prop, str) or not prop:
            problems.append(Problem(line, "sort: each entry needs a property"))
            continue
        out.append((normalize_property(prop), direction == "DESC"))
    return out


def _view(value: Any, index: int, line: int, problems: list[Problem]) -> View | None:
    if not isinstance(value, dict):
        problems.append(Problem(line, f"views: entry {index + 1} is not a mapping"))
        return None
    lines = _lines(value)
    kind = value.get("type")
    name = value.get("name")
    view = View(
        type=str(kind) if kind is not None else "table",
        name=str(name) if name is not None and str(name) else f"View {index + 1}",
        line=line,
    )
    limit = value.get("limit")
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit < 0:
            problems.append(Problem(lines.get("limit", line), "limit: expected a positive number"))
        else:
            view.limit = int(limit)
    if "filters" in value:
        view.filters = _filter(value["filters"], lines.get("filters", line), problems, f'view "{view.name}"')
    order = value.get("order")
    if isinstance(order, list):
        view.order = [normalize_property(str(p)) for p in order if isinstance(p, str) and p]
    if "sort" in value:
        view.sort = _sort_entries(value["sort"], lines.get("sort", line), problems)
    group = value.get("groupBy")
    if isinstance(group, dict) and isinstance(group.get("property"), str):
        view.group_by = (normalize_property(group["property"]), str(group.get("direction", "ASC")).upper() == "DESC")
    elif isinstance(group, str) and group:
        view.group_by = (normalize_property(group), False)
    summaries = value.get("summaries")
    if isinstance(summaries, dict):
        view.summaries = {normalize_property(k): str(v) for k, v in _items(summaries) if v is not None}
    image = value.get("image")
    if isinstance(image, str) and image:
        view.image = normalize_property(image)
    known = {"type", "name", "limit", "filters", "order", "sort", "groupBy", "summaries", "image"}
    view.options = {k: v for k, v in _items(value) if k not in known}
    return view


def parse_base(text: str) -> BaseSpec:
    """Read a base; raises `BaseError` when it cannot be read at all."""
    data = load_yaml(text)
    lines = _lines(data)
    spec = BaseSpec()
    problems = spec.problems
    if "filters" in data:
        spec.filters = _filter(data["filters"], lines.get("filters", 1), problems, "filters")
    formulas = data.get("formulas")
    if isinstance(formulas, dict):
        flines = _lines(formulas)
        for name, raw in _items(formulas):
            line = _line_of(raw, flines.get(name, 1))
            spec.formula_lines[name] = line
            text_value = raw if isinstance(raw, str) else ("" if raw is None else str(raw).lower())
            try:
                spec.formulas[name] = parse_expression(text_value)
            except ExprSyntaxError as exc:
                problems.append(Problem(line, f'formula "{name}": {exc.message}'))
                spec.formulas[name] = exc
    elif formulas is not None:
        problems.append(Problem(lines.get("formulas", 1), "formulas: expected a mapping of names to formulas"))
    properties = data.get("properties")
    if isinstance(properties, dict):
        for prop, config in _items(properties):
            if isinstance(config, dict) and config.get("displayName") is not None:
                spec.display_names[normalize_property(prop)] = str(config["displayName"])
    summaries = data.get("summaries")
    if isinstance(summaries, dict):
        slines = _lines(summaries)
        for name, raw in _items(summaries):
            try:
                spec.summaries[name] = parse_expression(raw if isinstance(raw, str) else str(raw))
            except ExprSyntaxError as exc:
                problems.append(Problem(_line_of(raw, slines.get(name, 1)), f'summary "{name}": {exc.message}'))
                spec.summaries[name] = exc
    views = data.get("views")
    if isinstance(views, list):
        for i, raw in enumerate(views):
            view = _view(raw, i, _view_line(raw, lines.get("views", 1) + 1 + i), problems)
            if view is not None:
                spec.views.append(view)
    elif views is not None:
        problems.append(Problem(lines.get("views", 1), "views: expected a list of views"))
    if not spec.views:
        spec.views.append(View("table", "Table", lines.get("views", 1)))
    problems.sort(key=lambda p: p.line)
    return spec


def _view_line(raw: Any, fallback: int) -> int:
    if isinstance(raw, dict):
        found = _lines(raw)
        if found:
            return min(found.values())
    return fallback
