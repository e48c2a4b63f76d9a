"""Login limits that hold: per account from one address, per address, across worker processes,
and a slower per-account brake that never refuses the owner."""

from __future__ import annotations

import http.cookiejar
import os
import runpy
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.factories import TEST_PASSWORD, StaffFactory
from tests.servers import free_port, stop, wait_until_up

ROOT = Path(__file__).resolve().parents[2]
WRONG = "salah-sandi-123"


def _login(client, email, password=TEST_PASSWORD, address="127.0.0.1"):
    return client.post(
        "/admin/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_a_stranger_cannot_lock_the_owner_out(client, db) -> None:
    owner = StaffFactory()
    for _ in range(5):
        assert _login(client, owner.email, WRONG, "198.51.100.9").status_code == 401
    assert _login(client, owner.email, TEST_PASSWORD, "198.51.100.9").status_code == 429
    # The owner, at the office's address, still gets in with the right password.
    assert _login(client, owner.email, TEST_PASSWORD, "192.0.2.10").status_code == 302


def test_without_a_proxy_a_forged_x_forwarded_for_does_not_dodge_the_limit(client, db) -> None:
    owner = StaffFactory()
    for n in range(5):
        response = client.post(
            "/admin/login", data={"email": owner.email, "password": WRONG},
            environ_base={"REMOTE_ADDR": "198.51.100.9"},
            headers={"X-Forwarded-For": f"10.0.0.{n}"},
        )  # fmt: skip
        assert response.status_code == 401
    assert _login(client, owner.email, TEST_PASSWORD, "198.51.100.9").status_code == 429


# Well above a password check on a busy machine, so the first attempts are clearly not slowed.
SLOW = 2.5


class TestSlowDown:
    @pytest.fixture
    def config_overrides(self):
        return {"LOGIN_SLOW_AFTER": 3, "LOGIN_SLOW_SECONDS": SLOW}

    def test_many_failures_from_many_addresses_slow_the_account_down(self, client, db) -> None:
        owner = StaffFactory()
        for n in range(3):
            started = time.monotonic()
            assert _login(client, owner.email, WRONG, f"203.0.113.{n}").status_code == 401
            assert time.monotonic() - started < SLOW
        started = time.monotonic()
        response = _login(client, owner.email, TEST_PASSWORD, "192.0.2.10")
        # Slowed, not refused: the owner gets in, a little later.
        assert response.status_code == 302
        assert time.monotonic() - started >= SLOW


@pytest.mark.parametrize(
    ("env", "workers"),
    [
        ({}, 1),
        ({"RATELIMIT_STORAGE_URI": "memory://", "WEB_CONCURRENCY": "4"}, 1),
        ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, 2),
        ({"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "WEB_CONCURRENCY": "3"}, 3),
    ],
)
def test_make_run_uses_one_worker_unless_the_limits_are_shared(monkeypatch, env, workers) -> None:
    for name in ("RATELIMIT_STORAGE_URI", "REDIS_URL", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["workers"] == workers
    assert os.environ["WEB_CONCURRENCY"] == str(workers)


def _post(base: str, email: str, password: str, address: str) -> int:
    """A browser at `address` opens the login page, then signs in with its CSRF token."""
    opener = urllib.request.build_opener(
        _NoRedirect, urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    # gunicorn sits behind one proxy here (PROXY_HOPS=1), which tells it the client's address.
    headers = {"X-Forwarded-For": address}
    with opener.open(urllib.request.Request(f"{base}/admin/login", headers=headers)) as page:
        html = page.read().decode()
    token = html.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
    request = urllib.request.Request(
        f"{base}/admin/login", data=body.encode(), method="POST", headers=headers
    )
    try:
        with opener.open(request, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def test_six_wrong_passwords_get_429_whichever_worker_answers(app, db, tmp_path, redis_url) -> None:
    """The real server configuration (gunicorn.conf.py) with Redis, as `make run` with REDIS_URL.

    `--max-requests 1` makes every request a new worker process: no count can live in one
    process's memory, so the limit holds only because the workers share the store.
    """
    owner = StaffFactory()
    db.session.commit()
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "UPLOAD_DIR": app.config["UPLOAD_DIR"],
        "MAIL_OUTBOX_DIR": app.config["MAIL_OUTBOX_DIR"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "ETALASE_ENV": "development",
        "REDIS_URL": redis_url,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "PROXY_HOPS": "1",
    }
    for name in ("STRIPE_SECRET_KEY", "RATELIMIT_STORAGE_URI", "WEB_CONCURRENCY"):
        env.pop(name, None)
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "--max-requests", "1", "--threads", "1", "--preload",
             "--access-logformat", "pid=%(p)s %(s)s", "wsgi:app"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base, process, log_path)
            statuses = [_post(base, owner.email, WRONG, "198.51.100.9") for _ in range(5)]
            assert statuses == [401] * 5
            assert _post(base, owner.email, TEST_PASSWORD, "198.51.100.9") == 429
            assert _post(base, owner.email, TEST_PASSWORD, "192.0.2.10") == 302
        finally:
            stop(process)
    lines = [line for line in log_path.read_text().splitlines() if line.startswith("pid=")]
    login_pids = [line.split()[0] for line in lines if line.split()[1] in {"401", "429", "302"}]
    assert len(login_pids) == 7
    assert len(set(login_pids)) == 7, "every attempt was answered by another worker process"
