"""ledger and PNBP deposits append-only in the database; no double posting; one national rule
per day

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 09:50:00.000000

Triggers refuse UPDATE and DELETE of `ledger_entry` and `pnbp_deposit` rows whatever the client
(TRUNCATE is not refused: the test fixtures empty tables with it, and it is no row change).
Foreign keys out of both tables become RESTRICT, so the database never rewrites their rows
(`SET NULL`) or deletes them. Partial unique indexes make a second posting of the same sale,
shipping, fee share, refund entry or reversal impossible. The upgrade checks existing rows first
and stops with a message that names what to repair.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

APPEND_ONLY = {
    "ledger_entry": "add a new entry (a refund or reversal) instead",
    "pnbp_deposit": "record a correction instead",
}

# (constraint, table, column, referred table, ondelete before this revision)
FOREIGN_KEYS = [
    ("fk_ledger_entry_facility_id_facility", "ledger_entry", "facility_id", "facility", None),
    ("fk_ledger_entry_kanwil_id_kanwil", "ledger_entry", "kanwil_id", "kanwil", None),
    ("fk_ledger_entry_order_id_shop_order", "ledger_entry", "order_id", "shop_order", None),
    ("fk_ledger_entry_facility_order_id_facility_order", "ledger_entry", "facility_order_id",
     "facility_order", None),
    ("fk_ledger_entry_order_line_id_order_line", "ledger_entry", "order_line_id", "order_line",
     None),
    ("fk_ledger_entry_product_id_product", "ledger_entry", "product_id", "product", "SET NULL"),
    ("fk_ledger_entry_category_id_category", "ledger_entry", "category_id", "category",
     "SET NULL"),
    ("fk_ledger_entry_refund_id_refund", "ledger_entry", "refund_id", "refund", None),
    ("fk_ledger_entry_reverses_entry_id_ledger_entry", "ledger_entry", "reverses_entry_id",
     "ledger_entry", None),
    ("fk_ledger_entry_split_rule_id_revenue_split_rule", "ledger_entry", "split_rule_id",
     "revenue_split_rule", None),
    ("fk_pnbp_deposit_facility_id_facility", "pnbp_deposit", "facility_id", "facility", None),
    ("fk_pnbp_deposit_kanwil_id_kanwil", "pnbp_deposit", "kanwil_id", "kanwil", None),
    ("fk_pnbp_deposit_corrects_id_pnbp_deposit", "pnbp_deposit", "corrects_id", "pnbp_deposit",
     None),
    ("fk_pnbp_deposit_recorded_by_id_user_account", "pnbp_deposit", "recorded_by_id",
     "user_account", "SET NULL"),
]  # fmt: skip

# (index, table, columns, WHERE, what a duplicate means)
UNIQUE_INDEXES = [
    ("uq_ledger_entry_sale_line", "ledger_entry", ["order_line_id"], "kind = 'sale'",
     "an order line posted as a sale more than once"),
    ("uq_ledger_entry_shipping_part", "ledger_entry", ["facility_order_id"], "kind = 'shipping'",
     "a part's shipping posted more than once"),
    ("uq_ledger_entry_fee_part", "ledger_entry", ["facility_order_id", "balance_transaction_id"],
     "kind = 'stripe_fee'", "a Stripe fee share posted more than once"),
    ("uq_ledger_entry_refund_of", "ledger_entry", ["refund_id", "reverses_entry_id"],
     "kind = 'refund'", "a refund posted more than once against the same entry"),
    ("uq_ledger_entry_reversal_of", "ledger_entry", ["reverses_entry_id"], "kind = 'reversal'",
     "a failed refund reversed more than once"),
    ("uq_revenue_split_rule_national_valid_from", "revenue_split_rule", ["valid_from"],
     "facility_id IS NULL", "two national split rules valid from the same moment"),
]  # fmt: skip

PG_FUNCTION = """
CREATE FUNCTION refuse_append_only_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused; %', TG_TABLE_NAME, TG_OP, TG_ARGV[0]
        USING ERRCODE = 'restrict_violation';
END
$$
"""


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _check_existing_rows() -> None:
    """Stop before any change when existing rows already break a new rule."""
    connection = op.get_bind()
    problems = []
    for _name, table, columns, where, meaning in UNIQUE_INDEXES:
        cols = ", ".join(columns)
        not_null = " AND ".join(f"{c} IS NOT NULL" for c in columns if c != "valid_from")
        condition = f"{where} AND {not_null}" if not_null else where
        duplicates = connection.execute(
            sa.text(
                f"SELECT {cols}, count(*) FROM {table} WHERE {condition} "
                f"GROUP BY {cols} HAVING count(*) > 1"
            )
        ).all()
        if duplicates:
            shown = "; ".join(str(tuple(row)) for row in duplicates[:10])
            problems.append(f"{table}: {meaning} ({cols}, count): {shown}")
    if problems:
        raise RuntimeError(
            "migration 0010 stopped, nothing changed: existing rows break the new unique rules. "
            "Repair them by hand (a reviewed reversal, or by deleting the duplicate before the "
            "append-only triggers exist), then run the upgrade again.\n" + "\n".join(problems)
        )


def _set_foreign_keys(restrict: bool) -> None:
    for table in ("ledger_entry", "pnbp_deposit"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, fk_table, column, referred, before in FOREIGN_KEYS:
                if fk_table != table:
                    continue
                batch_op.drop_constraint(name, type_="foreignkey")
                batch_op.create_foreign_key(
                    name, referred, [column], ["id"], ondelete="RESTRICT" if restrict else before
                )


def _create_triggers() -> None:
    if _is_sqlite():
        for table, hint in APPEND_ONLY.items():
            for operation in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {operation} refused; "
                    f"{hint}'); END"
                )
        return
    op.execute(PG_FUNCTION)
    for table, hint in APPEND_ONLY.items():
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change('{hint}')"
        )


def _drop_triggers() -> None:
    if _is_sqlite():
        for table in APPEND_ONLY:
            for operation in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")
        return
    for table in APPEND_ONLY:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    op.execute("DROP FUNCTION IF EXISTS refuse_append_only_change()")


def upgrade():
    _check_existing_rows()
    _set_foreign_keys(restrict=True)
    for name, table, columns, where, _meaning in UNIQUE_INDEXES:
        op.create_index(
            name,
            table,
            columns,
            unique=True,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )
    # After the batch operations: a SQLite table rebuild drops the triggers of the old table.
    _create_triggers()


def downgrade():
    _drop_triggers()
    for name, table, _columns, _where, _meaning in reversed(UNIQUE_INDEXES):
        op.drop_index(name, table_name=table)
    _set_foreign_keys(restrict=False)
