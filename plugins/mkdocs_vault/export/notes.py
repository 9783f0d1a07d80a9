"""One published note as plain Markdown: what the site shows of it, in syntax any generator reads.

The note's text is rewritten line by line, code left alone:

- `%%comments%%`, `<!-- comments -->` and private inline fields are removed with the same functions the
  site's Markdown extensions use (`markdown.comments`, `markdown.private_fields`); private frontmatter
  keys are already gone (`privacy.redact` runs right after loading);
- `[[wikilinks]]` and Markdown links to notes become relative Markdown links to the exported files
  (`[Shown text](../Projects/Apollo%20Rollout.md#status)`), heading anchors made by Python-Markdown's
  default `toc` slugify, which MkDocs and Zensical both use; a link to a note that is not published, or
  to nothing, keeps only its shown text, as on the site;
- `![[embeds]]` of notes are replaced by the embedded note, section or block, itself rewritten (for the
  file that embeds it), to a depth of four and never in a cycle; embeds of attachments become images
  or links to the copied file;
- ```` ```base ```` blocks and `![[X.base]]` embeds become their views (`export.bases`), and a link to
  a `.base` file leads to its views written as `X.base.md`;
- ```` ```dataview ```` blocks and `` `= expr` `` inline queries become their results
  (`export.results`); `dataviewjs` is never run, as on the site;
- the note's block structure is written as CommonMark reads it, in the shape Python-Markdown reads the
  same way (`markdown.commonmark_blocks`, as the site does: a list right under a line of text gets its
  blank line, nested items four spaces);
- raw HTML tags are sanitized one by one with nh3 (ammonia's allow-list): other generators pass raw
  HTML through, so a tag or attribute our site would never show must not reach theirs. Elements whose
  content is code or a frame (script, style, iframe, ...) go with their content. Tags are cleaned one at
  a time rather than the whole text, because the text between them is Markdown that an HTML cleaner
  would escape (`> quote` to `&gt; quote`).
"""

from __future__ import annotations

import posixpath
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

import nh3
from markdown.extensions.toc import slugify

from ..links.anchors import heading_plain_text, shown_text
from ..markdown.comments import strip_comments
from ..markdown.commonmark_blocks import commonmark_lines, needs_commonmark
from ..markdown.private_fields import strip_private_fields
from ..vault.linktext import decode_markdown_target, parse_wikilink
from ..vault.model import Note

MAX_EMBED_DEPTH = 4
# What an embed of a note or file that is not published becomes: the site's neutral notice.
UNPUBLISHED_NOTICE = "*This embedded content is not published.*"
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".bmp")

_FENCE = re.compile(r"^(?P<prefix>[ \t]{0,3}(?:>[ \t]?)*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*?)[ \t]*$")
_WIKI = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")
_MDLINK = re.compile(r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(([^()\s]*(?:\([^()\s]*\)[^()\s]*)*|<[^<>\n]*>)(\s+\"[^\"\n]*\")?\)")
_LINKS = re.compile(f"{_WIKI.pattern}|{_MDLINK.pattern}")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_INLINE_QUERY = re.compile(r"^(\$?)=(.+)$", re.DOTALL)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*)?)(/?)>")
_DROPPED_WITH_CONTENT = "script|style|iframe|object|embed|noscript|template|textarea|xmp|title|frameset|frame|applet|svg|math"
_DANGEROUS = re.compile(rf"<({_DROPPED_WITH_CONTENT})\b[^>]*>.*?</\1\s*>|<({_DROPPED_WITH_CONTENT})\b[^>]*/?>", re.DOTALL | re.IGNORECASE)
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_BLOCK_ID_TAIL = re.compile(r"\s+\^([A-Za-z0-9-]+)\s*$")


def href(target: str, here: str, anchor: str | None = None) -> str:
    """The relative link from the exported file `here` to `target` (both vault paths), percent-encoded."""
    rel = posixpath.relpath(target, posixpath.dirname(here) or ".")
    out = urllib.parse.quote(rel, safe="/")
    return f"{out}#{anchor}" if anchor else out


