"""The Python-Markdown extension for `[[wikilinks]]`, `![[embeds]]`, Markdown links to notes and `^block-ids`.

Rendering happens in two phases, as mkdocs-autorefs does it:

1. While a page renders, every link to a published vault file becomes a placeholder
   `<vault-link data-target="People/Ada Quill.md" data-subpath="Contact" ...>shown text</vault-link>`,
   media embeds carry `data-vault-src="Attachments/x.png"`, and the headings and block ids of the page
   are recorded in the `LinkContext`. Everything that can be decided from names alone is decided
   here: an unresolved link becomes `<span class="vault-unresolved">`, a link to an unpublished
   note becomes the linking note's own words as plain text, and neither leaves any trace of the
   target in the output (a placeholder never names an unpublished file, so a missed fix-up cannot
   leak one).
2. Once every page is rendered (MkDocs' `on_env`), `fix_links(html, page_path, ctx)` turns each
   placeholder into `<a href="relative/url/#heading-id">`, the heading id taken from the target
   page as it was actually built.

Links resolve relative to the note they were written in, also inside embedded notes: an embed is
rendered by a child Markdown instance while the `LinkContext` frame stack says which note it is.

Processor priorities (Python-Markdown's own: backtick 190, escape 180, footnote 175, link 160):
the wikilink pattern runs at 176, so code spans and math (arithmatex, 189.9) are already protected,
`\\|` in tables is already an escape code (restored to `\\|` before parsing), and `[[...]]` is
claimed before footnotes and Markdown links see it. Fenced code is stashed by a preprocessor and
never reaches us. The tree pass for Markdown links and block ids runs at 15 (after inline, before
`toc` at 5, so `toc` sees block ids as taken), the recording/embed pass at -10 (after `toc`).
"""

from __future__ import annotations

import bisect
import html
import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from markdown import Extension, Markdown, util
from markdown.inlinepatterns import InlineProcessor
from markdown.serializers import to_html_string
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from mkdocs_vault.links.anchors import HeadingAnchor, anchors_from_source, find_heading, shown_text
from mkdocs_vault.links.resolve import LinkResolver, Resolution, decode_markdown_target, parse_wikilink
from mkdocs_vault.urls import path_between, plain_segments

if TYPE_CHECKING:
    from mkdocs_vault.vault.model import Note

__all__ = [
    "LinkContext",
    "VaultLinksExtension",
    "fix_links",
    "link_placeholder",
    "makeExtension",
    "relative_url",
    "render_text_with_links",
]

Report = Callable[[str, int, str, str], None]

IMAGE_EXTS = {"png", "jpg", "jpeg", "gif", "bmp", "svg", "webp", "avif", "ico", "tif", "tiff"}
AUDIO_EXTS = {"mp3", "wav", "m4a", "ogg", "3gp", "flac", "aac", "opus"}
VIDEO_EXTS = {"mp4", "webm", "ogv", "mov", "mkv", "m4v"}
PDF_EXTS = {"pdf"}
NOTE_EXTS = {"md"}

# Diagnostic kinds this module reports (the plugin maps them to log levels).
UNRESOLVED = "unresolved-link"
AMBIGUOUS = "ambiguous-link"
UNPUBLISHED = "unpublished-link"
EMBED_CYCLE = "embed-cycle"
EMBED_DEPTH = "embed-depth"
EMBED_UNSUPPORTED = "unsupported-embed"
MISSING_SECTION = "missing-section"
EMBED_BUDGET = "embed-budget"

# What the notes embedded in one page may add up to, at every depth together. Ten embeds of notes that
# each embed ten more, four levels deep, render 11,110 notes into one page; these bounds keep any page
# to a bounded time and size (a real page embeds a few notes of a few kilobytes).
MAX_EMBEDS = 1000
MAX_EMBEDDED_CHARS = 2_000_000


def budget_message(raw: str) -> str:
    """The warning for the first embed a page stops at (the same for every page that stops there)."""
    return (
        f"{raw}: a page showing this embed already embeds as much as a page may (at most {MAX_EMBEDS:,} "
        f"notes or {MAX_EMBEDDED_CHARS:,} characters, at every depth together); it and the embeds after it "
        "are not shown there"
    )

WIKILINK_RE = r"(!?)\[\[([^\[\]\n]+?)\]\]"
_BLOCK_ID_TAIL = re.compile(r"\s+\^([A-Za-z0-9-]+)\s*$")
_BLOCK_ID_ALONE = re.compile(r"^\s*\^([A-Za-z0-9-]+)\s*$")
_STASH = re.compile("\x02[^\x03]*\x03")
_ESCAPED = re.compile("\x02([0-9]+)\x03")
_SIZE = re.compile(r"^\s*(\d+)\s*(?:x\s*(\d+)\s*)?$")
_NEWLINE = re.compile("\n")
_UNESCAPED_BAR = re.compile(r"(?<!\\)\|")
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


# -- per-build context -----------------------------------------------------------------------------


