"""The bad-input vault: every kind of broken or hostile file a vault can hold, generated into a folder.

Nothing here is committed as data: the 20 MB note and the rest are written by `write_bad_vault` into a
temporary folder. Each `Case` says what it is, which files it writes (vault-relative paths below
`Notes/bad/`) and what a build must do with it:

- `warns=True`: the build logs at least one WARNING that names the file (its path as the diagnostics
  print it);
- `warns=False`: nothing is wrong enough to warn about, but the note still gets a page (odd names,
  empty files, CRLF ...), or it is held back with an INFO line (symbolic links out of the vault).

The control notes (`Notes/control/`) neither link to, embed nor query any bad file; their pages must be
byte-identical with and without the bad files beside them. Both sets live under the same top-level
folder so the navigation (which lists top-level folders) is the same in both builds.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

BAD = "Notes/bad"
CONTROL = "Notes/control"


@dataclass(frozen=True)
class Case:
    name: str
    files: dict[str, str | bytes]  # vault-relative path -> content
    warns: bool = True
    # Which file the warning must name (default: the first file of the case).
    named: str | None = None
    published: bool = True  # whether the (first) note must get a page
    symlinks: dict[str, str] = field(default_factory=dict)  # vault-relative link -> absolute target

    @property
    def note(self) -> str:
        """The case's first file."""
        return next(iter(self.files or self.symlinks))

    @property
    def subject(self) -> str:
        """The file a warning must name, as the log prints it."""
        return self.named or self.note


def _nested_list(depth: int) -> str:
    # Tabs keep the note under the loader's size cap (1,000 levels of two spaces would pass it).
    return "".join("\t" * i + f"- level {i}\n" for i in range(depth))


def _nested_callout(depth: int) -> str:
    return "".join(">" * (i + 1) + f" [!note] Level {i}\n" for i in range(depth))


def _alias_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join(f"*{prev}" for _ in range(9)) + "]")
    return "---\n" + "\n".join(lines) + "\n---\nThe body of the alias bomb survives.\n"


