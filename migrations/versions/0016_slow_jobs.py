"""slow jobs: a photo's processing state and failure reason; import runs with their progress

Revision ID: 0016_slow_jobs
Revises: 0015_outbox
Create Date: 2026-12-03 14:00:00.000000

Every existing photo already has its renditions, so it starts "ready". No trigger sits on
product_image, so SQLite's batch rebuild of the table has nothing to recreate.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_slow_jobs"
down_revision = "0015_outbox"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "import_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "queued",
                "running",
                "done",
                "failed",
                name="import_state",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("csv_key", sa.String(length=200), nullable=False),
        sa.Column("zip_key", sa.String(length=200), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("products", sa.Integer(), nullable=False),
        sa.Column("variants", sa.Integer(), nullable=False),
        sa.Column("photos", sa.Integer(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("done <= total", name=op.f("ck_import_run_done_within_total")),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["facility.id"], name=op.f("fk_import_run_facility_id_facility")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["user_account.id"],
            name=op.f("fk_import_run_requested_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_run")),
    )
    with op.batch_alter_table("import_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_run_facility_id"), ["facility_id"])
        batch_op.create_index(batch_op.f("ix_import_run_requested_by_id"), ["requested_by_id"])
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
    with op.batch_alter_table("import_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_run_requested_by_id"))
        batch_op.drop_index(batch_op.f("ix_import_run_facility_id"))
    op.drop_table("import_run")
