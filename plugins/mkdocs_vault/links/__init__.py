"""Link resolution and the Markdown extension for `[[wikilinks]]`, `![[embeds]]` and links to notes.

- `links.resolve`: which vault file a link names, the way Obsidian decides it (no MkDocs, no Markdown);
  `parse_wikilink` and `decode_markdown_target` split link text.
- `links.anchors`: the heading ids the built pages carry, so `[[Note#Heading]]` lands on them.
- `links.extension`: the Python-Markdown extension that emits link placeholders while a page renders,
  and `fix_links`, which turns them into real links once every page is known.

Wiring, in a host such as the MkDocs plugin::

    ctx = LinkContext(resolver, url_of, is_published, get_note, report)      # once per build
    md_config = markdown.site_config.markdown_config(link_context=ctx, tag_url=..., line_breaks=...)
    ctx.markdown_factory = lambda: markdown.site_config.build_markdown(md_config)   # for embeds
    # before each page renders:   ctx.begin_page(note.path, note.body, note.body_line)
    # once all pages rendered:    page.content = fix_links(page.content, note.path, ctx)
    # next build:                 ctx.reset()
"""
