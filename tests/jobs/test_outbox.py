"""The mail outbox with real Redis and a real SMTP server on loopback.

The webhook request only writes the mail; an RQ worker delivers it. With the mail server down the
attempts are counted and spaced out, the mail ends up failed in the back office, and "Kirim lagi"
delivers it once the server is back.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from rq import SimpleWorker
from sqlalchemy import select

from shop.core import clock, mail, outbox, unit_of_work
from shop.jobs import engine
from shop.models import AuditEvent, MailStatus, OutboxMail
from shop.ordering import order_mail
from tests.checkout import stripe_fixtures
from tests.checkout.helpers import place, two_facilities
from tests.factories import OutboxMailFactory
from tests.servers import REDIS_URL, require_redis
from tests.smtp import MailServer

BUYER = "siti.aminah@contoh.id"


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    server = MailServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _redis_or_skip() -> None:
    require_redis()


@pytest.fixture
def config_overrides(mail_server: MailServer) -> dict[str, object]:
    _redis_or_skip()
    return {
        **stripe_fixtures.STRIPE_CONFIG,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": mail_server.port,
        "REDIS_URL": REDIS_URL,
        "JOBS_QUEUE": f"test-outbox-{uuid.uuid4().hex[:8]}",
        "MAIL_RETRY_DELAYS": (60,),  # two attempts, a minute apart
    }


@pytest.fixture
def queue(app):
    queue = engine.queue()
    try:
        yield queue
    finally:
        queue.delete(delete_jobs=True)


def _work(queue) -> None:
    worker = SimpleWorker([queue], connection=queue.connection, serializer=queue.serializer)
    worker.work(burst=True)


def _buyer_mail(db) -> OutboxMail:
    db.session.expire_all()
    return db.session.scalars(select(OutboxMail).where(OutboxMail.recipients == BUYER)).one()


def test_the_webhook_opens_no_smtp_connection_and_the_worker_delivers(
    db, client, rsps, mail_server: MailServer, queue
) -> None:
    _shop, order = stripe_fixtures.pay_two_facilities_through_stripe(client, rsps)
    assert mail_server.sessions == 0
    mail = _buyer_mail(db)
    assert mail.status is MailStatus.PENDING and mail.attempts == 0
    assert order.number in mail.subject
    assert queue.count >= 1
    _work(queue)
    assert mail_server.sessions == len(mail_server.messages) >= 1  # the counter does count
    (confirmation,) = mail_server.to(BUYER)
    assert order.number in confirmation["Subject"]
    assert confirmation["Message-ID"] == mail.message_id
    mail = _buyer_mail(db)
    assert mail.status is MailStatus.SENT and mail.attempts == 1 and mail.sent_at is not None


def test_a_mail_server_down_means_retries_then_failed_and_send_again_delivers(
    db, client, rsps, login_as, mail_server: MailServer, queue
) -> None:
    mail_server.stop()
    _shop, order = stripe_fixtures.pay_two_facilities_through_stripe(client, rsps)
    before = clock.now()
    _work(queue)
    mail = _buyer_mail(db)
    assert mail.status is MailStatus.PENDING
    assert mail.attempts == 1
    assert "Connection refused" in mail.last_error
    assert mail.next_attempt_at is not None and mail.next_attempt_at >= before + timedelta(
        seconds=59
    )
    # The sweep leaves it until its next attempt is due, then hands it to the queue again.
    assert outbox.sweep(now=before) == 0
    assert outbox.sweep(now=mail.next_attempt_at) >= 1
    unit_of_work.commit()
    _work(queue)
    mail = _buyer_mail(db)
    assert mail.status is MailStatus.FAILED and mail.attempts == 2 and mail.next_attempt_at is None

    login_as("central")
    listed = client.get("/admin/mail?status=failed").get_data(as_text=True)
    assert BUYER in listed and order.number in listed
    detail = client.get(f"/admin/mail/{mail.id}").get_data(as_text=True)
    assert "Kirim lagi" in detail and "Connection refused" in detail

    mail_server.start()
    response = client.post(f"/admin/mail/{mail.id}/send-again")
    assert response.status_code == 302
    assert mail_server.sessions == 0  # the request only queues it
    _work(queue)
    (delivered,) = mail_server.to(BUYER)
    assert order.number in delivered["Subject"]
    mail = _buyer_mail(db)
    assert mail.status is MailStatus.SENT and mail.attempts == 3
    (audited,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "mail.send_again")
    ).all()
    assert audited.object_id == str(mail.id)
    assert audited.changes == {"status": ["failed", "pending"]}
    again = client.post(f"/admin/mail/{mail.id}/send-again", follow_redirects=True)
    assert "sudah terkirim" in again.get_data(as_text=True)
    _work(queue)
    assert len(mail_server.to(BUYER)) == 1


def test_two_jobs_for_one_mail_deliver_it_once(db, client, rsps, mail_server, queue) -> None:
    stripe_fixtures.pay_two_facilities_through_stripe(client, rsps)
    mail = _buyer_mail(db)
    engine.enqueue("mail.deliver", {"mail_id": mail.id})  # a sweep that came too early
    _work(queue)
    assert len(mail_server.to(BUYER)) == 1
    assert _buyer_mail(db).attempts == 1


class TestWithoutRedis:
    """`make run` on its defaults: delivery right after the commit, in the web process."""

    @pytest.fixture
    def config_overrides(self, mail_server: MailServer) -> dict[str, object]:
        return {
            **stripe_fixtures.STRIPE_CONFIG,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": mail_server.port,
            "MAIL_RETRY_DELAYS": (0,),
        }

    def test_a_mail_server_down_keeps_the_mail_and_the_sweep_delivers_it_later(
        self, app, db, client, rsps, login_as, mail_server: MailServer
    ) -> None:
        mail_server.stop()
        _shop, order = stripe_fixtures.pay_two_facilities_through_stripe(client, rsps)
        mail = _buyer_mail(db)
        assert mail.status is MailStatus.PENDING and mail.attempts == 1  # tried, and kept
        mail_server.start()
        result = app.test_cli_runner().invoke(args=["shop", "run-schedule", "outbox-sweep"])
        assert result.exit_code == 0, result.output
        (delivered,) = mail_server.to(BUYER)
        assert order.number in delivered["Subject"]
        assert _buyer_mail(db).status is MailStatus.SENT

    def test_the_outbox_list_filters_by_status_and_recipient(self, db, client, login_as) -> None:
        failed = OutboxMailFactory(recipients="budi@contoh.id")
        OutboxMailFactory(recipients="ani@contoh.id", status=MailStatus.SENT, attempts=1)
        login_as("central")
        page = client.get("/admin/mail?status=failed").get_data(as_text=True)
        assert "budi@contoh.id" in page and "ani@contoh.id" not in page
        page = client.get("/admin/mail?recipient=ANI").get_data(as_text=True)
        assert "ani@contoh.id" in page and "budi@contoh.id" not in page
        assert client.get("/admin/mail?status=nonsense&page=x").status_code == 200
        assert client.get(f"/admin/mail/{failed.id + 100}").status_code == 404


def test_a_change_rolled_back_leaves_no_mail_and_held_back_writes_none(db, queue) -> None:
    order = place(two_facilities())
    order_mail.send_part_progress(facility_order=order.parts[0])
    assert db.session.scalars(select(OutboxMail)).all()  # written with the change...
    unit_of_work.rollback()
    unit_of_work.commit()
    assert db.session.scalars(select(OutboxMail)).all() == []  # ...and gone with it
    with mail.held_back():
        order_mail.send_part_progress(facility_order=order.parts[0])
    unit_of_work.commit()
    assert db.session.scalars(select(OutboxMail)).all() == []
    assert queue.count == 0
