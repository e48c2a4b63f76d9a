"""labels: a provenance code per variant, and label scans counted per product and day

Revision ID: 0013_labels
Revises: 0012
Create Date: 2026-12-03 13:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0013_labels"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "variant_label",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("variant_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(code) >= 8", name=op.f("ck_variant_label_code_long_enough")),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["product_variant.id"],
            name=op.f("fk_variant_label_variant_id_product_variant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_variant_label")),
        sa.UniqueConstraint("code", name=op.f("uq_variant_label_code")),
        sa.UniqueConstraint("variant_id", name=op.f("uq_variant_label_variant_id")),
    )
    op.create_table(
        "label_scan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("scans", sa.Integer(), nullable=False),
        sa.CheckConstraint("scans >= 0", name=op.f("ck_label_scan_scans_not_negative")),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["facility.id"], name=op.f("fk_label_scan_facility_id_facility")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["product.id"],
            name=op.f("fk_label_scan_product_id_product"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_label_scan")),
        sa.UniqueConstraint("product_id", "day", name=op.f("uq_label_scan_product_id_day")),
    )
    with op.batch_alter_table("label_scan") as batch_op:
        batch_op.create_index(batch_op.f("ix_label_scan_facility_id"), ["facility_id"])
        batch_op.create_index(batch_op.f("ix_label_scan_product_id"), ["product_id"])


def downgrade() -> None:
    op.drop_table("label_scan")
    op.drop_table("variant_label")
