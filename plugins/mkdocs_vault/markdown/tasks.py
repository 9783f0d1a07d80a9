"""Task lists with any status character: `[ ]`, `[x]`, and custom ones such as `[/]`, `[-]`, `[>]`.

Rendered with the markup `pymdownx.tasklist` produces with `custom_checkbox` (so Material styles it):
`<li class="task-list-item"><label class="task-list-control"><input type="checkbox" disabled checked/>
<span class="task-list-indicator"></span></label> text</li>`, inside a list with class `task-list`.
On top, each item carries `data-task="c"` (the status character, empty for `[ ]`, the attribute
Obsidian themes style on) and a class naming the status (`task-done`, `task-in-progress`, ...).
As in Obsidian, any status other than a space shows a ticked box; the attribute tells them apart.

We replace `pymdownx.tasklist` rather than extend it: it only knows `[ ]`/`[x]` and its pattern is
not configurable. Priority 25, like tasklist: before the inline pass, while the item text still
starts with the raw `[c] `.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

__all__ = ["STATUS_NAMES", "TasksExtension", "makeExtension"]

TASK_RE = re.compile(r"^[ \t]*\[([^\]\n])\][ \t]+", re.DOTALL)

#: Status character -> class suffix (the common statuses of Obsidian themes and the Tasks plugin).
STATUS_NAMES: dict[str, str] = {
    " ": "todo",
    "x": "done",
    "X": "done",
    "/": "in-progress",
    "-": "cancelled",
    ">": "forwarded",
    "<": "scheduled",
    "?": "question",
    "!": "important",
    "*": "star",
    '"': "quote",
    "l": "location",
    "b": "bookmark",
    "i": "information",
    "S": "savings",
    "I": "idea",
    "p": "pro",
    "c": "con",
    "f": "fire",
    "k": "key",
    "w": "win",
    "u": "up",
    "d": "down",
}


def checkbox_html(status: str) -> str:
    checked = " checked" if status != " " else ""
    return (
        '<label class="task-list-control">'
        f'<input type="checkbox" disabled{checked}/>'
        '<span class="task-list-indicator"></span></label> '
    )


class TaskTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            if parent.tag not in ("ul", "ol"):
                continue
            found = False
            for li in parent:
                if li.tag == "li" and self._mark(li):
                    found = True
            if found:
                classes = parent.get("class", "").split()
                if "task-list" not in classes:
                    parent.set("class", " ".join([*classes, "task-list"]))

    def _mark(self, li: etree.Element) -> bool:
        holder = li
        if not (li.text or "").strip() and len(li) and li[0].tag == "p":
            holder = li[0]  # a loose list item: the text sits in a paragraph
        m = TASK_RE.match(holder.text or "")
        if not m:
            return False
        status = m.group(1)
        holder.text = self.md.htmlStash.store(checkbox_html(status)) + holder.text[m.end() :]
        name = STATUS_NAMES.get(status, "custom")
        classes = li.get("class", "").split()
        li.set("class", " ".join([*classes, "task-list-item", f"task-{name}"]))
        li.set("data-task", "" if status == " " else status)
        return True


class TasksExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(TaskTreeprocessor(md), "vault-tasks", 25)


def makeExtension(**kwargs: Any) -> TasksExtension:
    return TasksExtension(**kwargs)
