"""Scheduled work without cron: RQ's cron scheduler enqueues the tasks, a worker runs them, each
success is recorded, `/healthz` names a task that fell behind; without Redis the CLI runs them."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from rq import SimpleWorker
from sqlalchemy import select

from shop.core import clock, retention, unit_of_work
from shop.jobs import engine, schedule
from shop.models import Cart, CartItem, MailStatus, OutboxMail, ScheduledRun, WebhookEvent
from tests.checkout.helpers import place, two_facilities
from tests.factories import CartFactory, OutboxMailFactory, ProductVariantFactory
from tests.servers import REDIS_URL, require_redis


def _runs(db) -> dict[str, ScheduledRun]:
    db.session.expire_all()
    return {run.task: run for run in db.session.scalars(select(ScheduledRun))}


class TestWithRedis:
    @pytest.fixture
    def config_overrides(self) -> dict[str, object]:
        require_redis()
        return {"REDIS_URL": REDIS_URL, "JOBS_QUEUE": f"test-schedule-{uuid.uuid4().hex[:8]}"}

    @pytest.fixture
    def queue(self, app):
        queue = engine.queue()
        try:
            yield queue
        finally:
            queue.delete(delete_jobs=True)
            queue.connection.delete(f"{app.config['JOBS_QUEUE']}:scheduler-lease")

    def test_the_scheduler_enqueues_every_task_and_a_worker_records_each_run(
        self, app, db, client, queue
    ) -> None:
        health = client.get("/healthz")
        assert health.status_code == 200  # the web server is fine; the schedule is not
        assert health.get_json()["schedule"]["status"] == "stale"
        assert set(health.get_json()["schedule"]["stale"]) == set(schedule.TASKS)

        first, second = schedule.scheduler(), schedule.scheduler()
        assert {job.name for job in first.enqueue_jobs()} == set(schedule.TASKS)
        assert second.enqueue_jobs() == []  # one scheduler enqueues at a time
        assert first.enqueue_jobs() == []  # and not again before the interval
        assert queue.count == len(schedule.TASKS)
        SimpleWorker([queue], connection=queue.connection, serializer=queue.serializer).work(
            burst=True
        )
        runs = _runs(db)
        assert set(runs) == set(schedule.TASKS)
        assert all(run.last_success_at is not None for run in runs.values())
        body = client.get("/healthz").get_json()["schedule"]
        assert (body["status"], body["stale"]) == ("ok", [])

    def test_a_task_behind_twice_its_interval_is_named_stale(self, app, db, client) -> None:
        now = clock.now()
        for task in schedule.TASKS.values():
            db.session.add(ScheduledRun(task=task.name, last_success_at=now, last_error=""))
        db.session.get(ScheduledRun, "outbox-sweep").last_success_at = now - timedelta(minutes=3)
        unit_of_work.commit()
        body = client.get("/healthz").get_json()
        assert body["status"] == "ok"
        assert body["schedule"]["stale"] == ["outbox-sweep"]


def test_without_redis_healthz_expects_no_scheduler(client) -> None:
    assert "schedule" not in client.get("/healthz").get_json()


def test_run_schedule_runs_the_due_tasks_in_process_and_records_them(app, db) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["shop", "run-schedule"])
    assert result.exit_code == 0, result.output
    assert set(_runs(db)) == set(schedule.TASKS)
    again = runner.invoke(args=["shop", "run-schedule"])
    assert "Tidak ada tugas terjadwal yang jatuh tempo" in again.output


def test_the_outbox_sweep_delivers_a_mail_whose_retry_is_due(app, db, tmp_path) -> None:
    due = OutboxMailFactory(status=MailStatus.PENDING, attempts=1, next_attempt_at=clock.now())
    later = OutboxMailFactory(
        status=MailStatus.PENDING, attempts=1, next_attempt_at=clock.now() + timedelta(hours=1)
    )
    result = app.test_cli_runner().invoke(args=["shop", "run-schedule", "outbox-sweep"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    # No MAIL_SERVER in the tests' settings: delivered as an .eml file.
    assert db.session.get(OutboxMail, due.id).status is MailStatus.SENT
    assert db.session.get(OutboxMail, later.id).status is MailStatus.PENDING
    (written,) = (tmp_path / "outbox").glob("*.eml")
    assert due.recipients in written.read_text()


def test_a_failing_task_records_its_error_and_keeps_its_last_success(app, db) -> None:
    def broken(now):
        raise RuntimeError("gateway exploded")

    task = schedule.Task("prune", timedelta(days=1), broken)
    with pytest.raises(RuntimeError):
        schedule.run_task(task, now=clock.now())
    run = _runs(db)["prune"]
    assert run.last_success_at is None and run.last_failure_at is not None
    assert "gateway exploded" in run.last_error


def test_pruning_deletes_abandoned_carts_and_empties_old_webhook_payloads(app, db) -> None:
    now = clock.now()
    old = now - timedelta(days=31)
    abandoned = CartFactory(updated_at=old)
    recent = CartFactory(updated_at=now)
    revived = CartFactory(updated_at=old)  # its line changed yesterday
    variant = ProductVariantFactory()
    db.session.add(
        CartItem(cart=revived, variant=variant, quantity=1, updated_at=now - timedelta(days=1))
    )
    order = place(two_facilities())
    order.cart_id = abandoned.id
    db.session.add_all(
        [
            WebhookEvent(gateway="stripe", event_id="evt_old", event_type="x", outcome="paid",
                         payload={"email": "siti@contoh.id"}, received_at=now - timedelta(days=91)),
            WebhookEvent(gateway="stripe", event_id="evt_new", event_type="x", outcome="paid",
                         payload={"email": "budi@contoh.id"}, received_at=now - timedelta(days=1)),
        ]
    )  # fmt: skip
    unit_of_work.commit()
    ids = {"abandoned": abandoned.id, "recent": recent.id, "revived": revived.id}
    pruned = retention.prune(now=now, cart_days=30, webhook_payload_days=90)
    unit_of_work.commit()
    assert (pruned.carts, pruned.webhook_payloads) == (1, 1)
    db.session.expire_all()
    kept = set(db.session.scalars(select(Cart.id)))
    assert ids["abandoned"] not in kept and {ids["recent"], ids["revived"]} <= kept
    assert order.cart_id is None and order.total_idr > 0  # the order stays, without its cart
    payloads = dict(db.session.execute(select(WebhookEvent.event_id, WebhookEvent.payload)).all())
    assert payloads["evt_old"] == {} and payloads["evt_new"] == {"email": "budi@contoh.id"}
    again = retention.prune(now=now, cart_days=30, webhook_payload_days=90)
    assert (again.carts, again.webhook_payloads) == (0, 0)
