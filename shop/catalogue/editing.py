"""Editing, archiving and deleting products from the back office, every change audited.

The name and description of a published product under review change through a pending text
revision (`shop.catalogue.text_revisions`): the public keeps the approved text until a reviewer
approves the new one. Archiving takes the photos' public copies down; restoring brings back
those of photos already approved.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from shop.accounts import scoping
from shop.catalogue import photo_files, review, review_mail, stock, text_revisions
from shop.catalogue import products as catalogue
from shop.catalogue.products import CatalogueError, ProductInput
from shop.core import audit, pagination, unit_of_work
from shop.core.i18n import lazy_gettext as _l
from shop.database import db
from shop.models import (
    Category,
    Facility,
    OrderLine,
    Product,
    ProductStatus,
    ProductVariant,
    StockReason,
    User,
)

AUDITED_FIELDS = (
    "name", "description", "category_id", "workshop_id", "weight_grams", "made_to_order",
    "lead_time_days", "pirt_number", "halal_certificate", "shelf_life_days", "is_flagship",
)  # fmt: skip


@dataclass(frozen=True)
class VariantEdit:
    """A variant as edited: `id` None for a new one. Stock changes go through stock movements."""

    id: int | None
    sku: str
    price_idr: int
    option_label: str = ""
    hpp_idr: int | None = None
    low_stock_threshold: int = 2
    initial_stock: int = 0


def create(*, facility: Facility, data: ProductInput, actor: User, now: datetime) -> Product:
    """A new draft; its initial stock is the first stock movement of each variant."""
    opening = [v.stock for v in data.variants]
    zeroed = replace(data, variants=[replace(v, stock=0) for v in data.variants])
    if any(n < 0 for n in opening):
        raise CatalogueError(_l("Stok tidak boleh negatif."))
    product = catalogue.create_product(facility=facility, data=zeroed, actor=actor)
    for variant, quantity in zip(product.variants, opening, strict=True):
        if quantity:
            stock.record_movement(
                variant=variant, quantity=quantity, reason=StockReason.INITIAL, actor=actor, now=now
            )
    return product


def update(
    *, product: Product, data: ProductInput, variants: list[VariantEdit], actor: User, now: datetime
) -> Product:
    """Change a product's text, price and variants. A published product stays published.

    On a published product under review, a new name or description waits as a text revision.
    """
    catalogue.check_product_fields(product.facility, data)
    _check_variant_edits(product, variants)
    product = review.lock_product(product.id)
    before = _snapshot(product)
    queued = False
    if text_revisions.goes_to_review(product):
        _revision, queued = text_revisions.propose(
            product=product, actor=actor, now=now, name=data.name.strip(),
            description=data.description.strip(),
        )  # fmt: skip
    else:
        product.name = data.name.strip()
        product.description = data.description.strip()
    product.category = data.category
    product.workshop_id = data.workshop.id if data.workshop else None
    product.weight_grams = data.weight_grams
    product.made_to_order = data.made_to_order
    product.lead_time_days = data.lead_time_days if data.made_to_order else None
    food = data.category.is_food
    product.pirt_number = (data.pirt_number or None) if food else None
    product.halal_certificate = (data.halal_certificate or None) if food else None
    product.shelf_life_days = data.shelf_life_days if food else None
    product.is_flagship = data.is_flagship
    by_id = {v.id: v for v in product.variants}
    for position, edit in enumerate(variants):
        variant = by_id.get(edit.id) if edit.id is not None else None
        if variant is None:
            variant = ProductVariant(sku="", price_idr=1, stock=0)
            product.variants.append(variant)
        variant.sku = edit.sku.strip().upper()
        variant.option_label = edit.option_label.strip()
        variant.price_idr = edit.price_idr
        variant.hpp_idr = edit.hpp_idr
        variant.low_stock_threshold = edit.low_stock_threshold
        variant.position = position
    db.session.flush()
    for edit, variant in zip(variants, product.variants, strict=False):
        if edit.id is None and edit.initial_stock:
            stock.record_movement(
                variant=variant, quantity=edit.initial_stock, reason=StockReason.INITIAL,
                actor=actor, now=now,
            )  # fmt: skip
    changes = audit.diff(before, _snapshot(product))
    if changes:
        changes["status"] = [product.status.value, product.status.value]
        audit.record(actor=actor, action="product.update", obj=product, changes=changes)
    if queued:
        review_mail.send_text_revision(product=product)
    return product


def _check_variant_edits(product: Product, variants: list[VariantEdit]) -> None:
    if not variants:
        raise CatalogueError(_l("Produk membutuhkan minimal satu varian."))
    own_ids = {v.id for v in product.variants}
    if any(v.id is not None and v.id not in own_ids for v in variants):
        raise CatalogueError(_l("Varian itu bukan milik produk ini."))
    kept = {v.id for v in variants if v.id is not None}
    if kept != own_ids:
        raise CatalogueError(_l("Varian yang sudah ada tidak dapat dihapus; ubah saja isinya."))
    if len(variants) > 1 and any(not v.option_label.strip() for v in variants):
        raise CatalogueError(
            _l("Setiap varian membutuhkan label pilihan (mis. ukuran atau warna).")
        )
    skus = [v.sku.strip().upper() for v in variants]
    if len(set(skus)) != len(skus) or any(not s for s in skus):
        raise CatalogueError(_l("SKU wajib diisi dan tidak boleh sama."))
    taken = db.session.scalars(
        select(ProductVariant.sku).where(
            ProductVariant.sku.in_(skus), ProductVariant.product_id != product.id
        )
    ).all()
    if taken:
        raise CatalogueError(_l("SKU sudah dipakai: %(skus)s", skus=", ".join(taken)))
    for v in variants:
        catalogue.check_variant_numbers(v.price_idr, v.initial_stock, v.hpp_idr)
        if v.low_stock_threshold < 0:
            raise CatalogueError(_l("Batas stok menipis tidak boleh negatif."))


def _snapshot(product: Product) -> dict[str, Any]:
    values: dict[str, Any] = {field: getattr(product, field) for field in AUDITED_FIELDS}
    for variant in product.variants:
        key = f"variant:{variant.id}"
        values[key] = {
            "sku": variant.sku, "option_label": variant.option_label,
            "price_idr": variant.price_idr, "hpp_idr": variant.hpp_idr,
        }  # fmt: skip
    return values


def archive(*, product: Product, actor: User, storage: Any) -> None:
    """Take a product off sale for good; its history (and later its orders) stay.

    The public copies of its photos are removed; the private ones stay for the back office.
    """
    if product.status is ProductStatus.ARCHIVED:
        return
    audit.record(
        actor=actor, action="product.archive", obj=product,
        changes={"status": [product.status.value, ProductStatus.ARCHIVED.value]},
    )  # fmt: skip
    product.status = ProductStatus.ARCHIVED
    _sync_photos_after_commit(product, storage)


def restore(*, product: Product, actor: User, storage: Any) -> None:
    """Bring an archived product back as a draft; it is reviewed again before it is sold."""
    if product.status is not ProductStatus.ARCHIVED:
        raise CatalogueError(_l("Hanya produk yang diarsipkan yang dapat dipulihkan."))
    audit.record(
        actor=actor, action="product.restore", obj=product,
        changes={"status": [ProductStatus.ARCHIVED.value, ProductStatus.DRAFT.value]},
    )  # fmt: skip
    product.status = ProductStatus.DRAFT
    product.submitted_at = None
    _sync_photos_after_commit(product, storage)


def _sync_photos_after_commit(product: Product, storage: Any) -> None:
    """Move the photo files once the new status is stored (never public before that)."""
    images = list(product.images)
    unit_of_work.after_commit(lambda: photo_files.sync(storage, images))


def delete(*, product: Product, actor: User, storage: Any) -> None:
    """Delete a draft that was never published, with its photos; others can only be archived."""
    if product.was_published:
        raise CatalogueError(_l("Produk yang pernah tayang tidak dapat dihapus, hanya diarsipkan."))
    if _was_ordered(product):
        raise CatalogueError(
            _l("Produk yang pernah dipesan tidak dapat dihapus, hanya diarsipkan.")
        )
    audit.record(
        actor=actor, action="product.delete", obj=product,
        changes={"name": [product.name, None], "status": [product.status.value, None]},
    )  # fmt: skip
    for image in list(product.images):
        photo_files.forget(storage, image)
    db.session.delete(product)


def _was_ordered(product: Product) -> bool:
    """Any order line of the product or of one of its variants (the lines keep their history)."""
    variant_ids = select(ProductVariant.id).where(ProductVariant.product_id == product.id)
    found = db.session.scalar(
        select(OrderLine.id)
        .where(or_(OrderLine.product_id == product.id, OrderLine.variant_id.in_(variant_ids)))
        .limit(1)
    )
    return found is not None


def list_products(
    *,
    user: User,
    search: str = "",
    status: ProductStatus | None = None,
    page: int = 1,
    per_page: int = 25,
) -> pagination.Page[Product]:
    """A page of the products the user may see, last changed first."""
    query = scoping.products(user)
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(Product.name).like(pattern),
                Product.id.in_(
                    select(ProductVariant.product_id).where(
                        func.lower(ProductVariant.sku).like(pattern)
                    )
                ),
            )
        )
    if status is not None:
        query = query.where(Product.status == status)
    return pagination.paginate(
        query.order_by(Product.updated_at.desc(), Product.id.desc()), page=page, per_page=per_page
    )


def categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.name)))
