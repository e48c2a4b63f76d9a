"""partner keys: keys of the public read API (only their hash) and their use per day

Revision ID: 0019_partner_keys
Revises: 0018_report_jobs
Create Date: 2026-12-03 17:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_partner_keys"
down_revision = "0018_report_jobs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "partner_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("contact", sa.String(length=254), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("name <> ''", name=op.f("ck_partner_key_name_not_empty")),
        sa.CheckConstraint("length(key_hash) = 64", name=op.f("ck_partner_key_key_hash_is_sha256")),
        sa.CheckConstraint(
            "(revoked_at IS NULL) OR (revoked_at >= created_at)",
            name=op.f("ck_partner_key_revoked_after_created"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_partner_key_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"],
            ["user_account.id"],
            name=op.f("fk_partner_key_revoked_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_key")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_partner_key_key_hash")),
    )
    op.create_table(
        "partner_key_usage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("limited", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "requests >= 0 AND limited >= 0",
            name=op.f("ck_partner_key_usage_counts_not_negative"),
        ),
        sa.CheckConstraint(
            "limited <= requests", name=op.f("ck_partner_key_usage_limited_within_requests")
        ),
        sa.ForeignKeyConstraint(
            ["key_id"],
            ["partner_key.id"],
            name=op.f("fk_partner_key_usage_key_id_partner_key"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_key_usage")),
        sa.UniqueConstraint("key_id", "day", name=op.f("uq_partner_key_usage_key_id_day")),
    )


def downgrade():
    op.drop_table("partner_key_usage")
    op.drop_table("partner_key")