@dataclass
class PageFrame:
    """The note being rendered (a page, or a note embedded in it)."""

    path: str
    body: str = ""
    body_line: int = 0  # 0-based file line where `body` starts
    embedded: bool = False
    subpath: str | None = None  # what an embed selects: "Heading#Sub" or "^block"
    selection_found: bool = True
    # On a page's own frame: what its embeds have rendered so far (`MAX_EMBEDDED_CHARS`, `MAX_EMBEDS`).
    embedded_chars: int = 0
    embeds: int = 0
    budget_spent: bool = False
    #: Reports held until the embed is cut down to what it selects: (element, report_once arguments).
    pending: list[tuple[etree.Element, tuple[str, int, str, str, str]]] = field(default_factory=list)
    _line_starts: list[int] = field(default_factory=list)
    _cursors: dict[str, int] = field(default_factory=dict)
    _last: int = 0

    def file_line(self, raw: str) -> int:
        """1-based file line of the next occurrence of `raw` in the body (links render in order)."""
        if not self.body:
            return self.body_line + 1
        # Links render in document order, so search on from the last one found first (linear
        # even for thousands of links on one line), then from this text's own last match.
        pos = self.body.find(raw, self._last)
        if pos < 0:
            pos = self.body.find(raw, self._cursors.get(raw, 0))
        if pos < 0:
            pos = self.body.find(raw)
        if pos < 0:
            return self.body_line + 1
        self._cursors[raw] = self._last = pos + len(raw)
        if not self._line_starts:
            self._line_starts = [0] + [m.end() for m in _NEWLINE.finditer(self.body)]
        return self.body_line + bisect.bisect_right(self._line_starts, pos)


class LinkContext:
    """Everything the links extension needs to know about the vault, set up once per build.

    - `resolver`: a `LinkResolver` over every vault file (published or not);
    - `url_of(path)`: site-relative URL of a published note or attachment (`"people/ada-quill/"`,
      `"attachments/x.png"`, `""` for the home page), or None when it has none;
    - `is_published(path)`: whether a note or attachment goes out;
    - `get_note(path)`: the `Note` for an embed (published notes only; None otherwise);
    - `report(path, line, kind, message)`: the diagnostics sink, `line` 1-based;
    - `markdown_factory()`: a fresh `Markdown` configured like the site's, for rendering embeds;
    - `max_embed_depth`: how deep embeds may nest before a notice replaces them;
    - `embed_base(path, view, note)`: HTML of an embedded base (set by the host, else a notice).

    The plugin calls `begin_page(note.path, note.body, note.body_line)` before each page renders
    (the note's original body: line numbers of reports are found by searching it, so it may differ
    from the Markdown actually rendered) and `fix_links` for each page in `on_env`; `reset()`
    starts a new build.
    """

    def __init__(
        self,
        resolver: LinkResolver,
        url_of: Callable[[str], str | None],
        is_published: Callable[[str], bool],
        get_note: Callable[[str], Note | None],
        report: Report,
        *,
        markdown_factory: Callable[[], Markdown] | None = None,
        max_embed_depth: int = 4,
    ) -> None:
        self.resolver = resolver
        self.url_of = url_of
        self.is_published = is_published
        self.get_note = get_note
        self.report = report
        self.markdown_factory = markdown_factory
        self.max_embed_depth = max_embed_depth
        #: Renders `![[X.base#View]]` (path, view name or None, embedding note) -> HTML; set by the
        #: host when bases are rendered, else such embeds show the "cannot be shown" notice.
        self.embed_base: Callable[[str, str | None, str], str] | None = None
        #: Headings and block ids of each page as built, recorded while it rendered.
        self.headings: dict[str, list[HeadingAnchor]] = {}
        self.block_ids: dict[str, set[str]] = {}
        self._stack: list[PageFrame] = [PageFrame("")]
        self._reported: set[tuple[str, int, str, str]] = set()
        self._children: dict[int, Markdown] = {}

    def reset(self) -> None:
        """Forget everything recorded for the previous build (`mkdocs serve` rebuilds)."""
        self.headings.clear()
        self.block_ids.clear()
        self._reported.clear()
        self._children.clear()
        self._stack = [PageFrame("")]

    def begin_page(self, path: str, body: str = "", body_line: int = 0) -> None:
        """Say which note the next Markdown render is for (its body and where the body starts)."""
        self._stack = [PageFrame(path, body, body_line)]

    @property
    def current(self) -> PageFrame:
        return self._stack[-1]

    @property
    def depth(self) -> int:
        return len(self._stack) - 1

    def report_once(self, path: str, line: int, kind: str, target: str, message: str) -> None:
        key = (path, line, kind, target)
        if key not in self._reported:
            self._reported.add(key)
            self.report(path, line, kind, message)

    def anchor_for(self, path: str, subpath: str) -> str | None:
        """The id in `path`'s built page that `subpath` ("Heading#Sub", "^block") names."""
        if subpath.startswith("^"):
            ident = "^" + subpath[1:].strip()
            ids = self.block_ids.get(path)
            if ids is None:
                note = self.get_note(path)
                ids = {"^" + b.id for b in note.block_ids} if note is not None else set()
            return ident if ident in ids else None
        anchors = self.headings.get(path)
        if anchors is None:
            note = self.get_note(path)
            if note is None:
                return None
            anchors = anchors_from_source((h.level, h.text) for h in note.headings)
        found = find_heading(anchors, subpath)
        return found.id if found else None

    # -- embeds ---------------------------------------------------------------------------------

    def render_embed(self, note: Note, subpath: str | None) -> tuple[str, bool]:
        """Render `note`'s body (or the part `subpath` selects) as HTML, links relative to `note`.

        Returns the HTML and whether the selected section or block was found.
        """
        depth = self.depth + 1
        md = self._children.get(depth)
        if md is None:
            md = self.markdown_factory() if self.markdown_factory else _default_markdown(self)
            self._children[depth] = md
        md.reset()
        frame = PageFrame(note.path, note.body, note.body_line, embedded=True, subpath=subpath)
        self._stack.append(frame)
        try:
            out = md.convert(note.body)
        finally:
            self._stack.pop()
        return out, frame.selection_found


    def embed_note_html(self, path: str, subpath: str | None) -> str:
        """The published note `path` (or its section) embedded, for renderers that are not Markdown
        (Dataview's results): what `![[...]]` shows, under the same publish filter and caps (a note
        already shown above, or embeds nested deeper than `max_embed_depth`, stop with a notice)."""
        target = path + (f"#{subpath}" if subpath else "")
        note = self.get_note(path) if self.is_published(path) else None
        if note is None:
            return to_html_string(notice_element("This embedded content is not published.", "unpublished"))
        link = to_html_string(link_placeholder(path, subpath, "↗", source=self.current.path))
        if path in [f.path for f in self._stack]:
            notice = notice_element(f"Embed stopped: ![[{target}]] would show a note that is already shown above. ", "cycle")
            return to_html_string(notice).replace("</div>", link + "</div>")
        if self.depth >= self.max_embed_depth:
            return to_html_string(notice_element("Embed stopped: embeds are nested too deeply.", "depth"))
        body_html, found = self.render_embed(note, subpath)
        if not found:
            return to_html_string(notice_element(f"Embedded section not found: {target}", "missing"))
        return (
            f'<div class="vault-embed"><div class="vault-embed-content">{body_html}</div>'
            f'<div class="vault-embed-link">{link}</div></div>'
        )


