"""What the job tests share: a Redis of CI's, a queue of the test's own, a worker to drain it."""

from __future__ import annotations

import uuid

from rq import SimpleWorker

from shop.jobs import engine
from tests.servers import REDIS_URL, require_redis


def rq_config() -> dict[str, object]:
    """Settings that send jobs to a queue no other test uses; skips (saying why) without Redis."""
    require_redis()
    return {"REDIS_URL": REDIS_URL, "JOBS_QUEUE": f"test-{uuid.uuid4().hex[:8]}"}


def run_queued_jobs() -> int:
    """Let an RQ worker run every queued job, in this process; returns how many there were."""
    queue = engine.queue()
    count = queue.count
    worker = SimpleWorker([queue], connection=queue.connection, serializer=queue.serializer)
    worker.work(burst=True)
    return count
