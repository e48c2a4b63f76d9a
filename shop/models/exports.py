"""Report exports too large to answer in the request: built by a job, kept for a few days."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.models.accounts import User
from shop.models.base import Base, TimestampMixin, enum_column
from shop.models.operations import JobState


class ReportExport(Base, TimestampMixin):
    """One CSV or XLSX file of a report, asked for by one user and built by a job.

    `args` are the report's query parameters (period and filters, as the report page reads them);
    the job builds the table as `requested_by` would see it, in `locale`. The file lives in
    private storage under `file_key` until `expires_at`, when the daily pruning deletes both.
    """

    __tablename__ = "report_export"

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    report: Mapped[str] = mapped_column(sa.String(40))
    fmt: Mapped[str] = mapped_column(sa.String(4))
    args: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    locale: Mapped[str] = mapped_column(sa.String(10))
    state: Mapped[JobState] = mapped_column(
        enum_column(JobState, "export_state"), default=JobState.QUEUED
    )
    rows: Mapped[int] = mapped_column(default=0)  # rows of the selection, counted when asked
    filename: Mapped[str] = mapped_column(sa.String(200), default="")
    file_key: Mapped[str | None] = mapped_column(sa.String(200))
    size_bytes: Mapped[int | None] = mapped_column(sa.BigInteger)
    error: Mapped[str | None] = mapped_column(sa.Text)
    finished_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None] = mapped_column(index=True)

    requested_by: Mapped[User] = relationship()

    __table_args__ = (
        sa.CheckConstraint("fmt IN ('csv', 'xlsx')", name="known_format"),
        sa.CheckConstraint("state <> 'failed' OR error IS NOT NULL", name="failed_has_reason"),
        sa.CheckConstraint("state <> 'done' OR file_key IS NOT NULL", name="done_has_file"),
    )

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)