def _default_markdown(ctx: LinkContext) -> Markdown:
    # Used only when the host gave no factory: enough for links, tables and footnotes in embeds.
    return Markdown(
        extensions=[VaultLinksExtension(context=ctx), "tables", "fenced_code", "footnotes", "toc"]
    )


# -- phase 1: placeholders -------------------------------------------------------------------------


def link_placeholder(
    target: str,
    subpath: str | None,
    text: str,
    *,
    source: str = "",
    line: int = 0,
) -> etree.Element:
    """A `<vault-link>` element for a link to the published file `target`, fixed up by `fix_links`.

    Public so other renderers (properties panel, generated pages) can emit links the same way.
    """
    el = etree.Element("vault-link", {"data-target": target})
    if subpath:
        el.set("data-subpath", subpath)
    if source:
        el.set("data-source", source)
        el.set("data-line", str(line))
    el.text = AtomicString(text)
    return el


def unresolved_element(text: str, title: str) -> etree.Element:
    """The visible, non-clickable element an unresolved link becomes."""
    el = etree.Element("span", {"class": "vault-unresolved", "title": title})
    el.text = AtomicString(text)
    return el


def notice_element(text: str, kind: str) -> etree.Element:
    """A block notice shown in place of an embed we cannot or may not show."""
    el = etree.Element("div", {"class": f"vault-embed-notice vault-embed-{kind}"})
    el.text = AtomicString(text)
    return el


