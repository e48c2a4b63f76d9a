"""covering indexes on ledger_entry for the reports

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 12:55:00.000000

"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

REPORT_COLUMNS = [
    "kind", "category_id", "order_id", "quantity", "amount_idr", "pnbp_idr", "premi_idr",
    "capital_idr",
]  # fmt: skip


def upgrade():
    op.create_index(
        "ix_ledger_entry_report_local_date",
        "ledger_entry",
        ["local_date", "facility_id", "kanwil_id", *REPORT_COLUMNS],
    )
    op.create_index(
        "ix_ledger_entry_report_kanwil",
        "ledger_entry",
        ["kanwil_id", "local_date", "facility_id", *REPORT_COLUMNS],
    )
    op.create_index(
        "ix_ledger_entry_report_facility",
        "ledger_entry",
        ["facility_id", "local_date", "kanwil_id", *REPORT_COLUMNS],
    )
    op.create_index(
        "ix_ledger_entry_kind_local_date_facility",
        "ledger_entry",
        ["kind", "local_date", "facility_id"],
    )


def downgrade():
    op.drop_index("ix_ledger_entry_kind_local_date_facility", table_name="ledger_entry")
    op.drop_index("ix_ledger_entry_report_facility", table_name="ledger_entry")
    op.drop_index("ix_ledger_entry_report_kanwil", table_name="ledger_entry")
    op.drop_index("ix_ledger_entry_report_local_date", table_name="ledger_entry")
