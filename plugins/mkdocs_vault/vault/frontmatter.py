"""Frontmatter: split it off the note and read it as Obsidian does (YAML 1.2 core schema).

PyYAML implements YAML 1.1, where `no` is False, `12:30` is 750 and `2025-10-06` is a date; Obsidian
reads 1.2, where all three stay strings. `Yaml12Loader` is PyYAML's safe loader with the 1.1 implicit
resolvers replaced by the 1.2 core ones. Aliases are capped, so a "billion laughs" block is rejected
instead of expanding, and so is nesting deep enough to exhaust the stack.

Most blocks are only `key: value` lines and `key:` with `- item` lines under it (what Obsidian's
properties editor writes). `_simple_block` reads exactly that narrow shape by hand, because PyYAML,
even with libyaml, spends some 40 µs a block building nodes and marks (a fifth of loading a vault);
the moment a block holds anything else (flow collections, comments, block scalars, tags, anchors,
escapes, nesting, blank lines, unusual characters) it gives up and PyYAML reads the block.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import frontmatter as python_frontmatter
import yaml

MAX_ALIASES = 200
MAX_DEPTH = 60
MAX_EXPANDED_NODES = 100_000  # values a document may expand to once aliases are followed


class FrontmatterError(ValueError):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line  # 0-based line within the YAML block, if known


class Yaml12Loader(yaml.SafeLoader):
    """Safe loader with YAML 1.2 core-schema scalars and a cap on aliases and depth."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def get_single_node(self):  # type: ignore[override]
        node = super().get_single_node()
        if node is not None and _expanded_size(node) > MAX_EXPANDED_NODES:
            raise FrontmatterError(
                f"YAML aliases expand to more than {MAX_EXPANDED_NODES} values (alias bomb?)", node.start_mark.line
            )
        return node

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise FrontmatterError(f"more than {MAX_ALIASES} YAML aliases (alias bomb?)", mark.line)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise FrontmatterError(f"YAML nested deeper than {MAX_DEPTH} levels", mark.line)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _expanded_size(root: yaml.Node) -> int:
    """How many values the document holds once every alias is expanded, computed without expanding:
    aliased nodes are shared objects, so sizes are memoised per node."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        sizes[id(node)] = 1  # a recursive alias counts once rather than forever
        if isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        else:
            total = 1
        sizes[id(node)] = min(total, MAX_EXPANDED_NODES + 1)
        return sizes[id(node)]

    return size(root)


Yaml12Loader.yaml_implicit_resolvers = {}
_RESOLVERS = [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+.0123456789"),
    ),
]
for _tag, _pattern, _first in _RESOLVERS:
    Yaml12Loader.add_implicit_resolver(_tag, re.compile(_pattern), _first)


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    return _int_of(loader.construct_scalar(node))


def _int_of(text: str) -> int:
    if text.startswith("0o"):
        return int(text, 8)
    if text.startswith("0x"):
        return int(text, 16)
    return int(text)


def _construct_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float:
    return _float_of(str(loader.construct_scalar(node)))


def _float_of(text: str) -> float:
    text = text.lower()
    if text.endswith(".inf"):
        return -math.inf if text.startswith("-") else math.inf
    if text == ".nan":
        return math.nan
    return float(text)


def _construct_bool(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> bool:
    return str(loader.construct_scalar(node)).lower() == "true"


def _construct_str_key_map(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    # Keys such as `2025` or `true` are ints/bools to YAML but property names to Obsidian.
    loader.flatten_mapping(node)
    result: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key)
        result[key] = loader.construct_object(value_node, deep=True)
    return result


Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
Yaml12Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
Yaml12Loader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
Yaml12Loader.add_constructor("tag:yaml.org,2002:map", _construct_str_key_map)
# An explicit !!timestamp or !!binary tag is kept as the text written: Obsidian has no such types.
Yaml12Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))
Yaml12Loader.add_constructor("tag:yaml.org,2002:binary", lambda loader, node: loader.construct_scalar(node))


@dataclass(slots=True)
class SplitNote:
    yaml_text: str | None  # None when the note has no frontmatter block
    body: str
    body_line: int  # file line on which the body starts
    yaml_line: int = 1  # file line of the first YAML line


_handler = python_frontmatter.YAMLHandler()


def split(text: str) -> SplitNote:
    """Separate a leading `---` block from the body. Obsidian only treats a block as frontmatter when the
    very first line is exactly `---` and a later line closes it."""
    first_end = text.find("\n")
    if first_end < 0 or text[:first_end].rstrip("\r") != "---" or not _handler.detect(text):
        return SplitNote(None, text, 0)
    start = first_end + 1
    # (Searched for from the newline before `start`, so that `start` itself may be the closing line.)
    closing = _CLOSING.search(text, first_end)
    if closing is None:
        return SplitNote(None, text, 0)
    line_start = closing.start() + 1
    yaml_text = text[start : line_start - 1] if line_start > start else ""
    body = text[closing.end() + 1 :]  # (empty when the closing line is the last)
    return SplitNote(yaml_text, body, text.count("\n", 0, line_start) + 1)


# A line closing the frontmatter block (trailing carriage returns allowed), with the newline before it:
# a pattern starting with a character is searched for that character, where `^(?:---|...)` was
# tried at every position of the block (1.3 µs a note).
_CLOSING = re.compile(r"\n(?:---|\.\.\.)\r*$", re.MULTILINE)


class _Unusual(Exception):
    """A node `_plain_tree` leaves to PyYAML's constructor."""


