"""report jobs: large report exports and reconciliation runs, built by jobs and kept in the DB

Revision ID: 0018_report_jobs
Revises: 0017_sales_channel
Create Date: 2026-12-03 17:00:00.000000

Two new tables, nothing existing changes: `report_export` (one file asked for by one user, its
state, where it is stored and when it expires) and `reconciliation_run` (a period, its state,
and the reconciliation's result as JSON).
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_report_jobs"
down_revision = "0017_sales_channel"
branch_labels = None
depends_on = None

STATES = ("queued", "running", "done", "failed")


def _state(name: str) -> sa.Enum:
    return sa.Enum(*STATES, name=name, native_enum=False, create_constraint=True)


def upgrade():
    op.create_table(
        "report_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("report", sa.String(length=40), nullable=False),
        sa.Column("fmt", sa.String(length=4), nullable=False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("state", _state("export_state"), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("file_key", sa.String(length=200), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("fmt IN ('csv', 'xlsx')", name=op.f("ck_report_export_known_format")),
        sa.CheckConstraint(
            "state <> 'failed' OR error IS NOT NULL",
            name=op.f("ck_report_export_failed_has_reason"),
        ),
        sa.CheckConstraint(
            "state <> 'done' OR file_key IS NOT NULL", name=op.f("ck_report_export_done_has_file")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["user_account.id"],
            name=op.f("fk_report_export_requested_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_export")),
    )
    with op.batch_alter_table("report_export", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_export_requested_by_id"), ["requested_by_id"])
        batch_op.create_index(batch_op.f("ix_report_export_expires_at"), ["expires_at"])
    op.create_table(
        "reconciliation_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("state", _state("reconciliation_state"), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "first_day <= last_day", name=op.f("ck_reconciliation_run_period_in_order")
        ),
        sa.CheckConstraint(
            "state <> 'failed' OR error IS NOT NULL",
            name=op.f("ck_reconciliation_run_failed_has_reason"),
        ),
        sa.CheckConstraint(
            "state <> 'done' OR result IS NOT NULL",
            name=op.f("ck_reconciliation_run_done_has_result"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["user_account.id"],
            name=op.f("fk_reconciliation_run_requested_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliation_run")),
    )
    with op.batch_alter_table("reconciliation_run", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reconciliation_run_requested_by_id"), ["requested_by_id"]
        )


def downgrade():
    # Stored export files are left to the storage; without their rows nothing serves them.
    with op.batch_alter_table("reconciliation_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reconciliation_run_requested_by_id"))
    op.drop_table("reconciliation_run")
    with op.batch_alter_table("report_export", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_export_expires_at"))
        batch_op.drop_index(batch_op.f("ix_report_export_requested_by_id"))
    op.drop_table("report_export")
