"""Delivering the outbox: one attempt per job, failures counted and retried later, then left
for an admin to look at and send again.

A mail is delivered by the `mail.deliver` job its `send` deferred; the outbox sweep (a scheduled
task) defers it again once its next attempt is due. An attempt locks the mail's row, so two jobs
for the same mail (a sweep and a late first job) deliver it once: the second finds it sent.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from sqlalchemy import func, select

from shop.core import audit, jobs, locks, pagination
from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.core.mail import DELIVER_JOB, SWEEP_GRACE
from shop.database import db
from shop.models import MailStatus, OutboxMail, User

log = logging.getLogger("etalase.mail")

# Seconds to wait after the 1st, 2nd, ... failed attempt; one more failure after the last one
# marks the mail failed (MAIL_RETRY_DELAYS: 6 attempts over about 8.5 hours by default).
DEFAULT_RETRY_DELAYS = (60, 300, 1800, 7200, 21600)
# The most mails one sweep hands to the queue; the rest wait for the next sweep.
SWEEP_BATCH = 500

Transport = Callable[[EmailMessage], None]


class AlreadySent(DomainError):
    """Only a mail that has not gone out can be sent again."""


def smtp_transport(
    *, host: str, port: int, username: str = "", password: str = "", use_tls: bool = False
) -> Transport:
    """Send through an SMTP server, one connection per mail."""

    def send(message: EmailMessage) -> None:
        with smtplib.SMTP(host, port, timeout=10) as smtp:
            if use_tls:
                smtp.starttls()
            if username:
                smtp.login(username, password)
            smtp.send_message(message)

    return send


def directory_transport(directory: Path) -> Transport:
    """Write each mail as an .eml file (no mail server configured: development and demos)."""

    def write(message: EmailMessage) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"{uuid.uuid4().hex}.eml").write_bytes(bytes(message))

    return write


def message_of(mail: OutboxMail, *, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = sender
    message["To"] = mail.recipients
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = mail.message_id
    message.set_content(mail.body_text)
    message.add_alternative(mail.body_html, subtype="html")
    return message


def deliver(
    *,
    mail_id: int,
    sender: str,
    transport: Transport,
    now: datetime,
    retry_delays: Sequence[int] = DEFAULT_RETRY_DELAYS,
) -> MailStatus | None:
    """One attempt to deliver a pending mail, under its row lock; the caller commits.

    Any failure of the attempt is recorded on the mail rather than raised: the count must grow
    and the mail end up failed and visible, whatever broke (a server down, a refused address,
    a message that cannot be encoded). Returns the mail's status, None when it does not exist.
    """
    rows = locks.lock_rows(OutboxMail, [mail_id])
    if not rows:
        return None
    (mail,) = rows
    if mail.status is not MailStatus.PENDING:
        return mail.status
    mail.attempts += 1
    try:
        transport(message_of(mail, sender=sender))
    except Exception as error:
        mail.last_error = f"{type(error).__name__}: {error}"[:2000]
        if mail.attempts > len(retry_delays):
            mail.status = MailStatus.FAILED
            mail.next_attempt_at = None
            log.error("mail %s to %s failed for good: %s", mail.id, mail.recipients, error)
        else:
            mail.next_attempt_at = now + timedelta(seconds=retry_delays[mail.attempts - 1])
            log.warning("mail %s to %s not sent yet: %s", mail.id, mail.recipients, error)
        return mail.status
    mail.status = MailStatus.SENT
    mail.sent_at = now
    mail.next_attempt_at = None
    return mail.status


def sweep(*, now: datetime) -> int:
    """Defer the delivery of every pending mail whose next attempt is due; how many.

    Each is claimed for `SWEEP_GRACE` (its next attempt moves on), so a sweep that runs again
    before the queue has reached the mail does not hand it out twice.
    """
    mails = db.session.scalars(
        select(OutboxMail)
        .where(OutboxMail.status == MailStatus.PENDING, OutboxMail.next_attempt_at <= now)
        .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
        .limit(SWEEP_BATCH)
    ).all()
    for mail in mails:
        mail.next_attempt_at = now + SWEEP_GRACE
        jobs.defer(DELIVER_JOB, mail_id=mail.id)
    return len(mails)


def send_again(*, mail_id: int, actor: User, now: datetime) -> OutboxMail:
    """An admin asks for one more attempt at a mail that did not go out (audited); the caller
    commits, and the delivery job runs after that."""
    (mail,) = locks.lock_rows(OutboxMail, [mail_id])
    if mail.status is MailStatus.SENT:
        raise AlreadySent(_l("Surat ini sudah terkirim."))
    audit.record(
        actor=actor,
        action="mail.send_again",
        obj=mail,
        changes={"status": [mail.status.value, MailStatus.PENDING.value]},
    )
    mail.status = MailStatus.PENDING
    mail.next_attempt_at = now + SWEEP_GRACE
    jobs.defer(DELIVER_JOB, mail_id=mail.id)
    return mail


def search(
    *,
    status: MailStatus | None = None,
    recipient: str = "",
    template: str = "",
    page: int = 1,
    per_page: int = 50,
) -> pagination.Page[OutboxMail]:
    """The outbox, newest first, filtered by status, part of a recipient address, template."""
    query = select(OutboxMail)
    if status is not None:
        query = query.where(OutboxMail.status == status)
    if recipient.strip():
        query = query.where(
            func.lower(OutboxMail.recipients).like(f"%{recipient.strip().lower()}%")
        )
    if template.strip():
        query = query.where(OutboxMail.template == template.strip())
    return pagination.paginate(
        query.order_by(OutboxMail.created_at.desc(), OutboxMail.id.desc()),
        page=page,
        per_page=per_page,
    )


def counts() -> dict[MailStatus, int]:
    """How many mails are in each status."""
    rows = db.session.execute(
        select(OutboxMail.status, func.count()).group_by(OutboxMail.status)
    ).all()
    found: dict[MailStatus, int] = dict(rows)  # type: ignore[arg-type]
    return {status: found.get(status, 0) for status in MailStatus}


def templates() -> list[str]:
    """The templates the outbox holds mails of (the choices of the filter)."""
    return list(
        db.session.scalars(select(OutboxMail.template).distinct().order_by(OutboxMail.template))
    )
