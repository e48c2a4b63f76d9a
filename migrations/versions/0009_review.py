"""review that cannot be bypassed: per-photo decisions, text revisions, private photo files

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 09:37:09.056441

Besides the schema, the upgrade moves photo files: every rendition gets its private copy under
`private/img/...`, and the public copy under `img/...` stays only for approved photos of products
that are not archived (the same as `flask shop sync-photos`, which may be run again at any time).
It reads the storage (UPLOAD_DIR or S3_BUCKET) from the app's configuration.
"""

import json

import sqlalchemy as sa
from alembic import op
from flask import current_app

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "product_text_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("alt_texts", sa.JSON(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "pending", "approved", "rejected", "withdrawn", name="text_revision_state",
                native_enum=False, create_constraint=True, length=9,
            ),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("name <> ''", name=op.f("ck_product_text_revision_name_not_empty")),
        sa.CheckConstraint(
            "state <> 'rejected' OR rejection_reason IS NOT NULL",
            name=op.f("ck_product_text_revision_rejected_has_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"],
            name=op.f("fk_product_text_revision_created_by_id_user_account"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"],
            name=op.f("fk_product_text_revision_product_id_product"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["user_account.id"],
            name=op.f("fk_product_text_revision_reviewer_id_user_account"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_text_revision")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_product_text_revision_product_id"), "product_text_revision", ["product_id"]
    )
    op.create_index(
        "uq_product_text_revision_one_pending",
        "product_text_revision",
        ["product_id"],
        unique=True,
        sqlite_where=sa.text("state = 'pending'"),
        postgresql_where=sa.text("state = 'pending'"),
    )
    with op.batch_alter_table("product_image") as batch_op:
        batch_op.add_column(sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("rejection_reason", sa.Text(), nullable=True))
    # Pending photos of a product waiting in the queue were submitted with it.
    op.execute(
        "UPDATE product_image SET submitted_at = ("
        " SELECT product.submitted_at FROM product WHERE product.id = product_image.product_id)"
        " WHERE review_state = 'pending' AND product_id IN ("
        "  SELECT id FROM product WHERE submitted_at IS NOT NULL"
        "  AND (reviewed_at IS NULL OR reviewed_at < submitted_at))"
    )
    op.execute(
        "UPDATE product_image SET rejection_reason = 'Ditolak sebelum pemeriksaan per foto.'"
        " WHERE review_state = 'rejected' AND rejection_reason IS NULL"
    )
    with op.batch_alter_table("product_image") as batch_op:
        batch_op.create_check_constraint(
            "rejected_has_reason", "review_state <> 'rejected' OR rejection_reason IS NOT NULL"
        )
    _place_files(public_only_when_approved=True)


def downgrade():
    # The old code shows every photo through its public key: put the copies back first.
    _place_files(public_only_when_approved=False)
    with op.batch_alter_table("product_image") as batch_op:
        batch_op.drop_constraint("rejected_has_reason", type_="check")
        batch_op.drop_column("rejection_reason")
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("submitted_at")
    op.drop_index("uq_product_text_revision_one_pending", table_name="product_text_revision")
    op.drop_index(op.f("ix_product_text_revision_product_id"), table_name="product_text_revision")
    op.drop_table("product_text_revision")


def _place_files(*, public_only_when_approved: bool) -> None:
    from shop.catalogue.photo_files import PhotoFiles, place
    from shop.core.storage import storage_from_config

    rows = op.get_bind().execute(
        sa.text(
            "SELECT product_image.renditions, product_image.review_state, product.status"
            " FROM product_image JOIN product ON product.id = product_image.product_id"
        )
    )
    photos = []
    for renditions, review_state, status in rows:
        listed = json.loads(renditions) if isinstance(renditions, str) else renditions
        public = not public_only_when_approved or (
            review_state == "approved" and status != "archived"
        )
        photos.append(PhotoFiles(keys=tuple(r["key"] for r in listed or []), public=public))
    if not photos:
        return
    keep_public = {key for photo in photos if photo.public for key in photo.keys}
    place(storage_from_config(current_app.config), photos, keep_public=keep_public)
