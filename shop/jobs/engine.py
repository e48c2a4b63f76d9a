"""Where jobs run: RQ workers over Redis when `REDIS_URL` is set, else in-process after the commit.

RQ (https://python-rq.org) is a small, well-kept queue on Redis: any number of workers on any
number of machines take jobs from the same queue. Without Redis (`make run` on its defaults) a
deferred job runs in the same process right after the commit that asked for it, so the site works
the same with nothing else running.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from functools import cache
from typing import Any

from flask import Flask, current_app
from redis import Redis
from rq import Queue, Retry
from rq.job import Job
from rq.serializers import JSONSerializer

from shop import jobs
from shop.core import jobs as core_jobs

log = logging.getLogger("etalase.jobs")

RETRY_INTERVALS = [10, 60, 300]


def install(app: Flask) -> None:
    """Make `shop.core.jobs.defer` run jobs the way this application is configured to."""
    for module in pkgutil.iter_modules(jobs.__path__):
        importlib.import_module(f"{jobs.__name__}.{module.name}")
    if app.config.get("REDIS_URL"):
        core_jobs.use_runner(enqueue)
    else:
        core_jobs.use_runner(_run_in_process)


def queue() -> Queue:
    """The application's job queue (`JOBS_QUEUE` on the Redis at `REDIS_URL`)."""
    config = current_app.config
    return Queue(
        config["JOBS_QUEUE"], connection=_redis(config["REDIS_URL"]), serializer=JSONSerializer
    )


@cache
def _redis(url: str) -> Redis:
    return Redis.from_url(url)


def enqueue(name: str, arguments: dict[str, Any]) -> Job:
    """Put the job called `name` on the queue now (a deferred job comes here after the commit)."""
    return queue().enqueue(
        "shop.jobs.worker.perform",
        name,
        arguments,
        retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
        description=name,
    )


def _run_in_process(name: str, arguments: dict[str, Any]) -> None:
    """Run now, in this process; a failure is logged (the change that asked for it is stored)."""
    try:
        jobs.perform(name, arguments)
    except Exception:
        log.exception("Job %s failed (in-process)", name)