class _Linker:
    """Shared by the inline and tree processors of one Markdown instance: turns a parsed link into
    the element phase 1 emits, and reports what is wrong with it."""

    def __init__(self, md: Markdown, ctx: LinkContext) -> None:
        self.md = md
        self.ctx = ctx

    def resolve(self, target: str, raw: str, line: int) -> Resolution:
        frame = self.ctx.current
        if not target:
            return Resolution(frame.path or None, "path")
        result = self.ctx.resolver.resolve(target, frame.path)
        if result.ambiguous and frame.path:
            self.ctx.report_once(
                frame.path,
                line,
                AMBIGUOUS,
                target,
                f"{raw}: {len(result.candidates)} files match ({', '.join(result.candidates)}); "
                f"linking to {result.path}",
            )
        return result

    def unresolved(
        self, raw: str, text: str, line: int, target: str, how: str, display: str | None = None
    ) -> etree.Element:
        frame = self.ctx.current
        reason = "points outside the vault" if how == "outside" else "matches no file in the vault"
        if frame.path:
            self.ctx.report_once(frame.path, line, UNRESOLVED, target, f"unresolved link {raw}: {reason}")
        el = unresolved_element(text, f"Unresolved link: {target}")
        if display:
            el.text = display  # the user's own text: inline Markdown in it still renders
        return el

    def link(self, raw: str, target: str, subpath: str | None, text: str, display: str | None) -> Any:
        """The element for a non-embed link to `target`: placeholder, unresolved or plain words."""
        frame = self.ctx.current
        line = frame.file_line(raw)
        result = self.resolve(target, raw, line)
        if result.path is None:
            return self.unresolved(raw, text, line, target, result.how, display)
        if not self.ctx.is_published(result.path):
            if frame.path:
                self.ctx.report_once(
                    frame.path, line, UNPUBLISHED, result.path, f"{raw} links to an unpublished note"
                )
            # The linking note's own words only, as plain text: nothing from the target. (A span
            # only when those words hold stashed inline Markdown that must still be restored.)
            if display and util.INLINE_PLACEHOLDER_PREFIX in display:
                el = etree.Element("span")
                el.text = display
                return el
            return AtomicString(text)
        el = link_placeholder(result.path, subpath, text, source=frame.path, line=line)
        if display:
            # An alias may carry formatting (`[[n|**bold**]]`), as Obsidian renders it.
            el.text = display
        return el

    def embed(self, raw: str, target: str, subpath: str | None, display: str | None) -> etree.Element:
        frame = self.ctx.current
        line = frame.file_line(raw)
        shown = shown_text(target, subpath, None) or frame.path
        result = self.resolve(target, raw, line)
        if result.path is None:
            return self.unresolved(raw, shown, line, target, result.how)
        path = result.path
        ext = path.rpartition(".")[2].lower() if "." in path.rpartition("/")[2] else ""
        if not self.ctx.is_published(path):
            if frame.path:
                self.ctx.report_once(frame.path, line, UNPUBLISHED, path, f"{raw} embeds an unpublished file")
            return notice_element("This embedded content is not published.", "unpublished")
        if ext in NOTE_EXTS:
            return self._embed_note(raw, path, subpath, line)
        name = path.rpartition("/")[2]
        if ext in IMAGE_EXTS:
            return _image(path, display, name)
        if ext in AUDIO_EXTS:
            return _media("audio", path, name)
        if ext in VIDEO_EXTS:
            return _media("video", path, name)
        if ext in PDF_EXTS:
            el = etree.Element("iframe", {"class": "vault-embed-pdf", "title": name, "loading": "lazy"})
            el.set("data-vault-src", path + (f"#{subpath}" if subpath else ""))
            el.text = AtomicString("")
            return el
        if ext == "base" and self.ctx.embed_base is not None:
            # `![[X.base]]` / `![[X.base#View]]`: the bases stage renders it, `this` being this note.
            el = etree.Element("div", {"class": "vault-embed-base"})
            el.text = AtomicString(self.md.htmlStash.store(self.ctx.embed_base(path, subpath, frame.path)))
            return el
        if frame.path:
            self.ctx.report_once(
                frame.path, line, EMBED_UNSUPPORTED, path, f"{raw}: cannot embed this file type"
            )
        return notice_element(f"Embedded file “{name}” cannot be shown on this site.", "unsupported")

    def _embed_note(self, raw: str, path: str, subpath: str | None, line: int) -> etree.Element:
        ctx = self.ctx
        frame = ctx.current
        stack_paths = [f.path for f in ctx._stack]
        # A cycle is the same note and the same part of it shown again inside itself. A note showing
        # another section of itself (`![[#Summary]]`) is not one, as in Obsidian; if that section
        # embeds itself in turn, the repeat is caught one level down.
        shown = (path, _part(subpath))
        if any((f.path, _part(f.subpath)) == shown for f in ctx._stack):
            # Like Obsidian (and obsidian-export), end the loop with a link to where it would go.
            el = notice_element(
                f"Embed stopped: {raw} would show a note that is already shown above. ", "cycle"
            )
            report = (frame.path, line, EMBED_CYCLE, path, f"{raw}: embed cycle ({' -> '.join(stack_paths + [path])})")
            if frame.embedded and frame.subpath:
                frame.pending.append((el, report))  # reported only if it is in the part shown
            else:
                ctx.report_once(*report)
            el.append(
                link_placeholder(
                    path,
                    subpath,
                    shown_text(path, None, None).rpartition("/")[2],
                    source=frame.path,
                    line=line,
                )
            )
            return el
        if ctx.depth >= ctx.max_embed_depth:
            ctx.report_once(
                frame.path, line, EMBED_DEPTH, path, f"{raw}: embeds nested deeper than {ctx.max_embed_depth}"
            )
            return notice_element("Embed stopped: embeds are nested too deeply.", "depth")
        note = ctx.get_note(path)
        if note is None:
            return notice_element("This embedded content is not published.", "unpublished")
        page = ctx._stack[0]
        if page.embeds >= MAX_EMBEDS or page.embedded_chars + len(note.body) > MAX_EMBEDDED_CHARS:
            if not page.budget_spent:
                page.budget_spent = True
                ctx.report_once(frame.path, line, EMBED_BUDGET, path, budget_message(raw))
            return notice_element("Embed not shown: this page already embeds as much as a page may.", "budget")
        page.embeds += 1
        page.embedded_chars += len(note.body)
        body_html, found = ctx.render_embed(note, subpath)
        if not found:
            ctx.report_once(
                frame.path, line, MISSING_SECTION, f"{path}#{subpath}", f"{raw}: no such section in {path}"
            )
            return notice_element(f"Embedded section not found: {raw[3:-2]}", "missing")
        el = etree.Element("div", {"class": "vault-embed"})
        inner = etree.SubElement(el, "div", {"class": "vault-embed-content"})
        inner.text = AtomicString(self.md.htmlStash.store(body_html))
        title = etree.SubElement(el, "div", {"class": "vault-embed-link"})
        title.append(link_placeholder(path, subpath, "↗", source=frame.path, line=line))
        return el


def _part(subpath: str | None) -> str:
    """What an embed shows of a note, compared loosely (`#Summary` and `#summary` are one heading)."""
    return " ".join((subpath or "").split()).casefold()


def _image(path: str, display: str | None, name: str) -> etree.Element:
    alt, width, height = name, None, None
    if display:
        parts = display.split("|")
        size = _SIZE.match(parts[-1])
        if size:
            width, height = size.group(1), size.group(2)
            parts = parts[:-1]
        if any(p.strip() for p in parts):
            alt = "|".join(parts).strip()
    # `src=""` until `fix_links`: MkDocs' own link processor requires the attribute and skips empty ones.
    el = etree.Element("img", {"src": "", "data-vault-src": path, "alt": alt, "loading": "lazy"})
    if width:
        el.set("width", width)
    if height:
        el.set("height", height)
    return el


def _media(tag: str, path: str, name: str) -> etree.Element:
    el = etree.Element(
        tag, {"controls": "controls", "preload": "metadata", "data-vault-src": path, "title": name}
    )
    el.text = AtomicString("")
    return el


