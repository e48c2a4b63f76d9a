"""The national catalogue: categories, products, their variants and photos."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.models.base import Base, TimestampMixin, enum_column

if TYPE_CHECKING:
    from shop.models.accounts import User
    from shop.models.facilities import Facility, Workshop


class ProductStatus(enum.StrEnum):
    DRAFT = "draft"
    PENDING_REVIEW = "pending_review"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class ImageReviewState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class PhotoProcessing(enum.StrEnum):
    """Where a photo's renditions are: a job makes them from the original after the upload."""

    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


class Category(Base, TimestampMixin):
    """A node of the national taxonomy, named in Indonesian and English."""

    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("category.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    # Food must show its permits (PIRT, halal, shelf life); the flag decides where they appear.
    is_food: Mapped[bool] = mapped_column(default=False)

    parent: Mapped[Category | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Category]] = relationship(
        back_populates="parent", order_by="Category.position"
    )

    __table_args__ = (
        sa.CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )

    def display_name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name

    def __repr__(self) -> str:
        return f"<Category {self.slug}>"


class Product(Base, TimestampMixin):
    """A product of one facility, sold in one or more variants."""

    __tablename__ = "product"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id"), index=True)
    workshop_id: Mapped[int | None] = mapped_column(index=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("category.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    slug: Mapped[str] = mapped_column(sa.String(200), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[ProductStatus] = mapped_column(
        enum_column(ProductStatus, "product_status"), default=ProductStatus.DRAFT, index=True
    )
    is_flagship: Mapped[bool] = mapped_column(default=False)
    made_to_order: Mapped[bool] = mapped_column(default=False)
    lead_time_days: Mapped[int | None]
    weight_grams: Mapped[int]
    pirt_number: Mapped[str | None] = mapped_column(sa.String(40))
    halal_certificate: Mapped[str | None] = mapped_column(sa.String(60))
    shelf_life_days: Mapped[int | None]
    # Indexed: the catalogue's default order is newest first.
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    # The lowest and highest variant price, kept by database triggers (migration 0013) so that
    # price filters and sorts read one indexed column instead of aggregating every variant.
    min_price_idr: Mapped[int] = mapped_column(
        sa.BigInteger, default=0, server_default="0", index=True
    )
    max_price_idr: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    # Review: the last submission and the last decision; the queue holds products whose
    # submission is newer than their decision. A rejection's reason is shown to the staff.
    submitted_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    reviewer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)

    facility: Mapped[Facility] = relationship(back_populates="products")
    workshop: Mapped[Workshop | None] = relationship(
        foreign_keys=[workshop_id],
        primaryjoin="Product.workshop_id == Workshop.id",
        viewonly=True,
    )
    category: Mapped[Category] = relationship()
    reviewer: Mapped[User | None] = relationship()
    variants: Mapped[list[ProductVariant]] = relationship(
        back_populates="product", order_by="ProductVariant.position", cascade="all, delete-orphan"
    )
    images: Mapped[list[ProductImage]] = relationship(
        back_populates="product", order_by="ProductImage.position", cascade="all, delete-orphan"
    )
    pending_revision: Mapped[ProductTextRevision | None] = relationship(
        primaryjoin="and_(ProductTextRevision.product_id == Product.id,"
        " ProductTextRevision.state == 'pending')",
        viewonly=True,
        uselist=False,
    )

    __table_args__ = (
        sa.ForeignKeyConstraint(
            ["workshop_id", "facility_id"],
            ["workshop.id", "workshop.facility_id"],
            name="fk_product_workshop_of_facility",
        ),
        sa.CheckConstraint("weight_grams > 0", name="weight_positive"),
        sa.CheckConstraint(
            "(made_to_order AND COALESCE(lead_time_days, 0) > 0)"
            " OR (NOT made_to_order AND lead_time_days IS NULL)",
            name="lead_time_when_made_to_order",
        ),
        sa.CheckConstraint(
            "shelf_life_days IS NULL OR shelf_life_days > 0", name="shelf_life_positive"
        ),
        sa.CheckConstraint("slug <> ''", name="slug_not_empty"),
        sa.CheckConstraint(
            "status <> 'published' OR published_at IS NOT NULL", name="published_has_date"
        ),
        sa.CheckConstraint(
            "status <> 'pending_review' OR submitted_at IS NOT NULL", name="pending_was_submitted"
        ),
        # Related products and a facility's page read the newest of one category or facility,
        # flagships first, straight from these indexes instead of sorting the catalogue.
        sa.Index("ix_product_category_listing", "category_id", "is_flagship", "published_at", "id"),
        sa.Index("ix_product_facility_listing", "facility_id", "is_flagship", "published_at", "id"),
    )

    @property
    def was_published(self) -> bool:
        """Published at least once: such a product is archived, never deleted."""
        return self.published_at is not None

    @property
    def awaiting_review(self) -> bool:
        """In a reviewer's queue: a new product, or submitted photos or new text of a live one."""
        if self.status is ProductStatus.PENDING_REVIEW:
            return True
        if self.status is not ProductStatus.PUBLISHED:
            return False
        return bool(self.submitted_images) or self.pending_revision is not None

    @property
    def pending_images(self) -> list[ProductImage]:
        return [i for i in self.images if i.review_state is ImageReviewState.PENDING]

    @property
    def submitted_images(self) -> list[ProductImage]:
        """Pending photos the staff submitted with the checklist: what a reviewer is shown."""
        return [i for i in self.pending_images if i.submitted_at is not None]

    @property
    def is_public(self) -> bool:
        return self.status is ProductStatus.PUBLISHED and self.facility.is_active

    @property
    def approved_images(self) -> list[ProductImage]:
        """Photos a buyer may see: approved, with their renditions made."""
        return [
            i
            for i in self.images
            if i.review_state is ImageReviewState.APPROVED and i.processing is PhotoProcessing.READY
        ]

    def __repr__(self) -> str:
        return f"<Product {self.slug}>"


