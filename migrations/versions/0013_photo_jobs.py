"""photo jobs: a photo's renditions are made by a job; its processing state and failure reason

Revision ID: 0013_photo_jobs
Revises: 0012
Create Date: 2026-12-03 14:00:00.000000

Every existing photo already has its renditions, so it starts "ready". No trigger sits on
product_image, so SQLite's batch rebuild of the table has nothing to recreate.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_photo_jobs"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("product_image", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("processing", sa.String(length=10), server_default="ready", nullable=False)
        )
        batch_op.add_column(sa.Column("processing_error", sa.Text(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_product_image_photo_processing"),
            "processing IN ('processing', 'ready', 'failed')",
        )
        batch_op.create_check_constraint(
            "failed_has_reason", "processing <> 'failed' OR processing_error IS NOT NULL"
        )


def downgrade():
    # The old code knows no photo without renditions: those still waiting or failed go.
    op.execute("DELETE FROM product_image WHERE processing <> 'ready'")
    with op.batch_alter_table("product_image", schema=None) as batch_op:
        batch_op.drop_constraint("failed_has_reason", type_="check")
        batch_op.drop_constraint(op.f("ck_product_image_photo_processing"), type_="check")
        batch_op.drop_column("processing_error")
        batch_op.drop_column("processing")
