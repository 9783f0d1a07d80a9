"""Where bases appear in the site: ```base blocks, `![[X.base]]` / `![[X.base#View]]` embeds and the
pages of `.base` files, all rendered by one `BasesRunner` per build.

* A preprocessor (priority 26: after `%%comments%%` at 28 and Dataview's blocks at 27, before
  superfences' fences at 25) replaces each ```base block with the base's views, stashed as raw HTML,
  also inside callouts. `this` is the note the block is in.
* Embeds are the links stage's: its `LinkContext.embed_base` calls `BasesRunner.embed`; `this` is the
  note holding the embed (an embedded note's own embeds see that note).
* A base file's page (`BasesRunner.page_html`) shows every view, `this` being the base file.

A base that cannot be read shows a notice with the file and line and is reported as a warning; one
formula or filter that does not parse is reported the same way, and only what uses it fails.
Results repeat other notes' content, so they are kept out of the search index, like Dataview's.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from ..dataview.blocks import find_blocks
from ..markdown.searchmarks import hidden
from .expr import Call, Member, Name
from .query import ViewResult
from .render import BaseRenderer, LinkHtml, MediaHtml, notice
from .spec import BaseError, BaseSpec, parse_base
from .state import listable, read_base_file, run_base

Report = Callable[[str, int, str, str], None]  # path, 1-based line, kind, message


def _no_media(path: str, alt: str) -> str | None:
    return None


def uses_this(spec: BaseSpec) -> bool:
    """Does any expression of the base read `this`? (If not, its views are the same wherever shown.)"""
    return any(isinstance(node, Name) and node.name == "this" for node in _nodes(spec))


_FILE_FIELDS = frozenset(
    ("name", "basename", "path", "folder", "ext", "size", "ctime", "mtime", "tags", "links", "embeds",
     "backlinks", "properties", "file")
)


def _own_file(node: Any) -> bool:
    """`file`, `this` or `this.file`: the row's own file or the note the base is shown for."""
    if isinstance(node, Name):
        return node.name in ("file", "this")
    return isinstance(node, Member) and node.name == "file" and isinstance(node.obj, Name) and node.obj.name == "this"


def makes_links(spec: BaseSpec) -> bool:
    """Can an expression of the base make a link to a note from something other than a link the row
    holds (`link("Name")`, `x.asLink()`)? If so, a note published, unpublished or moved anywhere may
    change how it shows."""
    for node in _nodes(spec):
        if isinstance(node, Call):
            callee = node.callee
            if (isinstance(callee, Name) and callee.name == "link") or (
                isinstance(callee, Member) and callee.name == "asLink"
            ):
                return True
    return False


def reads_other_files(spec: BaseSpec) -> bool:
    """Can an expression of the base read a note other than the row and `this`? (`file()`,
    `asFile()`, `linksTo()`, `backlinks`, or a file field of a link, such as `director.name`.) If so,
    an edit anywhere may change what it shows."""
    for node in _nodes(spec):
        if isinstance(node, Call):
            callee = node.callee
            if isinstance(callee, Name) and callee.name == "file":
                return True
            if isinstance(callee, Member) and callee.name in ("asFile", "linksTo"):
                return True
        if isinstance(node, Member):
            if node.name == "backlinks":
                return True
            if node.name in _FILE_FIELDS and not _own_file(node.obj) and not (
                isinstance(node.obj, Name) and node.obj.name in ("note", "formula")
            ):
                return True
    return False


def _nodes(spec: BaseSpec) -> Iterator[Any]:
    trees: list[Any] = list(spec.formulas.values()) + list(spec.summaries.values())
    filters = [spec.filters] + [v.filters for v in spec.views]
    while filters:
        flt = filters.pop()
        if flt is None:
            continue
        trees.append(flt.tree)
        filters.extend(flt.children)
    stack = [t for t in trees if t is not None]
    while stack:
        node = stack.pop()
        yield node
        for slot in getattr(node, "__slots__", ()):
            value = getattr(node, slot, None)
            if isinstance(value, tuple):
                stack.extend(v for item in value for v in (item if isinstance(item, tuple) else (item,)))
            elif value is not None and not isinstance(value, (str, int, float, bool)):
                stack.append(value)


