"""stock movements written by the shop itself: online sales, released holds, refunds

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:40:00.000000

"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OLD = ("initial", "produced", "sold_showroom", "sold_fair", "damaged", "correction", "imported")
NEW = (*OLD, "sold_online", "released", "refund")


def _allow(reasons: tuple[str, ...]) -> None:
    listed = ", ".join(f"'{r}'" for r in reasons)
    with op.batch_alter_table("stock_movement", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_stock_movement_stock_reason"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_stock_movement_stock_reason"), f"reason IN ({listed})"
        )


def upgrade():
    _allow(NEW)


def downgrade():
    op.execute("DELETE FROM stock_movement WHERE reason IN ('sold_online', 'released', 'refund')")
    _allow(OLD)
