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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from ..dataview.blocks import find_blocks
from ..markdown.searchmarks import hidden
from .expr import Name
from .query import ViewResult
from .render import BaseRenderer, LinkHtml, MediaHtml, notice
from .spec import BaseError, BaseSpec, parse_base
from .state import read_base_file, run_base

Report = Callable[[str, int, str, str], None]  # path, 1-based line, kind, message


def _no_media(path: str, alt: str) -> str | None:
    return None


def uses_this(spec: BaseSpec) -> bool:
    """Does any expression of the base read `this`? (If not, its views are the same wherever shown.)"""
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
        if isinstance(node, Name) and node.name == "this":
            return True
        if hasattr(node, "__slots__"):
            for slot in node.__slots__:
                value = getattr(node, slot, None)
                if isinstance(value, tuple):
                    stack.extend(v for item in value for v in (item if isinstance(item, tuple) else (item,)))
                elif not isinstance(value, (str, int, float, bool)) and value is not None:
                    stack.append(value)
    return False


@dataclass
class BasesRunner:
    """What bases need from the build, set up once per build.

    - `state()`: the `pipeline.VaultState` (rows, index, clock, files);
    - `page()`: vault path of the note being rendered (a block's or an embed's `this`);
    - `source()`: that note's body and the 0-based file line it starts on (for reports' lines);
    - `link_html` / `media_html`: HTML for links and attachments in results;
    - `report(path, line, kind, message)`: the diagnostics sink (warnings);
    - `shown(path)`: told of every page showing a base, so `mkdocs serve` re-renders it after edits.
    """

    state: Callable[[], Any]
    page: Callable[[], str]
    link_html: LinkHtml
    media_html: MediaHtml = _no_media
    report: Report = lambda path, line, kind, message: None
    source: Callable[[], tuple[str, int]] = lambda: ("", 0)
    shown: Callable[[str], None] = lambda path: None
    _specs: dict[str, BaseSpec | BaseError] = field(default_factory=dict)
    _results: dict[tuple[str, str | None], list[ViewResult]] = field(default_factory=dict)
    _reported: set[tuple[str, int, str]] = field(default_factory=set)

    def forget(self) -> None:
        """A new build: the vault may have changed."""
        self._specs.clear()
        self._results.clear()
        self._reported.clear()

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

    def render(self, text: str, this: str | None, view: str | None, where: str, first_line: int) -> str:
        """A base's views as HTML, for `this` (a vault path), only `view` when given. Never raises: what
        goes wrong unexpectedly becomes a notice and a warning, and the page still renders."""
        try:
            return self._render(text, this, view, where, first_line)
        except Exception as exc:  # noqa: BLE001 - a base must never take the build down
            self._warn(where, first_line, f"base could not be shown: {type(exc).__name__}: {exc}")
            return notice(f"This base could not be shown ({where}, line {first_line}).")

    def _render(self, text: str, this: str | None, view: str | None, where: str, first_line: int) -> str:
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
        uid = hashlib.sha1(f"{where}\0{this}\0{view}\0{first_line}".encode()).hexdigest()[:8]
        renderer = BaseRenderer(self.link_html, self.media_html, state.clock.tz)
        html = renderer.base(results, uid)
        return hidden(f'<div class="vault-bases" data-search-exclude>{html}</div>')

    def embed(self, base_path: str, view: str | None, this: str) -> str:
        """`![[X.base]]` / `![[X.base#View]]` in the note `this`."""
        self.shown(this)
        try:
            text = read_base_file(self.state(), base_path)
        except OSError as exc:
            self._warn(base_path, 0, f"base cannot be read: {exc.strerror or exc}")
            return notice(f"The base {base_path} cannot be read.")
        return self.render(text, this, view or None, base_path, 1)

    def page_html(self, base_path: str) -> str:
        """The page of a `.base` file: every view, `this` being the base file."""
        try:
            text = read_base_file(self.state(), base_path)
        except OSError as exc:
            self._warn(base_path, 0, f"base cannot be read: {exc.strerror or exc}")
            return notice(f"The base {base_path} cannot be read.")
        return self.render(text, base_path, None, base_path, 1)


class BaseBlockPreprocessor(Preprocessor):
    def __init__(self, md: Markdown, runner: BasesRunner) -> None:
        super().__init__(md)
        self.runner = runner

    def run(self, lines: list[str]) -> list[str]:
        blocks = find_blocks(lines, ("base",))
        if not blocks:
            return lines
        origin = self.runner.page()
        self.runner.shown(origin)
        body, body_line = self.runner.source()
        # File lines of the blocks as written (earlier preprocessors may have moved the lines given here).
        written = [body_line + b.line + 1 for b in find_blocks(body.split("\n"), ("base",))]
        out: list[str] = []
        last = 0
        for k, block in enumerate(blocks):
            out.extend(lines[last : block.line])
            fence = written[k] if k < len(written) else 0
            html = self.runner.render(block.query, origin or None, None, origin, fence + 1)
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
