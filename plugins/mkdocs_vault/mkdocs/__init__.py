"""The MkDocs adapter: the only package of mkdocs_vault that imports `mkdocs`, `material` or `jinja2`.

`plugin.py` hands each MkDocs event to a stage; `site.py` builds the site's files, pages and navigation
from the pipeline's state; the rest is the speed machinery that reaches into MkDocs and Material
(one Markdown converter for all pages, block, navigation and template caches, the search view). The
stages (`vault/`, `links/`, `dataview/`, `index/`, `markdown/`, `pages/`, the pipeline) import nothing
from here nor from MkDocs: an import contract (`[tool.importlinter]` in pyproject.toml, checked by
tests/foundation/test_import_contract.py) keeps it so, so they outlive MkDocs 1.6.
"""