_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_SCALARS: dict[str, Any] = {
    _STR: lambda text: text,
    "tag:yaml.org,2002:null": lambda text: None,
    "tag:yaml.org,2002:bool": lambda text: str(text).lower() == "true",
    "tag:yaml.org,2002:int": _int_of,
    "tag:yaml.org,2002:float": _float_of,
}
_MERGE_KEYS = ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")


def _plain_tree(node: yaml.Node) -> Any:
    """What `Yaml12Loader`'s constructors make of an alias-free node, for the five core tags, strings,
    lists and mappings; raises `_Unusual` for anything else (merge keys, other tags)."""
    kind = type(node)
    if kind is yaml.ScalarNode:
        make = _SCALARS.get(node.tag)
        if make is None:
            raise _Unusual
        return make(node.value)
    if kind is yaml.SequenceNode and node.tag == _SEQ:
        return [_plain_tree(child) for child in node.value]
    if kind is yaml.MappingNode and node.tag == _MAP:
        result: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag in _MERGE_KEYS:
                raise _Unusual
            key = _plain_tree(key_node)
            if not isinstance(key, str):  # as in `_construct_str_key_map`
                key = key_node.value if type(key_node) is yaml.ScalarNode else str(key)
            result[key] = _plain_tree(value_node)
        return result
    raise _Unusual


_IMPLICIT = Yaml12Loader.yaml_implicit_resolvers  # first character -> [(tag, pattern)]
_FAST = getattr(yaml, "CSafeLoader", None)
if _FAST is not None:

    class FastYaml12Loader(_FAST):  # type: ignore[misc, valid-type]
        """libyaml's parser with the same 1.2 resolvers and constructors; used only for blocks with no
        anchors or aliases and shallow nesting, where the guards of `Yaml12Loader` have nothing to guard."""

        def resolve(  # type: ignore[override]
            self, kind: type, value: Any, implicit: tuple[bool, bool]
        ) -> str:
            # PyYAML's `resolve` without its path resolvers (this loader has none): libyaml calls it for
            # every node, and the general version costs a tenth of the whole parse.
            if kind is yaml.ScalarNode and implicit[0]:
                for tag, regexp in _IMPLICIT.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _DEFAULT_TAGS[kind]

        def construct_document(self, node: yaml.Node) -> Any:
            # With no aliases the document is a plain tree, built directly (several times faster than
            # PyYAML's general constructor); anything unusual, such as an explicit tag, goes the usual way.
            try:
                return _plain_tree(node)
            except _Unusual:
                return super().construct_document(node)

    FastYaml12Loader.yaml_implicit_resolvers = Yaml12Loader.yaml_implicit_resolvers
    FastYaml12Loader.yaml_constructors = dict(Yaml12Loader.yaml_constructors)
    assert not FastYaml12Loader.yaml_path_resolvers and None not in Yaml12Loader.yaml_implicit_resolvers
    _DEFAULT_TAGS = {yaml.ScalarNode: _STR, yaml.SequenceNode: _SEQ, yaml.MappingNode: _MAP}