@dataclass
class BasesRunner:
    """What bases need from the build, set up once per build.

    - `state()`: the `pipeline.VaultState` (rows, index, clock, files);
    - `page()`: vault path of the note being rendered (a block's or an embed's `this`);
    - `source()`: that note's body and the 0-based file line it starts on (for reports' lines);
    - `link_html` / `media_html`: HTML for links and attachments in results;
    - `report(path, line, kind, message)`: the diagnostics sink (warnings);
    - `shown(page, seen, probe, links)`: told of every note page showing a base, with the notes its
      views could list (`seen`, None for any) and a `probe()` answering the same later, after edits
      (`bases.state.listable`), so that `mkdocs serve` renders the page again when an edit can
      change what it shows; `links`: can it make links other than those its rows hold (`makes_links`).
    """

    state: Callable[[], Any]
    page: Callable[[], str]
    link_html: LinkHtml
    media_html: MediaHtml = _no_media
    report: Report = lambda path, line, kind, message: None
    source: Callable[[], tuple[str, int]] = lambda: ("", 0)
    shown: Callable[[str, frozenset[str] | None, Callable[[], frozenset[str] | None], bool], None] = (
        lambda page, seen, probe, links: None
    )
    _specs: dict[str, BaseSpec | BaseError] = field(default_factory=dict)
    _results: dict[tuple[str, str | None], list[ViewResult]] = field(default_factory=dict)
    timings: dict[str, float] | None = None  # where to add the time spent on bases ("bases")
    _reported: set[tuple[str, int, str]] = field(default_factory=set)
    _probes: dict[tuple[int, str | None, str | None], Callable[[], frozenset[str] | None]] = field(
        default_factory=dict
    )

    def forget(self) -> None:
        """A new build: the vault may have changed."""
        self._specs.clear()
        self._results.clear()
        self._reported.clear()
        self._probes.clear()

    def _warn(self, path: str, line: int, message: str) -> None:
        key = (path, line, message)
        if key not in self._reported:
            self._reported.add(key)
            self.report(path, line, "base", message)

    def _spec(self, text: str, where: str, first_line: int) -> BaseSpec | BaseError:
        """The base read from `text` (cached by text); its problems reported against `where`, whose
        line `first_line` (1-based) holds the base's first line."""
        found = self._specs.get(text)
        if found is None:
            try:
                found = parse_base(text)
            except BaseError as exc:
                found = exc
            self._specs[text] = found
        if isinstance(found, BaseError):
            self._warn(where, first_line + max(found.line, 1) - 1, f"base cannot be read: {found.message}")
        else:
            for problem in found.problems:
                self._warn(where, first_line + problem.line - 1, f"base: {problem.message}")
        return found

    def render(
        self, text: str, this: str | None, view: str | None, where: str, first_line: int, page: str | None = None
    ) -> str:
        """A base's views as HTML, for `this` (a vault path), only `view` when given. Never raises: what
        goes wrong unexpectedly becomes a notice and a warning, and the page still renders."""
        start = time.perf_counter()
        try:
            return self._render(text, this, view, where, first_line, page)
        except Exception as exc:  # noqa: BLE001 - a base must never take the build down
            self._warn(where, first_line, f"base could not be shown: {type(exc).__name__}: {exc}")
            return notice(f"This base could not be shown ({where}, line {first_line}).")
        finally:
            if self.timings is not None:
                self.timings["bases"] = self.timings.get("bases", 0.0) + time.perf_counter() - start

    def _render(
        self, text: str, this: str | None, view: str | None, where: str, first_line: int, page: str | None
    ) -> str:
        spec = self._spec(text, where, first_line)
        if isinstance(spec, BaseError):
            line = first_line + max(spec.line, 1) - 1
            return notice(f"This base cannot be shown: {spec.message} ({where}, line {line}).")
        if view and spec.view(view) is None:
            self._warn(this or where, 0, f'base {where} has no view "{view}"')
            return notice(f"The base {where} has no view named “{view}”.")
        state = self.state()
        key = (text, view) if not uses_this(spec) else None
        results = self._results.get(key) if key is not None else None
        if results is None:
            results = run_base(state, spec, view, this)
            if key is not None:
                self._results[key] = results
        if page:
            seen: set[str] | None = set()
            for result in results:
                if result.candidates is None or seen is None:
                    seen = None
                else:
                    seen |= result.candidates
            seen_now = frozenset(seen) if seen is not None else None
            self.shown(page, seen_now, self._probe(spec, view, this), makes_links(spec))
        uid = hashlib.sha1(f"{where}\0{this}\0{view}\0{first_line}".encode()).hexdigest()[:8]
        renderer = BaseRenderer(self.link_html, self.media_html, state.clock.tz)
        html = renderer.base(results, uid)
        return hidden(f'<div class="vault-bases" data-search-exclude>{html}</div>')

    def _probe(self, spec: BaseSpec, view: str | None, this: str | None) -> Callable[[], frozenset[str] | None]:
        if reads_other_files(spec):
            return lambda: None
        key = (id(spec), view, this if uses_this(spec) else None)
        found = self._probes.get(key)
        if found is None:
            state = self.state()
            found = self._probes[key] = lambda: listable(state, spec, view, this)
        return found

    def embed(self, base_path: str, view: str | None, this: str) -> str:
        """`![[X.base]]` / `![[X.base#View]]` in the note `this`."""
        try:
            text = read_base_file(self.state(), base_path)
        except OSError as exc:
            self._warn(base_path, 0, f"base cannot be read: {exc.strerror or exc}")
            return notice(f"The base {base_path} cannot be read.")
        return self.render(text, this, view or None, base_path, 1, page=this)

    def page_html(self, base_path: str, tell: bool = False) -> str:
        """The page of a `.base` file: every view, `this` being the base file. `tell`: tell `shown` what
        it could list, as for a note showing a base, with the base file as the page."""
        try:
            text = read_base_file(self.state(), base_path)
        except OSError as exc:
            self._warn(base_path, 0, f"base cannot be read: {exc.strerror or exc}")
            return notice(f"The base {base_path} cannot be read.")
        return self.render(text, base_path, None, base_path, 1, page=base_path if tell else None)