class WikiLinkProcessor(InlineProcessor):
    """`[[target#subpath|display]]` and `![[...]]`."""

    # A wikilink inside a placeholder's alias text would nest links.
    ANCESTOR_EXCLUDES = ("a", "vault-link")

    def __init__(self, pattern: str, md: Markdown, linker: _Linker) -> None:
        super().__init__(pattern, md)
        self.linker = linker

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Any, int | None, int | None]:
        bang, inner = m.group(1), m.group(2)
        # Backslash escapes arrive as STX code ETX, inside tables wrapped once more in a stash
        # placeholder: unwrap, then restore them as written, so `parse_wikilink` sees `\\|`.
        stash = self.md.treeprocessors["inline"].stashed_nodes

        def escaped(p: re.Match[str]) -> str:
            value = stash.get(p.group(1))
            return value if isinstance(value, str) else p.group(0)

        def code_source(p: re.Match[str]) -> str:
            # A code span in the link's target is the target's own text: `[[Filters#`wikilink`]]`
            # names the heading written "`wikilink`", as in Obsidian.
            value = stash.get(p.group(1))
            if isinstance(value, etree.Element) and value.tag == "code" and not len(value):
                return "`" + html.unescape(value.text or "") + "`"
            return p.group(0)

        inner = util.INLINE_PLACEHOLDER_RE.sub(escaped, inner)
        if util.INLINE_PLACEHOLDER_PREFIX in inner:  # (most links hold no code: no search)
            bar = _UNESCAPED_BAR.search(inner)
            cut = bar.start() if bar else len(inner)
            inner = util.INLINE_PLACEHOLDER_RE.sub(code_source, inner[:cut]) + inner[cut:]
        inner = _ESCAPED.sub(lambda e: "\\" + chr(int(e.group(1))), inner)
        # What stays stashed is code or math: in the link path it means "not a link"; in the shown
        # text it stays and renders (`[[Note|uses `code`]]`).
        if util.INLINE_PLACEHOLDER_PREFIX in inner.replace("\\|", "|").partition("|")[0]:
            return None, None, None
        link = parse_wikilink(inner)
        if not link.target and not link.subpath:
            return None, None, None
        raw = f"{bang}[[{self.unescape(inner)}]]"
        if bang:
            return self.linker.embed(raw, link.target, link.subpath, link.display), m.start(0), m.end(0)
        text = link.display or shown_text(link.target, link.subpath, None)
        return self.linker.link(raw, link.target, link.subpath, text, link.display), m.start(0), m.end(0)


class MarkdownLinkTreeprocessor(Treeprocessor):
    """Markdown links and images that point at vault files, `^block-ids`, and block-level embeds."""

    def __init__(self, md: Markdown, linker: _Linker) -> None:
        super().__init__(md)
        self.linker = linker

    def run(self, root: etree.Element) -> None:
        parents = {child: parent for parent in root.iter() for child in parent}
        for el in list(root.iter()):
            if el.tag == "a" and set(el.attrib) <= {"href", "title"}:
                self._link(el, parents)
            elif el.tag == "img" and "src" in el.attrib and "data-vault-src" not in el.attrib:
                self._image(el, parents)
        _apply_block_ids(root, parents)
        _hoist_embeds(root)

    def _link(self, el: etree.Element, parents: dict[etree.Element, etree.Element]) -> None:
        href = el.get("href", "")
        decoded = decode_markdown_target(href)
        if decoded is None:
            return
        frame = self.linker.ctx.current
        raw = f"]({href}"
        line = frame.file_line(raw)
        result = self.linker.resolve(decoded.target, f"[…]({href})", line)
        if result.path is None:
            base = decoded.target.rpartition("/")[2]
            # A path out of the vault never stays a link, whatever its extension.
            if decoded.target and (base.lower().endswith(".md") or "." not in base or result.how == "outside"):
                text = "".join(el.itertext())
                span = self.linker.unresolved(f"[{text}]({href})", "", line, decoded.target, result.how)
                _replace_keep_children(el, span, parents)
            return
        if not self.linker.ctx.is_published(result.path):
            if frame.path:
                self.linker.ctx.report_once(
                    frame.path, line, UNPUBLISHED, result.path, f"[…]({href}) links to an unpublished note"
                )
            span = etree.Element("span")
            _replace_keep_children(el, span, parents)
            return
        if not decoded.target and not decoded.subpath:
            return
        el.tag = "vault-link"
        el.attrib.clear()
        el.set("data-target", result.path)
        if decoded.subpath:
            el.set("data-subpath", decoded.subpath)
        if frame.path:
            el.set("data-source", frame.path)
            el.set("data-line", str(line))

    def _image(self, el: etree.Element, parents: dict[etree.Element, etree.Element]) -> None:
        src = el.get("src", "")
        decoded = decode_markdown_target(src)
        if decoded is None or not decoded.target:
            return
        result = self.linker.ctx.resolver.resolve(decoded.target, self.linker.ctx.current.path)
        if result.path and self.linker.ctx.is_published(result.path):
            el.set("src", "")
            el.set("data-vault-src", result.path)
            return
        # A relative image that names no published vault file would load a path of the web host
        # (outside the vault, or a held-back file's URL): it becomes its alt text, marked unresolved
        # when no file matched (the pipeline has reported it) and plain when the file is held back.
        alt = el.get("alt", "")
        if result.path is None:
            line = self.linker.ctx.current.file_line(f"]({src}")
            new = self.linker.unresolved(f"![{alt}]({src})", alt or decoded.target, line, decoded.target, result.how)
        else:
            new = etree.Element("span")
            new.text = AtomicString(alt)
        new.tail = el.tail
        parent = parents.get(el)
        if parent is not None:
            index = list(parent).index(el)
            parent.remove(el)
            parent.insert(index, new)
            parents[new] = parent


