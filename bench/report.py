"""Writing one benchmark's section of docs/performance.md, leaving the others as they are."""

from __future__ import annotations

import platform
import re
from datetime import UTC, datetime
from pathlib import Path

PERFORMANCE_MD = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
HEADER = """# Performance

Numbers written by `make bench` (scripts `bench/bench_*.py`). Timings are shown next to a
baseline measured in the same run, and compared as a ratio, so that they mean something across
machines. Never a pass/fail threshold: machines here are noisy.
"""


def write_section(name: str, title: str, body: str) -> None:
    """Replace (or add) the section `name` of docs/performance.md with `body` (Markdown)."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.machine()}, Python {platform.python_version()}"
    section = (
        f"<!-- bench:{name} -->\n## {title}\n\n_Measured {stamp} on {machine}._\n\n"
        f"{body.strip()}\n<!-- /bench:{name} -->"
    )
    text = PERFORMANCE_MD.read_text() if PERFORMANCE_MD.exists() else HEADER
    if "No benchmark has been run yet." in text:
        text = HEADER
    pattern = re.compile(
        rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S
    )
    text = (
        pattern.sub(lambda _m: section, text)
        if pattern.search(text)
        else f"{text.rstrip()}\n\n{section}\n"
    )
    PERFORMANCE_MD.write_text(text)