class CatalogueVersion(Base):
    """One row whose token changes with every change to a product, facility or category.

    Database triggers (migration 0013) write a new random token in the same transaction as the
    change, whoever makes it, so a count or list cached under the token read before a query is
    never older than the data. Stock levels do not change the token.
    """

    __tablename__ = "catalogue_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(40))


class ProductVariant(Base, TimestampMixin):
    """What a buyer actually puts in the cart: a SKU with its price and stock."""

    __tablename__ = "product_variant"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        sa.ForeignKey("product.id", ondelete="CASCADE"), index=True
    )
    sku: Mapped[str] = mapped_column(sa.String(64), unique=True)
    option_label: Mapped[str] = mapped_column(sa.String(80), default="")
    price_idr: Mapped[int] = mapped_column(sa.BigInteger)
    hpp_idr: Mapped[int | None] = mapped_column(sa.BigInteger)
    stock: Mapped[int] = mapped_column(default=0)
    # At or below this the back office marks the variant as running low.
    low_stock_threshold: Mapped[int] = mapped_column(default=2, server_default="2")
    position: Mapped[int] = mapped_column(default=0)

    product: Mapped[Product] = relationship(back_populates="variants")

    __table_args__ = (
        sa.CheckConstraint("price_idr > 0", name="price_positive"),
        sa.CheckConstraint("price_idr < 1000000000", name="price_below_stripe_limit"),
        sa.CheckConstraint("hpp_idr IS NULL OR hpp_idr >= 0", name="hpp_not_negative"),
        sa.CheckConstraint("stock >= 0", name="stock_not_negative"),
        sa.CheckConstraint("sku <> ''", name="sku_not_empty"),
        sa.CheckConstraint("low_stock_threshold >= 0", name="low_stock_threshold_not_negative"),
    )

    @property
    def is_low_on_stock(self) -> bool:
        return self.stock <= self.low_stock_threshold

    def __repr__(self) -> str:
        return f"<ProductVariant {self.sku}>"


