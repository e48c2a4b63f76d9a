"""duplicate payments: one completed attempt per order; a second paid session is refunded

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 11:15:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

OLD = ("open", "completed", "failed", "expired")
NEW = (*OLD, "duplicate")


def _check_existing_rows() -> None:
    """Stop before any change when an order already has two completed attempts."""
    rows = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT order_id, count(*) FROM payment_attempt WHERE status = 'completed' "
                "GROUP BY order_id HAVING count(*) > 1"
            )
        )
        .all()
    )
    if rows:
        shown = "; ".join(f"order {row[0]}: {row[1]} completed attempts" for row in rows[:10])
        raise RuntimeError(
            "migration 0012 stopped, nothing changed: orders with more than one completed "
            "payment attempt. Refund the second payment at the gateway and set its attempt's "
            "status to 'failed' by hand (or 'duplicate' after this migration), then run the "
            f"upgrade again.\n{shown}"
        )


def _allow(statuses: tuple[str, ...]) -> None:
    listed = ", ".join(f"'{s}'" for s in statuses)
    with op.batch_alter_table("payment_attempt", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_payment_attempt_attempt_status"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_payment_attempt_attempt_status"), f"status IN ({listed})"
        )


def upgrade():
    _check_existing_rows()
    _allow(NEW)
    with op.batch_alter_table("payment_attempt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("duplicate_refund_id", sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_payment_attempt_duplicate_refund_id"), ["duplicate_refund_id"]
        )
    op.create_index(
        "uq_payment_attempt_completed_order_id",
        "payment_attempt",
        ["order_id"],
        unique=True,
        sqlite_where=sa.text("status = 'completed'"),
        postgresql_where=sa.text("status = 'completed'"),
    )


def downgrade():
    op.drop_index("uq_payment_attempt_completed_order_id", table_name="payment_attempt")
    with op.batch_alter_table("payment_attempt", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_payment_attempt_duplicate_refund_id"), type_="unique"
        )
        batch_op.drop_column("duplicate_refund_id")
    op.execute("UPDATE payment_attempt SET status = 'failed' WHERE status = 'duplicate'")
    _allow(OLD)