else:  # pragma: no cover - PyYAML built without libyaml
    FastYaml12Loader = None

_ANCHOR_OR_ALIAS = re.compile(r"[&*][^\s,\]\}]")
_DEEP = re.compile(r"[\[{]{20}|^ {80}", re.MULTILINE)


def _loader_for(yaml_text: str) -> type:
    # The substring tests are necessary conditions of the patterns, and much cheaper to run.
    if (
        FastYaml12Loader is None
        or (("&" in yaml_text or "*" in yaml_text) and _ANCHOR_OR_ALIAS.search(yaml_text))
        or (
            (yaml_text.count("[") + yaml_text.count("{") >= 20 or " " * 80 in yaml_text)
            and _DEEP.search(yaml_text)
        )
    ):
        return Yaml12Loader
    return FastYaml12Loader


# A mapping entry at the block's top level: a plain key (ASCII words, single spaces between), a colon,
# and after blanks the value (None when nothing follows the colon).
_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*(?: [A-Za-z0-9_-]+)*):(?: +(.*))?")
MAX_SIMPLE_KEY = 128  # (YAML limits an implicit key to 1,024 characters; longer ones go to PyYAML)
_ITEM_LINE = re.compile(r"( *)-(?: +(.*))?")  # an entry of a block sequence: `- value`
# Characters a plain scalar cannot start with (YAML's indicators), and text no plain scalar of the
# simple shape may hold: a flow collection, a comment, or a `: ` that would start a mapping.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW = re.compile(r"[\[\]{}]|: | #|:$")


def _simple_block(yaml_text: str) -> dict[str, Any] | None:
    """The block as `Yaml12Loader` reads it, if it has the simple shape (see the module docstring),
    else None. Every line must be `key: scalar`, `key:` or, under a `key:`, `- scalar` at one indent."""
    lines = yaml_text.split("\n")
    result: dict[str, Any] = {}
    count = len(lines)
    i = 0
    while i < count:
        entry = _key_line(lines[i])
        if entry is None:
            return None
        i += 1
        key, value = entry
        if value is not _OPEN:
            if value is _UNUSUAL:
                return None
            result[key] = value
            continue
        items: list[Any] = []
        indent = None
        while i < count:
            item = _item_line(lines[i])
            if item is None:
                break
            if indent is None:
                indent = item[0]
            elif item[0] != indent:
                return None
            if item[1] is _UNUSUAL:
                return None
            items.append(item[1])
            i += 1
        result[key] = items if indent is not None else None
    return result


# What `_key_line` and `_item_line` give for a value `_simple_scalar` leaves to PyYAML, and (`_key_line`)
# for a `key:` with nothing after it, under which a list may follow.
_UNUSUAL = object()
_OPEN = object()


# The two line shapes, read once per distinct line with their value: frontmatter lines repeat from note
# to note (`type: meeting`, `tags:`, `- type/meeting`, attendees), and the results are immutable. (One
# memo per line rather than one for its shape and one for its value: half the lookups.)
@functools.lru_cache(maxsize=65536)
def _key_line(line: str) -> tuple[str, Any] | None:
    """(key, value) of a `key: value` line, (key, `_OPEN`) of a `key:` line, else None."""
    m = _KEY_LINE.fullmatch(line)
    if m is None or m.end(1) > MAX_SIMPLE_KEY:
        return None
    text = m.group(2)
    if text is None or not text.rstrip(" "):
        return m.group(1), _OPEN
    return m.group(1), _scalar_or_unusual(text)


@functools.lru_cache(maxsize=65536)
def _item_line(line: str) -> tuple[str, Any] | None:
    """(indent, value) of a `- value` line, else None."""
    m = _ITEM_LINE.fullmatch(line)
    return None if m is None else (m.group(1), _scalar_or_unusual(m.group(2) or ""))


def _scalar_or_unusual(text: str) -> Any:
    try:
        return _simple_scalar(text)
    except _Unusual:
        return _UNUSUAL


