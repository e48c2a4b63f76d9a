"""What the job tests share: a Redis of CI's, a queue of the test's own, a worker to drain it."""

from __future__ import annotations

import uuid

import pytest
import redis
from rq import SimpleWorker

from shop.jobs import engine

REDIS_URL = "redis://127.0.0.1:6379/0"


def rq_config() -> dict[str, object]:
    """Settings that send jobs to a queue no other test uses; skips (saying why) without Redis."""
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.skip(f"Redis is not running at {REDIS_URL} (CI starts it)")
    return {"REDIS_URL": REDIS_URL, "JOBS_QUEUE": f"test-{uuid.uuid4().hex[:8]}"}


def run_queued_jobs() -> int:
    """Let an RQ worker run every queued job, in this process; returns how many there were."""
    queue = engine.queue()
    count = queue.count
    worker = SimpleWorker([queue], connection=queue.connection, serializer=queue.serializer)
    worker.work(burst=True)
    return count
