"""Browser tests: the app served by gunicorn on 127.0.0.1, driven by Debian's Chromium.

`live_server` starts gunicorn on a free port against the test's own database and upload folder
(the `app` fixture's), so a test arranges data in-process and then drives the real site.
Without Chromium the tests are skipped with a message saying how to install it; in CI
(`CI=true`) a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.servers import free_port, stop, wait_until_up

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
VIEWPORTS = {
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session", autouse=True)
def _chromium_present() -> None:
    if Path(CHROMIUM).exists():
        return
    message = f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium`"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(params=list(VIEWPORTS))
def viewport_name(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def browser_context_args(browser_context_args: dict, viewport_name: str) -> dict:
    return {**browser_context_args, **VIEWPORTS[viewport_name], "locale": "id-ID"}


@pytest.fixture
def live_server(app: Flask, tmp_path: Path) -> Iterator[str]:
    """gunicorn serving the test's database; yields its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "UPLOAD_DIR": app.config["UPLOAD_DIR"],
        "MAIL_OUTBOX_DIR": app.config["MAIL_OUTBOX_DIR"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        # As `PORT=NNNN make run` does: no SITE_URL, so the app derives it from the port.
        "PORT": str(port),
        "ETALASE_ENV": "development",
    }
    env.pop("STRIPE_SECRET_KEY", None)
    env.pop("SITE_URL", None)
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--access-logfile", "-", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process, tmp_path / "gunicorn.log")
        yield base
    finally:
        stop(process)
        log.close()


@pytest.fixture
def screenshot(page, request: pytest.FixtureRequest, viewport_name: str):
    """Save a full-page screenshot under test-artifacts/ (kept by CI as an artifact)."""

    def take(name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}-{viewport_name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def copy_to_docs(path: Path, name: str) -> None:
    """Refresh a README screenshot (docs/screenshots/) when UPDATE_SCREENSHOTS=1.

    Only on request, so that an ordinary test run leaves the committed pictures alone.
    """
    if os.environ.get("UPDATE_SCREENSHOTS") != "1":
        return
    target = ROOT / "docs" / "screenshots"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target / name)
