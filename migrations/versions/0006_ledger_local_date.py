"""ledger entries carry the facility's local day, for reports by period

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 11:40:00.000000

"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _backfill() -> None:
    """Existing entries get the day of their moment in their Kanwil's time zone."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT ledger_entry.id, ledger_entry.occurred_at, kanwil.timezone "
            "FROM ledger_entry JOIN kanwil ON kanwil.id = ledger_entry.kanwil_id"
        )
    ).all()
    for entry_id, occurred_at, timezone in rows:
        if isinstance(occurred_at, str):
            occurred_at = datetime.fromisoformat(occurred_at)
        if occurred_at.tzinfo is None:
            occurred_at = occurred_at.replace(tzinfo=UTC)
        connection.execute(
            sa.text("UPDATE ledger_entry SET local_date = :day WHERE id = :id"),
            {"day": occurred_at.astimezone(ZoneInfo(timezone)).date(), "id": entry_id},
        )


def upgrade():
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("local_date", sa.Date(), nullable=True))
    _backfill()
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.alter_column("local_date", existing_type=sa.Date(), nullable=False)
        batch_op.create_index("ix_ledger_entry_local_date", ["local_date"], unique=False)
        batch_op.create_index(
            "ix_ledger_entry_facility_local_date", ["facility_id", "local_date"], unique=False
        )
        batch_op.create_index(
            "ix_ledger_entry_kanwil_local_date", ["kanwil_id", "local_date"], unique=False
        )


def downgrade():
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_entry_kanwil_local_date")
        batch_op.drop_index("ix_ledger_entry_facility_local_date")
        batch_op.drop_index("ix_ledger_entry_local_date")
        batch_op.drop_column("local_date")
