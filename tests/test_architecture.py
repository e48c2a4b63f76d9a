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


def _only_python(directory: str, names: list[str]) -> list[str]:
    """What lint-imports does not read: caches and every file that is not Python."""
    return [
        name
        for name in names
        if name == "__pycache__"
        or (not name.endswith(".py") and not Path(directory, name).is_dir())
    ]


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        pytest.param(
            "admin/__init__.py",
            "import shop.storefront",
            "The web layers (back office, storefront, public API) never import each other",
            id="web-layers-meet",
        ),
        pytest.param(
            "shop/api/catalogue.py",
            "import shop.storefront.filters",
            "The web layers (back office, storefront, public API) never import each other",
            id="api-meets-storefront",
        ),
        pytest.param(
            "shop/partners/keys.py",
            "import flask_smorest",
            "The domain core knows nothing of the web layers",
            id="partners-import-flask-smorest",
        ),
        pytest.param(
            "shop/catalogue/search.py",
            "import flask",
            "The domain core knows nothing of the web layers",
            id="core-imports-flask",
        ),
        pytest.param(
            "shop/ledger/posting.py",
            "from werkzeug.security import check_password_hash",
            "The domain core knows nothing of the web layers",
            id="core-imports-werkzeug",
        ),
        pytest.param(
            "shop/catalogue/stock.py",
            "import shop.payments",
            "Domain packages depend one way",
            id="lower-layer-imports-higher",
        ),
    ],
)
def test_a_broken_contract_is_detected(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    """Each contract really bites: a copy of the tree with one forbidden import fails it."""
    copy = tmp_path / "tree"
    for package in ("shop", "admin"):
        shutil.copytree(ROOT / package, copy / package, ignore=_only_python)
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    with (copy / module).open("a") as handle:
        handle.write(f"\n{line}  # noqa\n")
    result = subprocess.run(
        [_lint_imports(), "--no-cache"],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0
    broken = [text for text in result.stdout.splitlines() if " BROKEN" in text]
    assert len(broken) == 1 and broken[0].startswith(contract), result.stdout
