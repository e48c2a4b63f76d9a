"""Reconciliation runs started from the back office: the period, and the result once known."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.models.accounts import User
from shop.models.base import Base, TimestampMixin, enum_column
from shop.models.operations import JobState


class ReconciliationRun(Base, TimestampMixin):
    """One reconciliation with Stripe, run by a job; its result is kept to be read again.

    `result` is the reconciliation as `shop.finance.reconciliation_runs.as_record` writes it
    (totals and differences, amounts in integer rupiah); `error` says why a run failed (Stripe
    unreachable or refusing, no key configured).
    """

    __tablename__ = "reconciliation_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    first_day: Mapped[date]
    last_day: Mapped[date]
    state: Mapped[JobState] = mapped_column(
        enum_column(JobState, "reconciliation_state"), default=JobState.QUEUED
    )
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    error: Mapped[str | None] = mapped_column(sa.Text)
    finished_at: Mapped[datetime | None]

    requested_by: Mapped[User] = relationship()

    __table_args__ = (
        sa.CheckConstraint("first_day <= last_day", name="period_in_order"),
        sa.CheckConstraint("state <> 'failed' OR error IS NOT NULL", name="failed_has_reason"),
        sa.CheckConstraint("state <> 'done' OR result IS NOT NULL", name="done_has_result"),
    )

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)
