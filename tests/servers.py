"""Servers the tests use on loopback: a free port, Redis, waiting for gunicorn, stopping it."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import redis

# Where the Redis-backed tests find Redis (CI starts one there; see .ci/run).
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_redis() -> str:
    """The loopback Redis, or a skip (a failure in CI, which runs Redis) saying how to start it."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as error:
        problem = f"Redis does not answer at {REDIS_URL} ({error}): start it with `redis-server`"
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    return REDIS_URL


def wait_until_up(base: str, process: subprocess.Popen, log_path: Path, seconds: int = 60) -> None:
    """Until `/healthz` answers 200; a server that exits or stays silent fails with its log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer within {seconds} s:\n{log_path.read_text()}")


def stop(process: subprocess.Popen) -> None:
    """Stop gunicorn, killing it if it does not stop in time, so no server outlives its test."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