def _big_note(size: int) -> str:
    # Realistic Markdown, repeated: paragraphs and lists, a heading every fifty paragraphs.
    paragraph = (
        "A paragraph of ordinary words that goes on for a while, with **bold** and a "
        "`code span`, and an [external link](https://example.org/).\n\n- item one\n- item two\n\n"
    )
    chunk = "## Section\n\n" + paragraph * 50
    return "# Big note\n\n" + chunk * (size // len(chunk) + 1)


def cases() -> list[Case]:
    """The bad-input cases (at least 30; see the module docstring)."""
    b = BAD
    long_name = "L" * 200 + " long name"  # 210 bytes + ".md": near NAME_MAX (255)
    return [
        # -- frontmatter ---------------------------------------------------------------------------
        Case("invalid YAML", {f"{b}/Invalid yaml.md": "---\nkey: [unclosed\nother: 1\n---\nBody stays.\n"}),
        Case("YAML tab indentation", {f"{b}/Tab yaml.md": "---\nkey:\n\t- a\n---\nBody.\n"}),
        Case("YAML alias bomb", {f"{b}/Alias bomb.md": _alias_bomb()}),
        Case("YAML is a list", {f"{b}/Yaml list.md": "---\n- a\n- b\n---\nBody.\n"}),
        Case(
            "YAML nested 1,000 deep",
            {f"{b}/Deep yaml.md": "---\nk: " + "[" * 1000 + "]" * 1000 + "\n---\nB\n"},
        ),
        Case(
            "YAML unknown tag",
            {f"{b}/Python tag.md": "---\nx: !!python/object/apply:os.system ['true']\n---\nB\n"},
        ),
        # -- encodings and binary ----------------------------------------------------------------
        Case("non-UTF-8 text", {f"{b}/Latin1.md": "Caf\u00e9 cr\u00e8me, na\u00efve.\n".encode("latin-1")}),
        Case(
            "binary named .md",
            {f"{b}/Binary.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8},
            published=False,
        ),
        Case("NUL after the sniffed prefix", {f"{b}/Late nul.md": "text\n" * 3000 + "a\x00b\n"}),
        # -- size and pathological structure ----------------------------------------------------
        Case("10,000 links on one line", {f"{b}/Many links.md": "[[Nowhere at all]] " * 10_000 + "\n"}),
        Case("lists nested 1,000 deep", {f"{b}/Deep list.md": _nested_list(1000)}),
        Case("callouts nested 1,000 deep", {f"{b}/Deep callout.md": _nested_callout(1000)}),
        Case("quotes nested 1,000 deep on one line", {f"{b}/Deep quote.md": "> " * 1000 + "deep\n"}),
        # -- embeds -------------------------------------------------------------------------------
        Case(
            "embed cycle",
            {f"{b}/Cycle A.md": "A embeds ![[Cycle B]]\n", f"{b}/Cycle B.md": "B embeds ![[Cycle A]]\n"},
        ),
        Case("self-embed", {f"{b}/Self embed.md": "Me again ![[Self embed]]\n"}),
        Case(
            "embed chain deeper than the limit",
            {f"{b}/Chain {i}.md": f"Chain {i} ![[Chain {i + 1}]]\n" for i in range(12)}
            | {f"{b}/Chain 12.md": "end\n"},
            # The warning names the note whose embed the limit stops (Chain 0's page shows 1 to 4).
            named=f"{b}/Chain 4.md",
        ),
        Case("embed of a missing note", {f"{b}/Missing embed.md": "![[No such note anywhere]]\n"}),
        # -- queries ------------------------------------------------------------------------------
        Case("invalid query", {f"{b}/Bad query.md": "```dataview\nTABLE FROM WHERE ((\n```\n"}),
        Case(
            "SQL injection through a DQL string",
            {
                f"{b}/Sql string.md": '```dataview\nTABLE x FROM "" WHERE title = "x\'); DROP TABLE notes; --"\n```\n'
            },
            warns=False,
        ),
        Case(
            "SQL injection through a field name",
            {
                f"{b}/Sql field.md": '---\n"x\'); DROP TABLE fields; --": 1\n---\n'
                '```dataview\nTABLE row["x\'); DROP TABLE fields; --"] FROM ""\n```\n'
            },
            warns=False,
        ),
        Case(
            "query on a missing function",
            {f"{b}/Bad function.md": '```dataview\nTABLE nosuchfn(x) FROM ""\n```\n'},
        ),
        # -- links out of the vault --------------------------------------------------------------
        Case("parent-directory wikilink", {f"{b}/Passwd link.md": "See [[../../etc/passwd]].\n"}),
        Case("parent-directory embed", {f"{b}/Passwd embed.md": "![[../../etc/passwd]]\n"}),
        Case("absolute wikilink", {f"{b}/Absolute link.md": "See [[/etc/passwd]].\n"}),
        Case("Markdown link out", {f"{b}/Markdown out.md": "See [x](../../../../etc/passwd).\n"}),
        Case("Markdown image out", {f"{b}/Image out.md": "![x](../../../../etc/hostname)\n"}),
        # -- names ---------------------------------------------------------------------------------
        Case("every punctuation in a name", {f"{b}/q \"'#%?&<>|\\ name.md": "Odd name.\n"}, warns=False),
        Case("newline in a name", {f"{b}/new\nline.md": "Newline in the name.\n"}, warns=False),
        Case(
            "a name that forges a log line",
            {f"{b}/forged\nWARNING -  mkdocs_vault: fake.md": "[[Nowhere forged]]\n"},
            named=f"{b}/forged\\nWARNING -  mkdocs_vault: fake.md",
        ),
        Case("tab in a name", {f"{b}/tab\there.md": "Tab in the name.\n"}, warns=False),
        Case(
            "emoji in a name",
            {f"{b}/\U0001f680 launch \U0001f469\u200d\U0001f4bb.md": "Emoji.\n"},
            warns=False,
        ),
        Case("very long name", {f"{b}/{long_name}.md": "Long.\n"}, warns=False),
        Case("only punctuation", {f"{b}/%%%.md": "Only punctuation.\n"}, warns=False),
        Case(
            "permalink climbing out of the site",
            {f"{b}/Permalink out.md": "---\npermalink: ../../../../../escaped-permalink\n---\nx\n"},
            warns=False,
        ),
        Case(
            "alias climbing out of the site",
            {f"{b}/Alias out.md": '---\naliases: ["../../../../../escaped-alias"]\n---\nx\n'},
            warns=False,
        ),
        Case(
            "tag nested 1,000 deep",
            {f"{b}/Deep tag.md": "#" + "/".join(["level"] * 1000) + "\n"},
            warns=False,
        ),
        Case(
            "100,000-character title",
            {f"{b}/Long title.md": "---\ntitle: " + "T" * 100_000 + "\n---\nx\n"},
            warns=False,
        ),
        Case(
            "empty and odd wikilinks",
            {f"{b}/Odd links.md": "[[ ]] [[#]] [[|]] [[^]] [[#^]] ![[ ]] [[[[x]]]]\n"},
        ),
        Case(
            "unclosed brackets (regex backtracking)",
            {f"{b}/Brackets.md": "[" + "[a]" * 20_000 + "](x\n"},
            warns=False,
        ),
        Case(
            "invalid Obsidian settings",
            {".obsidian/app.json": "{not json"},
            named=".obsidian",
            published=False,
        ),
        # -- odd but valid files -------------------------------------------------------------------
        Case("empty file", {f"{b}/Empty.md": ""}, warns=False),
        Case(
            "frontmatter only",
            {f"{b}/Frontmatter only.md": "---\ntitle: Just properties\n---\n"},
            warns=False,
        ),
        Case(
            "CRLF",
            {f"{b}/Crlf.md": b"---\r\ntitle: Crlf note\r\n---\r\n# Head\r\n\r\nText.\r\n"},
            warns=False,
        ),
        Case("BOM", {f"{b}/Bom.md": b"\xef\xbb\xbf---\ntitle: Bom note\n---\nText.\n"}, warns=False),
        Case("unclosed fence", {f"{b}/Open fence.md": "```python\nprint(1)\n"}, warns=False),
        Case("unclosed comment", {f"{b}/Open comment.md": "Shown %% hidden to the end\nmore\n"}, warns=False),
        Case("unclosed HTML", {f"{b}/Open html.md": "<div><span><table><tr><td>cell\n\ntext\n"}, warns=False),
        Case(
            "first line looks like MultiMarkdown metadata",
            {f"{b}/Meta line.md": "Summary: the first line of this note is ordinary text\n"},
            warns=False,
        ),
        Case(
            "link to an unpublished note",
            {
                f"{b}/Links secret.md": "See [[Held back]].\n",
                f"{b}/Held back.md": "---\npublish: false\n---\nx\n",
            },
            warns=False,
        ),
        # -- symbolic links ------------------------------------------------------------------------
        Case(
            "symlink to a file outside",
            {},
            symlinks={f"{b}/Outside.md": "/etc/hostname"},
            warns=False,
            published=False,
        ),
        Case(
            "embed of a symlink to a file outside",
            {f"{b}/Embeds leak.md": "![[leak.png]]\n"},
            symlinks={f"{b}/leak.png": "/etc/hostname"},
        ),
        Case("symlink to a folder outside", {}, symlinks={f"{b}/Etc": "/etc"}, warns=False, published=False),
    ]


def big_case(size: int = 20 * 1024 * 1024) -> Case:
    """The 20 MB note, kept apart so a quick run can leave it out."""
    return Case("20 MB note", {f"{BAD}/Huge.md": _big_note(size)})


CONTROL_NOTES: dict[str, str] = {
    f"{CONTROL}/Alpha.md": (
        "---\ntitle: Alpha\ntags: [control]\nstatus: active\n---\n# Alpha\n\nLinks to [[Beta]] and "
        "[[Gamma#Details]]. ==Highlighted== text.\n\n> [!tip] A callout\n> With text.\n\n- [ ] a task\n"
        "- [x] done task\n\nowner:: [[Beta]]\n"
    ),
    f"{CONTROL}/Beta.md": "# Beta\n\nEmbeds a section: ![[Gamma#Details]]\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    f"{CONTROL}/Gamma.md": "# Gamma\n\nIntro.\n\n## Details\n\nSome details. ^block1\n\n```python\nx = 1\n```\n",
    f"{CONTROL}/Delta.md": (
        "---\ntags: [control]\n---\n# Delta\n\n```dataview\nTABLE status FROM #control SORT file.name\n```\n"
    ),
}
CONTROL_PAGES = ["notes/control/alpha/index.html", "notes/control/beta/index.html",
                 "notes/control/gamma/index.html", "notes/control/delta/index.html"]  # fmt: skip


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))


def write_bad_vault(root: Path, selected: list[Case], with_bad: bool = True) -> Path:
    """The control notes, plus (with_bad) every selected case, under `root`."""
    write_files(root, {"index.md": "# Home\n\nA vault of bad inputs.\n", **CONTROL_NOTES})
    if not with_bad:
        return root
    for case in selected:
        write_files(root, case.files)
        for rel, target in case.symlinks.items():
            link = root / rel
            link.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(target, link)
    return root
