"""Obsidian-flavoured Markdown as Python-Markdown extensions, one module per extension.

Each module has `makeExtension(**kwargs)` so it runs under any Python-Markdown host. The extension list
the plugin configures (ours plus the third-party ones we rely on) is built by `markdown.site_config`.
"""
