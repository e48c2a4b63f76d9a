"""Work the site does on its own, on a schedule, without cron.

With Redis, one `flask shop scheduler` process (RQ's CronScheduler) puts each task on the job
queue every interval and the workers run it; without Redis, `flask shop run-schedule` runs the
tasks that are due in its own process (by hand, or from a timer of the host). Each run that
succeeds is recorded in `scheduled_run`, and `/healthz` calls the schedule stale when a task's
last success is older than twice its interval.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from redis import Redis
from rq.cron import CronJob, CronScheduler

from shop.core import clock, outbox, retention, unit_of_work
from shop.core.storage import storage_from_config
from shop.database import db
from shop.exporting import runs
from shop.jobs import engine, job
from shop.models import ScheduledRun
from shop.payments import expiry
from shop.quotes import acceptance

log = logging.getLogger("etalase.schedule")

RUN_JOB = "schedule.run"


@dataclass(frozen=True)
class Task:
    name: str
    every: timedelta
    run: Callable[[datetime], str]  # does the work in the current unit of work; says what it did

    def stale_after(self) -> timedelta:
        return self.every * 2


def _release_expired(now: datetime) -> str:
    report = expiry.release_expired(now=now)
    return (
        f"released {len(report.released_orders)}, skipped {len(report.skipped_orders)}, "
        f"refunds sent {len(report.refunds_sent)}"
    )


def _expire_quotes(now: datetime) -> str:
    return f"{acceptance.expire_lapsed(now=now)} quote offers expired"


def _sweep_outbox(now: datetime) -> str:
    return f"{outbox.sweep(now=now)} mails handed to the queue"


def _prune(now: datetime) -> str:
    config = current_app.config
    pruned = retention.prune(
        now=now,
        cart_days=config["CART_RETENTION_DAYS"],
        webhook_payload_days=config["WEBHOOK_PAYLOAD_RETENTION_DAYS"],
    )
    exports = runs.prune_exports(
        now=now,
        storage=storage_from_config(config),
        retention_days=config["EXPORT_RETENTION_DAYS"],
    )
    return (
        f"{pruned.carts} carts deleted, {pruned.webhook_payloads} webhook payloads emptied, "
        f"{exports} report exports deleted"
    )


TASKS: dict[str, Task] = {
    task.name: task
    for task in (
        Task("release-expired", timedelta(minutes=5), _release_expired),
        Task("outbox-sweep", timedelta(minutes=1), _sweep_outbox),
        Task("prune", timedelta(days=1), _prune),
        Task("expire-quotes", timedelta(hours=1), _expire_quotes),
    )
}


@job(RUN_JOB)
def run(*, task: str) -> None:
    """The job the scheduler enqueues: one run of a task, recorded when it succeeds."""
    run_task(TASKS[task], now=clock.now())


def run_task(task: Task, *, now: datetime) -> str:
    """Run `task` and record its success in the same transaction; a failure is rolled back,
    recorded on its own, and raised (the queue shows it, and the next interval tries again)."""
    try:
        summary = task.run(now)
    except Exception as error:
        unit_of_work.rollback()
        record = _record_of(task.name)
        record.last_failure_at = clock.now()
        record.last_error = f"{type(error).__name__}: {error}"[:2000]
        unit_of_work.commit()
        raise
    _record_of(task.name).last_success_at = now
    log.info("%s: %s", task.name, summary)
    return summary


def _record_of(name: str) -> ScheduledRun:
    record = db.session.get(ScheduledRun, name)
    if record is None:
        record = ScheduledRun(task=name, last_error="")
        db.session.add(record)
    return record


def due(*, now: datetime) -> list[Task]:
    """The tasks whose interval has passed since their last success (or that never ran)."""
    runs = {run.task: run for run in db.session.query(ScheduledRun)}
    return [
        task
        for task in TASKS.values()
        if task.name not in runs
        or runs[task.name].last_success_at is None
        or now - runs[task.name].last_success_at >= task.every
    ]


def state(*, now: datetime) -> dict[str, object]:
    """What `/healthz` says of the schedule: each task's last success, and which are stale."""
    runs = {run.task: run for run in db.session.query(ScheduledRun)}
    tasks: dict[str, object] = {}
    stale: list[str] = []
    for task in TASKS.values():
        run = runs.get(task.name)
        last = run.last_success_at if run else None
        failed = run.last_failure_at if run else None
        if last is None or now - last > task.stale_after():
            stale.append(task.name)
        tasks[task.name] = {
            "every_seconds": int(task.every.total_seconds()),
            "last_success": last.isoformat() if last else None,
            "last_failure": failed.isoformat() if failed else None,
        }
    return {"status": "stale" if stale else "ok", "stale": stale, "tasks": tasks}


class _QueuedTask(CronJob):
    """A CronJob that enqueues through the application's queue.

    RQ's own `CronJob.enqueue` uses RQ's default (pickle) serializer; the workers read JSON.
    """

    def enqueue(self, connection: Redis) -> object:  # type: ignore[override]
        queued = engine.enqueue(RUN_JOB, {"task": self.name})
        log.info("enqueued %s (job %s)", self.name, queued.id)
        return queued


class Scheduler(CronScheduler):
    """RQ's CronScheduler over the tasks above; several may run, one enqueues at a time.

    Each round the scheduler takes (or keeps) a lease in Redis before it enqueues, so a second
    scheduler started for safety (another machine) waits and takes over when the first is gone.
    """

    LEASE_SECONDS = 150  # more than the longest sleep of the loop (60 s) between rounds

    def __init__(self, connection: Redis, queue_name: str) -> None:
        super().__init__(connection=connection)  # named host:pid:random, unique per scheduler
        self.lease_key = f"{queue_name}:scheduler-lease"
        # `register` would build RQ's own CronJob (pickle); ours go on the same list it fills.
        for task in TASKS.values():
            self._cron_jobs.append(
                _QueuedTask(
                    queue_name=queue_name,
                    func_name="shop.jobs.worker.perform",
                    args=(RUN_JOB, {"task": task.name}),
                    interval=int(task.every.total_seconds()),
                    name=task.name,
                )
            )

    def holds_lease(self) -> bool:
        """Take the lease if it is free, renew it if it is ours."""
        if self.connection.set(self.lease_key, self.name, nx=True, ex=self.LEASE_SECONDS):
            return True
        holder = self.connection.get(self.lease_key)
        if holder is not None and holder.decode() == self.name:
            self.connection.expire(self.lease_key, self.LEASE_SECONDS)
            return True
        return False

    def enqueue_jobs(self) -> list[CronJob]:
        if not self.holds_lease():
            return []
        return super().enqueue_jobs()


def scheduler() -> Scheduler:
    config = current_app.config
    return Scheduler(engine.queue().connection, config["JOBS_QUEUE"])
