"""What the site does on its own: mail waiting to go out, and the runs of its scheduled tasks."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.core import clock
from shop.models.base import Base, enum_column


class MailStatus(enum.StrEnum):
    PENDING = "pending"  # not delivered yet; tried again at `next_attempt_at`
    SENT = "sent"
    FAILED = "failed"  # every attempt failed: an admin looks at it and may send it again


class OutboxMail(Base):
    """One mail, rendered and stored in the transaction of the change it is about.

    Delivery is a job after the commit; a failure is counted and retried later, so a mail
    server being down neither undoes the change nor loses the mail.
    """

    __tablename__ = "outbox_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    template: Mapped[str] = mapped_column(sa.String(80), index=True)
    recipients: Mapped[str] = mapped_column(sa.Text)  # "a@x.id, b@y.id", as in the To header
    subject: Mapped[str] = mapped_column(sa.Text)
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    locale: Mapped[str] = mapped_column(sa.String(10))
    # Kept from the first attempt, so a mail delivered twice is one message to the reader.
    message_id: Mapped[str] = mapped_column(sa.String(255))
    status: Mapped[MailStatus] = mapped_column(
        enum_column(MailStatus, "mail_status"), default=MailStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    next_attempt_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
    sent_at: Mapped[datetime | None]

    __table_args__ = (
        sa.Index("ix_outbox_mail_status_next_attempt_at", "status", "next_attempt_at"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    def __repr__(self) -> str:
        return f"<OutboxMail {self.id} {self.status}>"


class ScheduledRun(Base):
    """The last run of one scheduled task: `/healthz` calls a schedule stale from it."""

    __tablename__ = "scheduled_run"

    task: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    last_success_at: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(sa.Text, default="")


class JobState(enum.StrEnum):
    """Where a piece of work asked for in the back office and run by a job stands."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
