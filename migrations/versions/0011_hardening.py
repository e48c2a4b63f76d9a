"""hardening: session generation per user; the cart and client address of an order

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(
            sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("shop_order") as batch:
        batch.add_column(sa.Column("cart_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("client_address", sa.String(length=45), server_default="", nullable=False)
        )
        batch.create_foreign_key(
            batch.f("fk_shop_order_cart_id_cart"), "cart", ["cart_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index(batch.f("ix_shop_order_cart_id"), ["cart_id"])
        batch.create_index("ix_shop_order_client_address_status", ["client_address", "status"])
        batch.create_index("ix_shop_order_buyer_email_status", ["buyer_email", "status"])


def downgrade():
    with op.batch_alter_table("shop_order") as batch:
        batch.drop_index("ix_shop_order_buyer_email_status")
        batch.drop_index("ix_shop_order_client_address_status")
        batch.drop_index(batch.f("ix_shop_order_cart_id"))
        batch.drop_constraint(batch.f("fk_shop_order_cart_id_cart"), type_="foreignkey")
        batch.drop_column("client_address")
        batch.drop_column("cart_id")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("session_generation")
