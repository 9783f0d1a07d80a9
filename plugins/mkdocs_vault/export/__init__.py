"""The published vault as plain Markdown (`mkdocs-vault export`): `writer.export_vault` runs it,
`notes` rewrites one note's text, `results` writes Dataview results as Markdown."""