def _simple_scalar(text: str) -> Any:
    """A one-line scalar as `Yaml12Loader` reads it: a quoted string with no escapes (none needed), or a
    plain scalar of printable characters typed by the same 1.2 core rules. Raises `_Unusual` otherwise."""
    text = text.rstrip(" ")
    if not text:
        return None
    first = text[0]
    if first == '"' or first == "'":
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != first or first in inner or "\\" in inner or not inner.isprintable():
            raise _Unusual
        return inner
    if first in _INDICATORS or not text.isprintable() or _FLOW.search(text):
        raise _Unusual
    for tag, regexp in _IMPLICIT.get(first, ()):
        if regexp.match(text):
            return _SCALARS[tag](text)
    return text


def parse_yaml(yaml_text: str) -> dict[str, Any]:
    """Parse a frontmatter block. Raises FrontmatterError (with a 0-based line in the block) if invalid."""
    if not yaml_text.strip():
        return {}
    simple = _simple_block(yaml_text)
    if simple is not None:
        return simple
    try:
        data = yaml.load(yaml_text, Loader=_loader_for(yaml_text))
    except FrontmatterError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or str(exc)
        raise FrontmatterError(f"invalid YAML: {problem}", mark.line if mark else None) from None
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError) as exc:
        raise FrontmatterError(f"invalid YAML: {exc.__class__.__name__}", None) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontmatterError("frontmatter is not a mapping of keys to values", 0)
    return data


# -- the `publish` property, read fail-closed ------------------------------------------------------------
PUBLISH_FALSE = ("false", "no", "off", "0")
PUBLISH_TRUE = ("true", "yes", "on", "1")
# A `publish:` line (any case of the key, the value in group 1), read where the block is not valid YAML.
_PUBLISH_LINE = re.compile(r"^[ \t]*[\"']?publish[\"']?[ \t]*:(.*)$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True, slots=True)
class PublishProperty:
    """What a note's frontmatter says about publishing it: `flag` True, False or None (it says nothing),
    and `problem`, a message when the statement is not a plain `publish: true/false` (another case of
    the key, a value that is text or a number, a value that is neither true nor false)."""

    flag: bool | None
    problem: str | None = None


_NO_STATEMENT = PublishProperty(None)


def publish_property(data: Mapping[str, Any]) -> PublishProperty:
    """The `publish` property read fail-closed: the key in any case (`Publish`), `false`, `"false"`, `no`,
    `off` and `0` as false, and a value that is neither true nor false as false too (where the author's
    intent is in doubt the note is held back). When the key appears more than once, false wins."""
    flags: list[bool] = []
    problem = None
    for key, value in data.items():
        if not isinstance(key, str) or key.strip().lower() != "publish":
            continue
        if value is None or value == "":
            continue  # an empty property says nothing
        flag = _publish_value(value)
        written = f"{key}: {value!r}" if isinstance(value, str) else f"{key}: {_shown(value)}"
        if flag is None:
            flags.append(False)
            problem = problem or f"`{written}` is neither true nor false; the note is held back"
            continue
        flags.append(flag)
        if key != "publish" or not isinstance(value, bool):
            problem = problem or f"`{written}` is read as `publish: {str(flag).lower()}`" + (
                "; the note is held back" if not flag else ""
            )
    if not flags:
        return _NO_STATEMENT
    return PublishProperty(all(flags), problem)


def _publish_value(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return {0: False, 1: True}.get(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in PUBLISH_FALSE:
            return False
        if text in PUBLISH_TRUE:
            return True
    return None


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def publish_line_doubt(yaml_text: str) -> tuple[int, str] | None:
    """For a block that is not valid YAML, so only the shape of its lines counts: the 0-based line and
    text of a `publish:` line (any case) whose value is not plainly true (`false`, `no`, `off`, `0`, or
    anything in doubt), or None. Such a note is held back."""
    for m in _PUBLISH_LINE.finditer(yaml_text):
        value = m.group(1).split(" #", 1)[0].strip().strip("\"'").strip().lower()
        if value and value not in PUBLISH_TRUE:
            return yaml_text.count("\n", 0, m.start()), m.group(0).strip()
    return None


def publish_key_line(yaml_text: str) -> int | None:
    """The 0-based line of the first `publish:` key (any case) in a block, or None."""
    m = _PUBLISH_LINE.search(yaml_text)
    return None if m is None else yaml_text.count("\n", 0, m.start())
