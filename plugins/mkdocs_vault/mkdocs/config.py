"""The `vault` plugin's options, each defined once here and documented in the README."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class VaultConfig(base.Config):
    # What is in the vault, and what goes out.
    exclude = c.ListOfItems(c.Type(str), default=[])
    publish_by_default = c.Type(bool, default=True)
    private_keys = c.ListOfItems(c.Type(str), default=[])
    # How problems are reported.
    unresolved_links = c.Choice(("info", "warning"), default="warning")
    # The clock.
    today = c.Optional(c.Type(str))
    timezone = c.Optional(c.Type(str))
    file_times = c.Choice(("auto", "filesystem", "git"), default="auto")
    # Rendering.
    strict_line_breaks = c.Optional(c.Type(bool))  # None: follow .obsidian/app.json
    date_format = c.Optional(c.Type(str))  # Luxon tokens; None: the vault's Dataview setting, else Dataview's
    show_query_date = c.Type(bool, default=False)  # "as of <today>" under query results
    # Dataview.
    dataview = c.Choice(("auto", "on", "off"), default="auto")  # auto: off if the vault's plugins lack it
    dataview_settings = c.Type(dict, default={})  # Dataview's own keys, over .obsidian/plugins/dataview
    home = c.Optional(c.Type(str))  # vault path of the home note; default index.md if present
    directory_columns = c.Type(dict, default={})
    # Output.
    publish_report = c.Optional(c.Type(str))  # write the publish report to this file in site_dir
    index_file = c.Optional(c.Type(str))  # also write the DuckDB index to this path
