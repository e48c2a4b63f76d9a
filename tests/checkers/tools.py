"""Where the outside checkers live (installed by `make checkers` from .ci/node/package.json).

A missing checker skips its test with the command to install it; in CI (`CI=true`) it fails,
so a machine without them can never pass silently.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / ".ci" / "node" / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"


def require(path: Path, *, java: bool = False) -> Path:
    """`path`, or a skip (a failure in CI) saying how to install what is missing."""
    problem = None
    if not path.exists():
        problem = f"{path.relative_to(ROOT)} is missing: run `make checkers`"
    elif java and shutil.which("java") is None:
        problem = "java is not installed (the Nu Html Checker needs Java 17 or newer)"
    if problem is None:
        return path
    if os.environ.get("CI") == "true":
        pytest.fail(problem)
    pytest.skip(problem)