def _replace_keep_children(old: etree.Element, new: etree.Element, parents: dict) -> None:
    """Put `new` where `old` is, moving `old`'s text and children into it (a link's words stay)."""
    new.text = old.text if new.text in (None, "") else new.text + (old.text or "")
    for child in list(old):
        new.append(child)
    new.tail = old.tail
    parent = parents.get(old)
    if parent is not None:
        index = list(parent).index(old)
        parent.remove(old)
        parent.insert(index, new)
        parents[new] = parent


def _apply_block_ids(root: etree.Element, parents: dict[etree.Element, etree.Element]) -> None:
    """`text ^id` at the end of a paragraph, list item, heading or table cell's row: the id moves
    onto the block and the marker disappears; a paragraph that is only `^id` labels the block
    before it (a list, table, quote or callout) and vanishes."""
    for el in list(root.iter()):
        if el.tag == "p" and not len(el) and el.text and _BLOCK_ID_ALONE.match(el.text):
            parent = parents.get(el)
            if parent is None:
                continue
            siblings = list(parent)
            index = siblings.index(el)
            if index > 0 and "id" not in siblings[index - 1].attrib:
                siblings[index - 1].set("id", "^" + _BLOCK_ID_ALONE.match(el.text).group(1))
                previous = siblings[index - 1]
                previous.tail = (previous.tail or "") + (el.tail or "")
                parent.remove(el)
            continue
        if el.tag not in ("p", "li") and el.tag not in _HEADING_TAGS:
            continue
        holder, attr = _last_text_slot(el)
        if holder is None:
            continue
        text = getattr(holder, attr) or ""
        # (A line of its own after a `<br>`, as `nl2br` leaves one: the `<br>` goes with it.)
        alone = attr == "text" or holder.tag == "br"
        m = _BLOCK_ID_TAIL.search(text) or (_BLOCK_ID_ALONE.match(text) if alone else None)
        if not m:
            continue
        setattr(holder, attr, text[: m.start()])
        if holder.tag == "br" and not holder.tail:
            el.remove(holder)
        target = el
        # A loose list item's paragraph: the id belongs to the item. The last paragraph of a quote or
        # callout (`^id` on the line under it is part of it, lazily): the id names the whole quote, as
        # Obsidian's metadata cache counts it.
        parent = parents.get(el)
        holds = parent is not None and (
            parent.tag in ("li", "blockquote", "details") or "admonition" in parent.get("class", "")
        )
        if el.tag == "p" and holds and list(parent)[-1] is el:
            target = parent
        if "id" not in target.attrib:
            target.set("id", "^" + m.group(1))


def _last_text_slot(el: etree.Element) -> tuple[etree.Element | None, str]:
    """Where the last text of `el`'s own content sits (before any nested list)."""
    children = [c for c in el if c.tag not in ("ul", "ol")]
    nested = len(children) != len(el)
    if nested:
        # Text before the nested list: li.text or the tail of the last inline child before it.
        first_list = next(i for i, c in enumerate(el) if c.tag in ("ul", "ol"))
        before = list(el)[:first_list]
        return (before[-1], "tail") if before else (el, "text")
    if children:
        return children[-1], "tail"
    return el, "text"


def _hoist_embeds(root: etree.Element) -> None:
    """Block embeds and notices (`<div>`) never stay inside a `<p>`: the paragraph is split around them."""
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag != "p" or not any(c.tag == "div" for c in child):
                continue
            index = list(parent).index(child)
            parent.remove(child)
            pieces: list[etree.Element] = []
            current = etree.Element("p")
            current.text = child.text
            for node in list(child):
                if node.tag == "div":
                    _rstrip_content(current)
                    pieces.append(current)
                    pieces.append(node)
                    current = etree.Element("p")
                    current.text, node.tail = (node.tail or "").lstrip(), "\n"
                else:
                    current.append(node)
            pieces.append(current)
            kept = [p for p in pieces if p.tag == "div" or len(p) or (p.text or "").strip()]
            for offset, node in enumerate(kept):
                if node.tag == "p":
                    node.tail = "\n"
                parent.insert(index + offset, node)
            if kept:
                kept[-1].tail = child.tail


def _rstrip_content(el: etree.Element) -> None:
    if len(el):
        el[-1].tail = (el[-1].tail or "").rstrip() or None
    elif el.text:
        el.text = el.text.rstrip()


class RecordTreeprocessor(Treeprocessor):
    """After `toc`: record the page's headings and block ids, or cut an embed down to what it selects."""

    def __init__(self, md: Markdown, ctx: LinkContext) -> None:
        super().__init__(md)
        self.ctx = ctx

    def run(self, root: etree.Element) -> None:
        frame = self.ctx.current
        if not frame.embedded:
            if frame.path:
                self.ctx.headings[frame.path] = [
                    HeadingAnchor(int(el.tag[1]), _heading_text(el), el.get("id", ""))
                    for el in root.iter()
                    if el.tag in _HEADING_TAGS and el.get("id")
                ]
                self.ctx.block_ids[frame.path] = {
                    el.get("id", "") for el in root.iter() if el.get("id", "").startswith("^")
                }
            return
        if frame.subpath:
            frame.selection_found = _select(root, frame.subpath)
            kept = set(root.iter()) if frame.pending else ()
            for el, report in frame.pending:
                if el in kept:
                    self.ctx.report_once(*report)
        # Ids inside embedded content would duplicate ids of the host page or of the note's own page.
        for el in root.iter():
            if el.tag in _HEADING_TAGS or el.get("id", "").startswith("^"):
                el.attrib.pop("id", None)
            for child in list(el):
                if child.tag == "a" and "headerlink" in child.get("class", ""):
                    el.remove(child)


