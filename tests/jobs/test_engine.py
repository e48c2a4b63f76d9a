"""Deferred jobs run only after the commit: in-process by default, on RQ workers with Redis."""

from __future__ import annotations

import uuid

import pytest
import redis
from rq import SimpleWorker
from sqlalchemy import select

from shop import jobs
from shop.core import jobs as core_jobs
from shop.core import unit_of_work
from shop.jobs import engine
from shop.models import Category
from tests.servers import REDIS_URL, require_redis


@jobs.job("tests.add_category")
def add_category(*, slug: str) -> None:
    from shop.database import db

    db.session.add(Category(name=slug, name_en=slug, slug=slug))


def _slugs(db) -> list[str]:
    return list(db.session.scalars(select(Category.slug).where(Category.slug.like("job-%"))))


def test_a_deferred_job_runs_in_process_after_the_commit(app, db) -> None:
    core_jobs.defer("tests.add_category", slug="job-after-commit")
    assert _slugs(db) == []
    unit_of_work.commit()
    assert _slugs(db) == ["job-after-commit"]


def test_a_rolled_back_change_runs_no_job(app, db) -> None:
    core_jobs.defer("tests.add_category", slug="job-rolled-back")
    unit_of_work.rollback()
    unit_of_work.commit()
    assert _slugs(db) == []


def _redis_or_skip() -> redis.Redis:
    return redis.Redis.from_url(require_redis())


class TestOnRQ:
    @pytest.fixture
    def config_overrides(self) -> dict[str, object]:
        _redis_or_skip()
        return {"REDIS_URL": REDIS_URL, "JOBS_QUEUE": f"test-{uuid.uuid4().hex[:8]}"}

    def test_the_job_waits_in_redis_until_a_worker_takes_it(self, app, db) -> None:
        core_jobs.defer("tests.add_category", slug="job-on-rq")
        unit_of_work.commit()
        queue = engine.queue()
        try:
            assert queue.count == 1
            assert _slugs(db) == []
            worker = SimpleWorker([queue], connection=queue.connection, serializer=queue.serializer)
            assert worker.work(burst=True)
            db.session.expire_all()
            assert _slugs(db) == ["job-on-rq"]
        finally:
            queue.delete(delete_jobs=True)
