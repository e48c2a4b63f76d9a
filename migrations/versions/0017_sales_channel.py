"""sales channel: online, showroom, event or b2b, on orders and on every ledger entry

Revision ID: 0017_sales_channel
Revises: 0016_slow_jobs
Create Date: 2026-12-03 17:00:00.000000

Every existing order and entry was an online sale, which the column's default says. The
column is added in place (no batch rebuild), so the ledger's append-only triggers stay as
they are on SQLite. The reports' covering indexes are rebuilt to carry the channel.
"""

from alembic import op

revision = "0017_sales_channel"
down_revision = "0016_slow_jobs"
branch_labels = None
depends_on = None

CHANNELS = "'online', 'showroom', 'event', 'b2b'"
TABLES = ("shop_order", "ledger_entry")
OLD_REPORT_COLUMNS = [
    "kind", "category_id", "order_id", "quantity", "amount_idr", "pnbp_idr", "premi_idr",
    "capital_idr",
]  # fmt: skip
NEW_REPORT_COLUMNS = ["kind", "channel", *OLD_REPORT_COLUMNS[1:]]
REPORT_INDEXES = {
    "ix_ledger_entry_report_local_date": ["local_date", "facility_id", "kanwil_id"],
    "ix_ledger_entry_report_kanwil": ["kanwil_id", "local_date", "facility_id"],
    "ix_ledger_entry_report_facility": ["facility_id", "local_date", "kanwil_id"],
}


def _rebuild_report_indexes(columns: list[str]) -> None:
    for name, leading in REPORT_INDEXES.items():
        op.drop_index(name, table_name="ledger_entry")
        op.create_index(name, "ledger_entry", [*leading, *columns])


def upgrade():
    for table in TABLES:
        # Plain SQL that both engines read alike: a column-level CHECK keeps the values right
        # without SQLite rebuilding the table.
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN channel VARCHAR(8) DEFAULT 'online' NOT NULL "
            f"CONSTRAINT ck_{table}_sales_channel CHECK (channel IN ({CHANNELS}))"
        )
    _rebuild_report_indexes(NEW_REPORT_COLUMNS)


def downgrade():
    _rebuild_report_indexes(OLD_REPORT_COLUMNS)
    for table in TABLES:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"ALTER TABLE {table} DROP CONSTRAINT ck_{table}_sales_channel")
        op.execute(f"ALTER TABLE {table} DROP COLUMN channel")