class ProductImage(Base, TimestampMixin):
    """A photo of a product: a metadata-free master and its renditions, held until reviewed."""

    __tablename__ = "product_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        sa.ForeignKey("product.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    alt_text: Mapped[str] = mapped_column(sa.String(300))
    width: Mapped[int]
    height: Mapped[int]
    # Storage key of the cleaned master (no metadata, upright, sRGB) renditions are made from;
    # while the photo is processing, the key of the private original as uploaded.
    master_key: Mapped[str] = mapped_column(sa.String(200))
    # [{"width": 320, "height": 240, "format": "webp", "key": "img/ab/abcd….webp"}, ...]
    renditions: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    review_state: Mapped[ImageReviewState] = mapped_column(
        enum_column(ImageReviewState, "image_review_state"), default=ImageReviewState.PENDING
    )
    # Set when the staff submit the photo with the checklist: only then does a reviewer see it.
    submitted_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    # Why a reviewer refused this photo, shown to the staff.
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)
    processing: Mapped[PhotoProcessing] = mapped_column(
        enum_column(PhotoProcessing, "photo_processing"),
        default=PhotoProcessing.READY,
        server_default=PhotoProcessing.READY.value,
    )
    # Why the renditions could not be made (a damaged file, say), shown to the staff.
    processing_error: Mapped[str | None] = mapped_column(sa.Text)

    product: Mapped[Product] = relationship(back_populates="images")

    __table_args__ = (
        sa.CheckConstraint("width > 0 AND height > 0", name="size_positive"),
        sa.CheckConstraint("alt_text <> ''", name="alt_text_required"),
        sa.CheckConstraint(
            "review_state <> 'rejected' OR rejection_reason IS NOT NULL",
            name="rejected_has_reason",
        ),
        sa.CheckConstraint(
            "processing <> 'failed' OR processing_error IS NOT NULL",
            name="failed_has_reason",
        ),
    )

    def renditions_of(self, image_format: str) -> list[dict[str, Any]]:
        return sorted(
            (r for r in self.renditions if r["format"] == image_format), key=lambda r: r["width"]
        )

    def __repr__(self) -> str:
        return f"<ProductImage {self.id} of product {self.product_id}>"


class TextRevisionState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    # Replaced by the live text again before anyone decided (the staff changed it back).
    WITHDRAWN = "withdrawn"


class ProductTextRevision(Base):
    """New name, description and alt texts of a published product, waiting for a reviewer.

    The product keeps selling under its last approved text meanwhile. At most one revision per
    product is pending (a partial unique index); a further edit changes that one.
    """

    __tablename__ = "product_text_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        sa.ForeignKey("product.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(160))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # {"<image id>": "new alt text"} for approved photos whose alt text changes.
    alt_texts: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    state: Mapped[TextRevisionState] = mapped_column(
        enum_column(TextRevisionState, "text_revision_state"), default=TextRevisionState.PENDING
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    reviewer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)

    product: Mapped[Product] = relationship()

    __table_args__ = (
        sa.Index(
            "uq_product_text_revision_one_pending",
            "product_id",
            unique=True,
            sqlite_where=sa.text("state = 'pending'"),
            postgresql_where=sa.text("state = 'pending'"),
        ),
        sa.CheckConstraint("name <> ''", name="name_not_empty"),
        sa.CheckConstraint(
            "state <> 'rejected' OR rejection_reason IS NOT NULL", name="rejected_has_reason"
        ),
    )


class ImportState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ImportRun(Base, TimestampMixin):
    """One bulk import from the back office, run by a job: its files, progress and result.

    The CSV and the photos' ZIP wait in private storage until the job reads them. `done` of
    `total` products have had their photos checked (the slow part); the import itself stays all
    or nothing, so `errors` (one {"line", "message"} per problem) means nothing was created.
    """

    __tablename__ = "import_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    state: Mapped[ImportState] = mapped_column(
        enum_column(ImportState, "import_state"), default=ImportState.QUEUED
    )
    csv_key: Mapped[str] = mapped_column(sa.String(200))
    zip_key: Mapped[str | None] = mapped_column(sa.String(200))
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    products: Mapped[int] = mapped_column(default=0)
    variants: Mapped[int] = mapped_column(default=0)
    photos: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    finished_at: Mapped[datetime | None]

    facility: Mapped[Facility] = relationship()
    requested_by: Mapped[User] = relationship()

    __table_args__ = (sa.CheckConstraint("done <= total", name="done_within_total"),)

    @property
    def finished(self) -> bool:
        return self.state in (ImportState.DONE, ImportState.FAILED)