def base_page(path: str) -> str:
    """Where a `.base` file's views are written in the export: `Projects.base` -> `Projects.base.md`."""
    return path + ".md"


def heading_anchor(subpath: str) -> str | None:
    """The id a Python-Markdown `toc` gives the heading a link's subpath names (its last part)."""
    last = subpath.split("#")[-1]
    if not last or last.startswith("^"):
        return None  # block ids have no anchor in other generators: the link goes to the note
    return slugify(heading_plain_text(last), "-")


def sanitize_html(text: str) -> str:
    """`text` (Markdown, no code) with every raw HTML tag cleaned by nh3's allow-list."""
    text = _DANGEROUS.sub("", text)

    def clean(m: re.Match[str]) -> str:
        closing, name = m.group(1), m.group(2).lower()
        if name not in nh3.ALLOWED_TAGS:
            return ""
        if closing:
            return f"</{name}>"
        cleaned = nh3.clean(m.group(0))
        end = cleaned.find(">")
        return cleaned[: end + 1] if end >= 0 else ""

    return _TAG.sub(clean, text)


@dataclass
class ExportNotes:
    """Turns published notes into exported Markdown; one per export."""

    notes: dict[str, Note]
    # (link target as written, source note path) -> (published vault path or None, state)
    link_state: Callable[[str, str], tuple[str | None, str]]
    private_keys: list[str]
    # (query text, origin note path, exported file path) -> Markdown of the result
    query: Callable[[str, str, str], str]
    inline_query: Callable[[str, str, str], str]
    # (base YAML or None, .base path or None, view name or None, origin note, exported file) -> Markdown
    base: Callable[[str | None, str | None, str | None, str, str], str] | None = None
    attachments_used: set[str] = field(default_factory=set)
    warnings: list[tuple[str, int | None, str]] = field(default_factory=list)

    # ------------------------------------------------------------------------------------- links
    def link(self, target_path: str | None, subpath: str | None, shown: str, here: str) -> str:
        """`[shown](relative path#anchor)`, or the shown text alone when the target is not published."""
        text = shown.replace("[", "\\[").replace("]", "\\]")
        if target_path is None:
            return text
        if target_path.lower().endswith(".base"):  # a base's page, written as Markdown beside it
            return f"[{text}]({href(base_page(target_path), here)})"
        if target_path not in self.notes:
            self.attachments_used.add(target_path)
            return f"[{text}]({href(target_path, here)})"
        anchor = heading_anchor(subpath) if subpath else None
        if target_path == here and anchor:  # a heading of the file being written
            return f"[{text}](#{anchor})"
        return f"[{text}]({href(target_path, here, anchor)})"

    def _wikilink(self, inner: str, source: str, here: str) -> str:
        wl = parse_wikilink(inner)
        shown = shown_text(wl.target, wl.subpath, wl.display)
        if not wl.target:  # [[#Heading]]: the note the link is written in
            return self.link(source, wl.subpath, shown, here)
        path, _state = self.link_state(wl.target, source)
        return self.link(path, wl.subpath, shown, here)

    def text(self, markdown: str, source: str, here: str) -> str:
        """Inline Markdown (one or more lines, no fences): links rewritten, HTML sanitized, code kept."""
        out = []
        pos = 0
        for m in _CODE_SPAN.finditer(markdown):
            out.append(self._prose(markdown[pos : m.start()], source, here))
            query = _INLINE_QUERY.match(m.group(2).strip()) if len(m.group(1)) == 1 else None
            if query and not query.group(1):
                out.append(self.inline_query(query.group(2).strip(), source, here))
            elif query:
                out.append("*(inline JavaScript query, not run)*")
            else:
                out.append(m.group(0))
            pos = m.end()
        out.append(self._prose(markdown[pos:], source, here))
        return "".join(out)

    def _prose(self, text: str, source: str, here: str) -> str:
        text = sanitize_html(text)

        def wiki(m: re.Match[str]) -> str:
            if m.group(1):  # an embed inside running text: the attachment or a link to the note
                return self._inline_embed(m.group(2), source, here)
            return self._wikilink(m.group(2), source, here)

        def md(m: re.Match[str]) -> str:
            bang, label, target, title = m.group(1), m.group(2), m.group(3), m.group(4) or ""
            decoded = decode_markdown_target(target)
            if decoded is None:
                return m.group(0)  # a web link, kept as written
            if not decoded.target:
                return f"{bang}[{label}](#{heading_anchor(decoded.subpath) or ''}{title})" if decoded.subpath else m.group(0)
            path, _state = self.link_state(decoded.target, source)
            if path is None:
                return label
            if path not in self.notes:
                self.attachments_used.add(path)
                return f"{bang}[{label}]({href(path, here)}{title})"
            anchor = heading_anchor(decoded.subpath) if decoded.subpath else None
            return f"[{label}]({href(path, here, anchor)}{title})"

        # One pass over both kinds, so that a wikilink already rewritten is not read again as a link.
        def either(m: re.Match[str]) -> str:
            inner = _WIKI.fullmatch(m.group(0))
            return wiki(inner) if inner else md(_MDLINK.fullmatch(m.group(0)))

        return _LINKS.sub(either, text)

    # ------------------------------------------------------------------------------------ embeds
    def _attachment(self, path: str, display: str | None, here: str) -> str:
        self.attachments_used.add(path)
        name = path.rpartition("/")[2]
        if path.lower().endswith(IMAGE_EXTENSIONS):
            # A size (`![[x.png|300]]`) is dropped: only a Markdown image's path is rewritten by the
            # other generator for its own URLs; an <img> tag's relative src would break under them.
            sized = re.fullmatch(r"\d+(?:x\d+)?", display or "")
            alt = escape_line(name if sized or not display else display)
            return f"![{alt}]({href(path, here)})"
        return f"[{name}]({href(path, here)})"

    def _inline_embed(self, inner: str, source: str, here: str) -> str:
        wl = parse_wikilink(inner)
        path, state = self.link_state(wl.target, source) if wl.target else (source, "resolved")
        if path is None:
            return UNPUBLISHED_NOTICE if state == "unpublished" else escape_line(shown_text(wl.target, wl.subpath, wl.display))
        if path not in self.notes and not path.lower().endswith(".base"):
            return self._attachment(path, wl.display, here)
        return self.link(path, wl.subpath, shown_text(wl.target, wl.subpath, wl.display), here)

    def embed_block(self, inner: str, source: str, here: str, depth: int, chain: tuple[str, ...]) -> list[str]:
        """The lines an `![[embed]]` standing alone on its line becomes."""
        wl = parse_wikilink(inner)
        path, state = self.link_state(wl.target, source) if wl.target else (source, "resolved")
        if path is None:
            if state == "unpublished":
                return [UNPUBLISHED_NOTICE]
            return [escape_line(shown_text(wl.target, wl.subpath, wl.display))]
        if path.lower().endswith(".base") and self.base is not None:
            return self.base(None, path, wl.subpath, source, here).split("\n")
        if path not in self.notes:
            return [self._attachment(path, wl.display, here)]
        key = f"{path}#{wl.subpath or ''}"
        if key in chain or depth >= MAX_EMBED_DEPTH:
            return [self.link(path, wl.subpath, shown_text(wl.target, wl.subpath, wl.display), here)]
        note = self.notes[path]
        lines = section_lines(note, wl.subpath)
        if lines is None:
            self.warnings.append((source, None, f"embedded section not found: {inner}"))
            return [self.link(path, None, shown_text(wl.target, wl.subpath, wl.display), here)]
        return self.body_lines(lines, path, here, depth + 1, chain + (key,))

    # --------------------------------------------------------------------------------------- body
    def body(self, note: Note, here: str | None = None) -> str:
        lines = self.body_lines(note.body.split("\n"), note.path, here or note.path, 0, (note.path + "#",))
        # The block structure CommonMark gives the note, written so Python-Markdown hosts (MkDocs,
        # Zensical) build it too: a list right under a line of text, nesting by two spaces, `1)`.
        expanded = [line.expandtabs(4) for line in lines]
        if needs_commonmark(expanded):
            lines = commonmark_lines(expanded, lambda html: html)
        return "\n".join(lines)

    def body_lines(self, lines: list[str], source: str, here: str, depth: int, chain: tuple[str, ...]) -> list[str]:
        lines = strip_private_fields(strip_comments(lines), self.private_keys)
        out: list[str] = []
        i = 0
        while i < len(lines):
            m = _FENCE.match(lines[i])
            if m:
                prefix, fence, info = m.group("prefix"), m.group("fence"), m.group("info").strip().lower()
                close = re.compile(r"^[ \t]{0,3}" + r"(?:>[ \t]?)" * prefix.count(">") + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$")
                j = i + 1
                while j < len(lines) and not close.match(lines[j]):
                    j += 1
                if info == "base" and self.base is not None:
                    quote = re.sub(r"[ \t]", "", prefix).replace(">", "> ")
                    yaml_text = "\n".join(_unquote(line, prefix.count(">")) for line in lines[i + 1 : j])
                    result = self.base(yaml_text, None, None, source, here)
                    out += [quote.rstrip()] + [quote + line if line else quote.rstrip() for line in result.split("\n")] + [quote.rstrip()]
                elif info in ("dataview", "dataviewjs"):
                    quote = re.sub(r"[ \t]", "", prefix).replace(">", "> ")
                    query = "\n".join(_unquote(line, prefix.count(">")) for line in lines[i + 1 : j])
                    result = (self.query(query, source, here) if info == "dataview"
                              else "*(dataviewjs block: JavaScript queries are not run)*")
                    out += ["" if not quote else quote.rstrip()] + [quote + line if line else quote.rstrip() for line in result.split("\n")] + ["" if not quote else quote.rstrip()]
                else:
                    out += lines[i : j + 1]
                i = j + 1
                continue
            line = lines[i]
            embed = re.fullmatch(r"([ \t]{0,3}(?:>[ \t]?)*)[ \t]*!\[\[([^\[\]\n]+?)\]\][ \t]*", line)
            if embed:
                quote = embed.group(1)
                for inserted in self.embed_block(embed.group(2), source, here, depth, chain):
                    out.append(quote + inserted if inserted else quote.rstrip())
            else:
                out.append(self.text(_BLOCK_ID_TAIL.sub("", line), source, here))
            i += 1
        return out


def _unquote(line: str, depth: int) -> str:
    for _ in range(depth):
        line = re.sub(r"^[ \t]{0,3}>[ \t]?", "", line, count=1)
    return line


def escape_line(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")


def section_lines(note: Note, subpath: str | None) -> list[str] | None:
    """The lines of `note`'s body an embed shows: all of it, a heading's section, or a block."""
    lines = note.body.split("\n")
    if not subpath:
        return lines
    last = subpath.split("#")[-1]
    if last.startswith("^"):
        block = last[1:].lower()
        for bid in note.block_ids:
            if bid.id.lower() != block:
                continue
            end = bid.line - note.body_line
            if not 0 <= end < len(lines):
                return None
            start = end
            if bid.kind != "list":
                while start > 0 and lines[start - 1].strip():
                    start -= 1
            if re.fullmatch(r"\s*\^[A-Za-z0-9-]+\s*", lines[end]):
                return lines[start:end]
            return lines[start : end + 1]
        return None
    wanted = " ".join(heading_plain_text(last).lower().split())
    in_fence = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
        m = None if in_fence else _HEADING.match(line)
        if m and " ".join(heading_plain_text(m.group(2)).lower().split()) == wanted:
            level = len(m.group(1))
            end = index + 1
            fence = False
            while end < len(lines):
                if _FENCE.match(lines[end]):
                    fence = not fence
                h = None if fence else _HEADING.match(lines[end])
                if h and len(h.group(1)) <= level:
                    break
                end += 1
            return lines[index:end]
    return None
