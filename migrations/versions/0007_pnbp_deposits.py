"""PNBP deposits recorded from SIMPONI, append-only, corrected by new rows

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 11:26:49.242863

"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pnbp_deposit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("kanwil_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("billing_code", sa.String(length=15), nullable=True),
        sa.Column("ntpn", sa.String(length=16), nullable=True),
        sa.Column("amount_idr", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("is_void", sa.Boolean(), nullable=False),
        sa.Column("proof_key", sa.String(length=255), nullable=True),
        sa.Column("proof_content_type", sa.String(length=50), nullable=True),
        sa.Column("proof_filename", sa.String(length=255), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(is_void AND amount_idr = 0 AND corrects_id IS NOT NULL AND billing_code IS NULL"
            " AND ntpn IS NULL AND paid_on IS NULL AND proof_key IS NULL)"
            " OR (NOT is_void AND amount_idr > 0 AND billing_code IS NOT NULL"
            " AND ntpn IS NOT NULL AND paid_on IS NOT NULL AND proof_key IS NOT NULL)",
            name=op.f("ck_pnbp_deposit_void_or_complete"),
        ),
        sa.CheckConstraint(
            "length(billing_code) = 15", name=op.f("ck_pnbp_deposit_billing_code_length")
        ),
        sa.CheckConstraint("length(ntpn) = 16", name=op.f("ck_pnbp_deposit_ntpn_length")),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_pnbp_deposit_period_order")),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["pnbp_deposit.id"],
            name=op.f("fk_pnbp_deposit_corrects_id_pnbp_deposit"),
        ),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["facility.id"], name=op.f("fk_pnbp_deposit_facility_id_facility")
        ),
        sa.ForeignKeyConstraint(
            ["kanwil_id"], ["kanwil.id"], name=op.f("fk_pnbp_deposit_kanwil_id_kanwil")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_pnbp_deposit_recorded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pnbp_deposit")),
        sa.UniqueConstraint("corrects_id", name=op.f("uq_pnbp_deposit_corrects_id")),
    )
    with op.batch_alter_table("pnbp_deposit", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pnbp_deposit_facility_period_end", ["facility_id", "period_end"], unique=False
        )
        batch_op.create_index(
            "ix_pnbp_deposit_kanwil_period_end", ["kanwil_id", "period_end"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_pnbp_deposit_ntpn"), ["ntpn"], unique=False)


def downgrade():
    with op.batch_alter_table("pnbp_deposit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pnbp_deposit_ntpn"))
        batch_op.drop_index("ix_pnbp_deposit_kanwil_period_end")
        batch_op.drop_index("ix_pnbp_deposit_facility_period_end")

    op.drop_table("pnbp_deposit")
