"""Print the Dataview conformance pass counts in the pytest summary, captured or not."""

from __future__ import annotations

import sys


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    module = sys.modules.get("test_conformance") or sys.modules.get("tests.dataview.test_conformance")
    lines = getattr(module, "SUMMARY", None)
    if lines:
        terminalreporter.section("Dataview conformance")
        for line in lines:
            terminalreporter.write_line(line)
