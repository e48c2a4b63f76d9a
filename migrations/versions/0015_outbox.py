"""outbox: mail stored with the change it is about; the last runs of the scheduled tasks

Revision ID: 0015_outbox
Revises: 0014_speed
Create Date: 2026-12-03 14:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0015_outbox"
down_revision = "0014_speed"
branch_labels = None
depends_on = None

STATUS = sa.Enum(
    "pending", "sent", "failed", name="mail_status", native_enum=False, create_constraint=True,
    length=7,
)  # fmt: skip


def upgrade():
    op.create_table(
        "outbox_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template", sa.String(length=80), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_outbox_mail_attempts_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_mail")),
    )
    with op.batch_alter_table("outbox_mail") as batch:
        batch.create_index(batch.f("ix_outbox_mail_template"), ["template"])
        batch.create_index(batch.f("ix_outbox_mail_created_at"), ["created_at"])
        batch.create_index("ix_outbox_mail_status_next_attempt_at", ["status", "next_attempt_at"])
    op.create_table(
        "scheduled_run",
        sa.Column("task", sa.String(length=40), nullable=False),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("task", name=op.f("pk_scheduled_run")),
    )
    # The daily pruning reads carts and webhook events by age.
    op.create_index(op.f("ix_cart_updated_at"), "cart", ["updated_at"])
    op.create_index(op.f("ix_webhook_event_received_at"), "webhook_event", ["received_at"])


def downgrade():
    op.drop_index(op.f("ix_webhook_event_received_at"), table_name="webhook_event")
    op.drop_index(op.f("ix_cart_updated_at"), table_name="cart")
    op.drop_table("scheduled_run")
    op.drop_table("outbox_mail")
