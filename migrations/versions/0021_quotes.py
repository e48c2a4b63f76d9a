"""quotes: institutions' quote requests, one part per facility, lines, and bank transfers

Revision ID: 0021_quotes
Revises: 0020_tills
Create Date: 2026-12-03 17:30:00.000000

New tables only; nothing existing changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_quotes"
down_revision = "0020_tills"
branch_labels = None
depends_on = None

STATUS = sa.Enum(
    "requested", "answered", "declined", "accepted", "expired", name="quote_status",
    native_enum=False, create_constraint=True, length=9,
)  # fmt: skip
WHEN = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "quote_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("organisation", sa.String(length=160), nullable=False),
        sa.Column("contact_name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("npwp", sa.String(length=16), nullable=False),
        sa.Column("address_line", sa.Text(), nullable=False),
        sa.Column("city", sa.String(length=80), nullable=False),
        sa.Column("province", sa.String(length=80), nullable=False),
        sa.Column("postal_code", sa.String(length=10), nullable=False),
        sa.Column("wished_date", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("answers_mailed_at", WHEN, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.CheckConstraint(
            "npwp = '' OR length(npwp) IN (15, 16)", name=op.f("ck_quote_request_npwp_length")
        ),
        sa.CheckConstraint(
            "organisation <> '' AND contact_name <> ''", name=op.f("ck_quote_request_names_given")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote_request")),
        sa.UniqueConstraint("number", name=op.f("uq_quote_request_number")),
        sa.UniqueConstraint("token", name=op.f("uq_quote_request_token")),
    )
    op.create_index(op.f("ix_quote_request_email"), "quote_request", ["email"])
    op.create_table(
        "quote_part",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quote_request_id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=True),
        sa.Column("delivery_idr", sa.BigInteger(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("answer_notes", sa.Text(), nullable=False),
        sa.Column("decline_reason", sa.Text(), nullable=False),
        sa.Column("answered_at", WHEN, nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("accepted_at", WHEN, nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.CheckConstraint(
            "status NOT IN ('answered', 'accepted', 'expired') OR (lead_time_days IS NOT NULL"
            " AND delivery_idr IS NOT NULL AND valid_until IS NOT NULL)",
            name=op.f("ck_quote_part_answer_complete"),
        ),
        sa.CheckConstraint(
            "status <> 'declined' OR decline_reason <> ''", name=op.f("ck_quote_part_reason_given")
        ),
        sa.CheckConstraint(
            "status <> 'accepted' OR order_id IS NOT NULL",
            name=op.f("ck_quote_part_accepted_order"),
        ),
        sa.CheckConstraint(
            "lead_time_days IS NULL OR lead_time_days >= 0",
            name=op.f("ck_quote_part_lead_time_not_negative"),
        ),
        sa.CheckConstraint(
            "delivery_idr IS NULL OR delivery_idr >= 0", name=op.f("ck_quote_part_delivery_valid")
        ),
        sa.ForeignKeyConstraint(
            ["quote_request_id"],
            ["quote_request.id"],
            name=op.f("fk_quote_part_quote_request_id_quote_request"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["facility.id"], name=op.f("fk_quote_part_facility_id_facility")
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["user_account.id"],
            name=op.f("fk_quote_part_answered_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["shop_order.id"],
            name=op.f("fk_quote_part_order_id_shop_order"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote_part")),
        sa.UniqueConstraint(
            "quote_request_id",
            "facility_id",
            name=op.f("uq_quote_part_quote_request_id_facility_id"),
        ),
    )
    for column in ("quote_request_id", "facility_id", "status", "order_id"):
        op.create_index(op.f(f"ix_quote_part_{column}"), "quote_part", [column])
    op.create_table(
        "quote_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quote_part_id", sa.Integer(), nullable=False),
        sa.Column("variant_id", sa.Integer(), nullable=True),
        sa.Column("product_name", sa.String(length=160), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("option_label", sa.String(length=80), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("catalogue_price_idr", sa.BigInteger(), nullable=False),
        sa.Column("unit_price_idr", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_quote_line_quantity_positive")),
        sa.CheckConstraint(
            "unit_price_idr IS NULL OR unit_price_idr > 0",
            name=op.f("ck_quote_line_unit_price_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["quote_part_id"],
            ["quote_part.id"],
            name=op.f("fk_quote_line_quote_part_id_quote_part"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["product_variant.id"],
            name=op.f("fk_quote_line_variant_id_product_variant"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote_line")),
    )
    op.create_index(op.f("ix_quote_line_quote_part_id"), "quote_line", ["quote_part_id"])
    op.create_index(op.f("ix_quote_line_variant_id"), "quote_line", ["variant_id"])
    op.create_table(
        "quote_transfer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quote_request_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("amount_idr", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=False),
        sa.Column("transferred_on", sa.Date(), nullable=False),
        sa.Column("proof_key", sa.String(length=255), nullable=False),
        sa.Column("proof_content_type", sa.String(length=40), nullable=False),
        sa.Column("proof_filename", sa.String(length=200), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", WHEN, nullable=False),
        sa.CheckConstraint("amount_idr > 0", name=op.f("ck_quote_transfer_amount_positive")),
        sa.CheckConstraint("reference <> ''", name=op.f("ck_quote_transfer_reference_given")),
        sa.ForeignKeyConstraint(
            ["quote_request_id"],
            ["quote_request.id"],
            name=op.f("fk_quote_transfer_quote_request_id_quote_request"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["shop_order.id"],
            name=op.f("fk_quote_transfer_order_id_shop_order"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_quote_transfer_recorded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote_transfer")),
        sa.UniqueConstraint("order_id", name=op.f("uq_quote_transfer_order_id")),
    )
    op.create_index(
        op.f("ix_quote_transfer_quote_request_id"), "quote_transfer", ["quote_request_id"]
    )


def downgrade():
    op.drop_table("quote_transfer")
    op.drop_table("quote_line")
    op.drop_table("quote_part")
    op.drop_table("quote_request")