def _heading_text(el: etree.Element) -> str:
    parts = [el.text or ""]
    for child in el:
        if not (child.tag == "a" and "headerlink" in child.get("class", "")):
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return " ".join(_STASH.sub("", "".join(parts)).split())


def _select(root: etree.Element, subpath: str) -> bool:
    """Keep only the section (heading and what follows up to the next heading of its level or
    higher) or the block that `subpath` names; return whether it was found."""
    children = list(root)
    if subpath.startswith("^"):
        ident = "^" + subpath[1:].strip()
        parents = {c: p for p in root.iter() for c in p}
        target = next((el for el in root.iter() if el.get("id") == ident), None)
        for child in children:
            root.remove(child)
        if target is None:
            return False
        parent = parents.get(target)
        if target.tag == "li" and parent is not None:
            wrapper = etree.SubElement(root, parent.tag)
            wrapper.text = "\n"
            wrapper.append(target)
        else:
            root.append(target)
        target.tail = "\n"
        return True
    headings = [
        HeadingAnchor(int(el.tag[1]), _heading_text(el), str(i))
        for i, el in enumerate(children)
        if el.tag in _HEADING_TAGS
    ]
    found = find_heading(headings, subpath)
    keep: list[etree.Element] = []
    if found is not None:
        start = int(found.id)
        keep.append(children[start])
        for el in children[start + 1 :]:
            if el.tag in _HEADING_TAGS and int(el.tag[1]) <= found.level:
                break
            keep.append(el)
        # Footnotes that the kept section may reference stay with it.
        keep.extend(el for el in children if el.tag == "div" and "footnote" in el.get("class", "").split())
    for child in children:
        if child not in keep:
            root.remove(child)
    return found is not None


class VaultLinksExtension(Extension):
    """Registers the wikilink pattern and the link/record tree processors; needs a `LinkContext`."""

    def __init__(self, context: LinkContext | None = None, **kwargs: Any) -> None:
        # Held as an attribute: Extension.setConfig would coerce a None-defaulted option to bool.
        self.context = context
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        ctx = self.context
        if not isinstance(ctx, LinkContext):
            raise TypeError("VaultLinksExtension needs context=LinkContext(...)")
        linker = _Linker(md, ctx)
        md.inlinePatterns.register(WikiLinkProcessor(WIKILINK_RE, md, linker), "vault-wikilink", 176)
        md.treeprocessors.register(MarkdownLinkTreeprocessor(md, linker), "vault-links", 15)
        md.treeprocessors.register(RecordTreeprocessor(md, ctx), "vault-record", -10)


def makeExtension(**kwargs: Any) -> VaultLinksExtension:
    return VaultLinksExtension(**kwargs)


# -- phase 2: fix-up -------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"<vault-link\b([^>]*)>(.*?)</vault-link>", re.DOTALL)
_ATTRS = re.compile(r'([\w-]+)="([^"]*)"')
# A start tag carrying a deferred URL: `data-vault-src` (a vault path) or `data-vault-url` (a
# site-relative URL, e.g. a tag page's).
_DEFERRED_TAG = re.compile(r"<[a-z][\w-]*\s[^>]*\bdata-vault-(?:src|url)=\"[^>]*>")
_DEFERRED_ATTR = re.compile(r'\s(?:src|href)=""|\sdata-vault-(src|url)="([^"]*)"')
# What may stay unencoded in an href: RFC 3986 path characters, and existing %XX escapes.
_URL_SAFE = "/%:@!$&'()*+,;=-._~"


def relative_url(target: str, page: str) -> str:
    """`target` (a site-relative URL) as seen from the page at site-relative URL `page`."""
    page_dir = page.rpartition("/")[0]
    start, parts = plain_segments(page_dir), plain_segments(target)
    if start is None or parts is None:
        rel = posixpath.relpath(target or ".", page_dir or ".")
    else:
        rel = path_between(parts, start)  # what relpath gives, without its normalising
    if target == "" or target.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    return quote(rel, safe=_URL_SAFE)