class BaseBlockPreprocessor(Preprocessor):
    def __init__(self, md: Markdown, runner: BasesRunner) -> None:
        super().__init__(md)
        self.runner = runner

    def run(self, lines: list[str]) -> list[str]:
        blocks = find_blocks(lines, ("base",))
        if not blocks:
            return lines
        origin = self.runner.page()
        body, body_line = self.runner.source()
        # File lines of the blocks as written (earlier preprocessors may have moved the lines given here).
        written = [body_line + b.line + 1 for b in find_blocks(body.split("\n"), ("base",))]
        out: list[str] = []
        last = 0
        for k, block in enumerate(blocks):
            out.extend(lines[last : block.line])
            fence = written[k] if k < len(written) else 0
            html = self.runner.render(block.query, origin or None, None, origin, fence + 1, page=origin or None)
            placeholder = self.md.htmlStash.store(html)
            quote = block.prefix.rstrip() if block.prefix.strip() else ""
            out.extend([quote, (block.prefix or "") + placeholder, quote])
            last = block.end + 1
        out.extend(lines[last:])
        return out


class BasesExtension(Extension):
    """Renders ```base blocks; give it a `BasesRunner` (without one it does nothing)."""

    def __init__(self, runner: BasesRunner | None = None, **kwargs: Any) -> None:
        self.runner = runner
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        if self.runner is None:
            return
        md.preprocessors.register(BaseBlockPreprocessor(md, self.runner), "vault-bases", 26)


def makeExtension(**kwargs: Any) -> BasesExtension:
    return BasesExtension(**kwargs)
