"""Material for MkDocs template overrides shipped with mkdocs-vault (templates, CSS, vendored JS).

This folder is the package `mkdocs_vault.overrides`; the plugin adds it to the theme's template
folders, after the site's own `custom_dir` and before Material's, so users can still override it.
"""
