"""The layers stay apart: the core knows no web layer, and the two web layers never meet."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _lint_imports() -> str:
    executable = Path(sys.executable).parent / "lint-imports"
    found = str(executable) if executable.exists() else shutil.which("lint-imports")
    if found is None:
        pytest.fail("lint-imports is missing: install the dev extras (pip install -e '.[dev]')")
    return found


def test_import_contracts_hold() -> None:
    result = subprocess.run(
        [_lint_imports(), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_broken_contract_is_detected(tmp_path: Path) -> None:
    """The contract really bites: a copy of the tree where admin imports the storefront fails."""
    copy = tmp_path / "tree"
    shutil.copytree(ROOT / "shop", copy / "shop", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "admin", copy / "admin", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    with (copy / "admin" / "__init__.py").open("a") as handle:
        handle.write("\nimport shop.storefront  # noqa\n")
    result = subprocess.run(
        [_lint_imports(), "--no-cache"],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
