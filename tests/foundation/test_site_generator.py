"""The site generator the suite runs under is the one it was asked for (`VAULT_SITE_GENERATOR`):
the ProperDocs run of `make test-properdocs` must not quietly build with MkDocs, nor the other way."""

from __future__ import annotations

import re

import mkdocs.utils

from tests.conftest import SITE_GENERATOR


def test_in_process_builds_use_the_chosen_generator():
    assert mkdocs.utils.__name__ == ("properdocs.utils" if SITE_GENERATOR == "properdocs" else "mkdocs.utils")


def test_the_sample_site_says_which_generator_built_it(sample_site):
    meta = re.search(r'<meta name="generator" content="([^"]+)"', (sample_site / "index.html").read_text())
    assert meta is not None
    expected = r"mkdocs-ProperDocs 1\.6\.\d+" if SITE_GENERATOR == "properdocs" else r"mkdocs-1\.6\.\d+"
    assert re.match(expected, meta.group(1)), meta.group(1)