def fix_links(
    page_html: str,
    page_path: str,
    ctx: LinkContext,
    page_url: str | None = None,
    known: dict[str, str] | None = None,
) -> str:
    """Phase 2: turn the placeholders in one page's HTML into real links and media sources.

    `page_path` is the vault path of the note the page shows (its URL comes from `ctx.url_of`, unless
    `page_url` is given, as it must be for generated pages).
    A target whose URL is unknown, or a heading no longer found, degrades gracefully: the words
    stay as plain text, or the link goes to the page without the fragment (and is reported).
    `known`: the links fixed before for pages in the same folder, by placeholder, which the caller
    keeps while no URL and no published state changes (only links without a fragment go there).
    """
    if page_url is None:  # generated pages have no vault path: the caller passes their URL
        page_url = ctx.url_of(page_path) or ""

    # A page shows the same link again and again (a project in every row of a result): each
    # placeholder is fixed once per page.
    on_page: dict[str, str] = {}

    def link(m: re.Match[str]) -> str:
        found = on_page.get(m.group(0))
        if found is not None:
            return found
        if known is not None:
            found = known.get(m.group(0))
            if found is None:
                found = fixed(m)
                if "data-subpath=" not in m.group(1):  # (an anchor depends on the target's text)
                    known[m.group(0)] = found
        else:
            found = fixed(m)
        on_page[m.group(0)] = found
        return found

    def fixed(m: re.Match[str]) -> str:
        attrs = {k: html.unescape(v) for k, v in _ATTRS.findall(m.group(1))}
        inner = m.group(2)
        target = attrs.get("data-target", "")
        subpath = attrs.get("data-subpath")
        url = ctx.url_of(target) if ctx.is_published(target) else None
        if url is None:
            return inner
        fragment = ""
        if subpath:
            if target.lower().endswith(".md"):
                anchor = ctx.anchor_for(target, subpath)
                if anchor is None:
                    source = attrs.get("data-source", "")
                    if source:
                        line = int(attrs.get("data-line", "0") or 0)
                        ctx.report_once(
                            source,
                            line,
                            MISSING_SECTION,
                            f"{target}#{subpath}",
                            f"no heading or block “{subpath}” in {target}",
                        )
                else:
                    fragment = "#" + anchor
            else:
                fragment = "#" + subpath  # e.g. `report.pdf#page=3`
        if target == page_path and fragment:
            href = fragment
        else:
            href = relative_url(url, page_url) + fragment
        return f'<a class="vault-link" href="{html.escape(href)}">{inner}</a>'

    def deferred(m: re.Match[str]) -> str:
        def attr(a: re.Match[str]) -> str:
            if a.group(1) is None:
                return ""  # the empty src/href kept for MkDocs until now
            value = html.unescape(a.group(2))
            if a.group(1) == "url":
                return f' href="{html.escape(relative_url(value, page_url))}"'
            path, _, frag = value.partition("#")
            url = ctx.url_of(path) if ctx.is_published(path) else None
            if url is None:
                return ' data-vault-missing=""'
            return f' src="{html.escape(relative_url(url, page_url) + ("#" + frag if frag else ""))}"'

        return _DEFERRED_ATTR.sub(attr, m.group(0))

    out = _PLACEHOLDER.sub(link, page_html) if "<vault-link" in page_html else page_html
    # The tag pattern tries every start tag (12 ms a megabyte); most pages have no deferred URL.
    return _DEFERRED_TAG.sub(deferred, out) if "data-vault-" in out else out


def forget_fixed_links(known: dict[str, str], targets: AbstractSet[str]) -> None:
    """Drop from `known` (`fix_links`) the links fixed for one of `targets`: their URL or published
    state changed, while every other link's is as it was."""
    marker = 'data-target="'
    for placeholder in list(known):
        # (string search, not `_ATTRS`: ten thousand placeholders are looked at after every flip)
        start = placeholder.find(marker)
        if start < 0:
            del known[placeholder]
            continue
        start += len(marker)
        target = placeholder[start : placeholder.find('"', start)]
        if "&" in target:
            target = html.unescape(target)
        if target in targets:
            del known[placeholder]


def fix_links_utf8(
    page_utf8: bytes,
    page_path: str,
    ctx: LinkContext,
    page_url: str | None = None,
    known: dict[str, str] | None = None,
) -> Iterator[bytes]:
    """`fix_links` of the UTF-8 `page_utf8`, as UTF-8 pieces: a long document (a shared query result)
    is never one string, which takes up to four bytes a character. It is cut just after a
    `</vault-link>` about every `_FIX_PIECE` bytes: a placeholder ends at the first `</vault-link>`
    after its start, and a start tag holds no `>`, so no match of either pattern spans a cut, and
    the pieces fixed one by one join into what `fix_links` makes of the whole."""
    start, end = 0, len(page_utf8)
    while start < end:
        cut = page_utf8.find(_PLACEHOLDER_END, start + _FIX_PIECE)
        stop = end if cut < 0 else cut + len(_PLACEHOLDER_END)
        piece = page_utf8[start:stop].decode("utf-8", "surrogatepass")
        yield fix_links(piece, page_path, ctx, page_url, known).encode("utf-8")
        start = stop


_PLACEHOLDER_END = b"</vault-link>"  # how `_PLACEHOLDER` ends
_FIX_PIECE = 1 << 20


def render_text_with_links(
    text: str,
    source_path: str,
    ctx: LinkContext,
    *,
    page_path: str | None = None,
    line: int = 0,
) -> str:
    """HTML for a plain-text value (a frontmatter property) whose `[[wikilinks]]` become links.

    Everything but the links is escaped. Links follow the page rules: resolved relative to
    `source_path`, unresolved ones visible, unpublished ones reduced to their own words; embeds are
    shown as links. Nothing is reported (the pipeline reports frontmatter links from the model).
    With `page_path` the result is final (`fix_links` applied for that page, so call it once all
    pages are rendered); without, it holds placeholders for a later `fix_links`.
    """
    wikilink = re.compile(WIKILINK_RE)
    report, ctx.report = ctx.report, _ignore_report
    saved = ctx._stack
    ctx._stack = [PageFrame(source_path, "", line)]
    linker = _Linker(None, ctx)  # type: ignore[arg-type]  # no Markdown instance: no embeds here
    try:
        out: list[str] = []
        last = 0
        for m in wikilink.finditer(text):
            out.append(html.escape(text[last : m.start()], quote=False))
            last = m.end()
            link = parse_wikilink(m.group(2))
            if not link.target and not link.subpath:
                out.append(html.escape(m.group(0), quote=False))
                continue
            shown = link.display or shown_text(link.target, link.subpath, None)
            node = linker.link(m.group(0), link.target, link.subpath, shown, None)
            out.append(html.escape(node, quote=False) if isinstance(node, str) else to_html_string(node))
        out.append(html.escape(text[last:], quote=False))
    finally:
        ctx._stack = saved
        ctx.report = report
    result = "".join(out)
    return fix_links(result, page_path, ctx) if page_path is not None else result


def _ignore_report(path: str, line: int, kind: str, message: str) -> None:
    return None
