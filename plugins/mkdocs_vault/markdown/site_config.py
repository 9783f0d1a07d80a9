"""The Markdown extension list the site renders notes with: ours plus the third-party ones we rely on.

The plugin puts `config.extensions` into MkDocs' `markdown_extensions` and `config.configs` into
`mdx_configs` (replacing the entries of the same name), and uses `build_markdown` wherever it
renders Markdown itself (embeds, generated pages), so every note renders the same way.

| extension | what for |
|---|---|
| `toc` with `pymdownx.slugs.slugify(case="lower")`, permalinks | heading ids that `[[Note#Heading]]` targets (see `links.anchors`) |
| `tables` | tables; `[[Note\\|alias]]` inside cells |
| `footnotes` | `[^1]` footnotes |
| `sane_lists` | a numbered list after a bullet list (blank line between) is a new list, as in Obsidian |
| `pymdownx.superfences` + `pymdownx.highlight` | fenced code, and ```` ```mermaid ```` as `<pre class="mermaid">` for Material's mermaid support |
| `pymdownx.arithmatex` (generic) | `$inline$` and `$$block$$` math, left for MathJax/KaTeX |
| `pymdownx.tilde` (no subscript) | `~~strikethrough~~` |
| `callouts`, `highlight`, `comments`, `tags`, `tasks` | Obsidian syntax, this package |
| `private_fields` | inline fields with a `private_keys` key cut out of the body |
| `links.extension` | wikilinks, embeds, links to notes, block ids |
| `commonmark_blocks` | CommonMark's block structure (lists interrupting text, nesting by content column, `1)`, fences after text, setext headings), as Obsidian renders it |
| `nesting` | caps list/blockquote nesting so Python-Markdown cannot hit RecursionError |
| `heading_cap` | at most 1,000 headings a note render as headings (MkDocs' search is quadratic in them) |
| `fences` | reduces info strings superfences rejects (```` ```\tasks ````) to a language name, as Obsidian reads them |
| `nl2br` (only with `line_breaks`) | Obsidian's default "non-strict" line breaks: a newline is a `<br>` |
| `inline_gate` | speed only: passes over inline patterns whose marker is not in the text (same HTML) |

Left out on purpose: `attr_list` (it would eat a trailing `{a, b}` of ordinary prose),
`admonition`/`pymdownx.details` (callouts render that markup themselves), `pymdownx.tasklist`
(replaced by `tasks`), `pymdownx.caret` (`^` marks block ids), `md_in_html`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from markdown import Extension, Markdown
from pymdownx.superfences import fence_code_format

from mkdocs_vault.links.anchors import SLUGIFY
from mkdocs_vault.links.extension import LinkContext, VaultLinksExtension
from mkdocs_vault.markdown.callouts import CalloutExtension
from mkdocs_vault.markdown.comments import CommentsExtension
from mkdocs_vault.markdown.commonmark_blocks import CommonMarkBlocksExtension
from mkdocs_vault.markdown.fences import FenceInfoExtension
from mkdocs_vault.markdown.heading_cap import HeadingCapExtension
from mkdocs_vault.markdown.highlight import HighlightExtension
from mkdocs_vault.markdown.inline_gate import GateExtension
from mkdocs_vault.markdown.nesting import NestingCapExtension
from mkdocs_vault.markdown.private_fields import PrivateFieldsExtension
from mkdocs_vault.markdown.tags import TagsExtension
from mkdocs_vault.markdown.tasks import TasksExtension

__all__ = ["MarkdownConfig", "build_markdown", "markdown_config"]


@dataclass
class MarkdownConfig:
    extensions: list[str | Extension]
    configs: dict[str, dict[str, Any]]


def markdown_config(
    *,
    link_context: LinkContext | None = None,
    tag_url: Callable[[str], str | None] | None = None,
    line_breaks: bool = False,
    extra: list[Extension] | None = None,
    private_keys: Iterable[str] = (),
) -> MarkdownConfig:
    """The extensions and their configuration for rendering notes.

    `link_context` enables wikilinks and embeds (the plugin always passes one); `tag_url` maps a tag
    (without `#`) to its page's URL, site-relative when `link_context` is given (`fix_links` makes it
    page-relative), else used as the href as it is; `line_breaks` is Obsidian's "strict line breaks" turned off;
    `extra` are more extension instances for every render, embeds included (the Dataview extension).
    `private_keys` are inline-field keys whose fields are cut out of the body (the plugin's option).
    """
    extensions: list[str | Extension] = [
        "toc",
        "tables",
        "footnotes",
        "sane_lists",
        "pymdownx.highlight",
        "pymdownx.superfences",
        "pymdownx.arithmatex",
        "pymdownx.tilde",
        NestingCapExtension(),
        HeadingCapExtension(),
        FenceInfoExtension(),
        CommentsExtension(),
        CommonMarkBlocksExtension(),
        PrivateFieldsExtension(private_keys=list(private_keys)),
        CalloutExtension(),
        HighlightExtension(),
        TagsExtension(tag_url=tag_url, deferred=link_context is not None) if tag_url else TagsExtension(),
        TasksExtension(),
        GateExtension(),
    ]
    if link_context is not None:
        extensions.append(VaultLinksExtension(context=link_context))
    if line_breaks:
        extensions.append("nl2br")
    extensions.extend(extra or [])  # e.g. the Dataview extension, which the plugin configures
    configs: dict[str, dict[str, Any]] = {
        "toc": {"slugify": SLUGIFY, "permalink": True},
        "pymdownx.highlight": {"pygments_lang_class": True},
        "pymdownx.superfences": {
            "custom_fences": [{"name": "mermaid", "class": "mermaid", "format": fence_code_format}]
        },
        "pymdownx.arithmatex": {"generic": True},
        "pymdownx.tilde": {"subscript": False},
    }
    return MarkdownConfig(extensions, configs)


def build_markdown(config: MarkdownConfig) -> Markdown:
    """A fresh `Markdown` instance with the site's extensions (one per page, as MkDocs does)."""
    return Markdown(extensions=list(config.extensions), extension_configs=config.configs)
