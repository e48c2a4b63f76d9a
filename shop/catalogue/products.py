"""Creating products with their variants, and the figures the home page shows."""

from __future__ import annotations

from dataclasses import dataclass

from slugify import slugify
from sqlalchemy import func, select

from shop.core import audit, clock
from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.database import db
from shop.models import (
    Category,
    Facility,
    Product,
    ProductStatus,
    ProductVariant,
    User,
    Workshop,
)

MAX_PRICE_IDR = 1_000_000_000


class CatalogueError(DomainError):
    """A product or variant breaks a catalogue rule."""


@dataclass(frozen=True)
class VariantInput:
    sku: str
    price_idr: int
    stock: int
    option_label: str = ""
    hpp_idr: int | None = None


@dataclass(frozen=True)
class ProductInput:
    name: str
    category: Category
    weight_grams: int
    variants: list[VariantInput]
    description: str = ""
    workshop: Workshop | None = None
    made_to_order: bool = False
    lead_time_days: int | None = None
    pirt_number: str | None = None
    halal_certificate: str | None = None
    shelf_life_days: int | None = None
    is_flagship: bool = False


def create_product(
    *,
    facility: Facility,
    data: ProductInput,
    actor: User | None = None,
    actor_label: str | None = None,
    status: ProductStatus = ProductStatus.DRAFT,
) -> Product:
    """Add a product and its variants to the session after checking them; the caller commits."""
    _check_product(facility, data)
    product = Product(
        facility=facility,
        workshop_id=data.workshop.id if data.workshop else None,
        category=data.category,
        name=data.name.strip(),
        slug=unique_slug(f"{data.name} {facility.city}"),
        description=data.description.strip(),
        status=status,
        published_at=clock.now() if status is ProductStatus.PUBLISHED else None,
        submitted_at=clock.now() if status is ProductStatus.PENDING_REVIEW else None,
        made_to_order=data.made_to_order,
        lead_time_days=data.lead_time_days if data.made_to_order else None,
        weight_grams=data.weight_grams,
        pirt_number=data.pirt_number if data.category.is_food else None,
        halal_certificate=data.halal_certificate if data.category.is_food else None,
        shelf_life_days=data.shelf_life_days if data.category.is_food else None,
        is_flagship=data.is_flagship,
    )
    product.variants = [
        ProductVariant(
            sku=v.sku.strip().upper(),
            option_label=v.option_label.strip(),
            price_idr=v.price_idr,
            hpp_idr=v.hpp_idr,
            stock=v.stock,
            position=i,
        )
        for i, v in enumerate(data.variants)
    ]
    db.session.add(product)
    db.session.flush()
    audit.record(
        actor=actor,
        actor_label=actor_label,
        action="product.create",
        obj=product,
        changes={"name": [None, product.name], "status": [None, status.value]},
    )
    return product


def unique_slug(text: str) -> str:
    """A URL slug from `text`, with a numeric suffix when the plain one is taken."""
    base = slugify(text, max_length=180, word_boundary=True) or "produk"
    taken = set(
        db.session.scalars(
            select(Product.slug).where((Product.slug == base) | Product.slug.like(f"{base}-%"))
        )
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def check_new_product(facility: Facility, data: ProductInput) -> None:
    """Every rule a new product must meet, without writing anything."""
    _check_product(facility, data)


def _check_product(facility: Facility, data: ProductInput) -> None:
    check_product_fields(facility, data)
    if not data.variants:
        raise CatalogueError(_l("Produk membutuhkan minimal satu varian."))
    if len(data.variants) > 1 and any(not v.option_label.strip() for v in data.variants):
        raise CatalogueError(
            _l("Setiap varian membutuhkan label pilihan (mis. ukuran atau warna).")
        )
    skus = [v.sku.strip().upper() for v in data.variants]
    if len(set(skus)) != len(skus) or any(not s for s in skus):
        raise CatalogueError(_l("SKU wajib diisi dan tidak boleh sama."))
    taken = db.session.scalars(select(ProductVariant.sku).where(ProductVariant.sku.in_(skus))).all()
    if taken:
        raise CatalogueError(_l("SKU sudah dipakai: %(skus)s", skus=", ".join(taken)))
    for v in data.variants:
        check_variant_numbers(v.price_idr, v.stock, v.hpp_idr)


def check_product_fields(facility: Facility, data: ProductInput) -> None:
    """The rules of a product's own fields, shared by creating and editing."""
    if not data.name.strip():
        raise CatalogueError(_l("Nama produk wajib diisi."))
    if data.weight_grams <= 0:
        raise CatalogueError(_l("Berat harus lebih dari 0 gram."))
    if data.made_to_order and not (data.lead_time_days and data.lead_time_days > 0):
        raise CatalogueError(_l("Produk pesanan membutuhkan lama pengerjaan dalam hari."))
    if data.workshop is not None and data.workshop.facility_id != facility.id:
        raise CatalogueError(_l("Bengkel kerja itu bukan milik UPT ini."))
    if data.shelf_life_days is not None and data.shelf_life_days <= 0:
        raise CatalogueError(_l("Masa simpan harus lebih dari 0 hari."))


def check_variant_numbers(price_idr: int, stock: int, hpp_idr: int | None) -> None:
    if price_idr <= 0:
        raise CatalogueError(_l("Harga harus lebih dari Rp0."))
    if price_idr >= MAX_PRICE_IDR:
        raise CatalogueError(_l("Harga harus di bawah Rp1.000.000.000."))
    if stock < 0:
        raise CatalogueError(_l("Stok tidak boleh negatif."))
    if hpp_idr is not None and hpp_idr < 0:
        raise CatalogueError(_l("HPP tidak boleh negatif."))


@dataclass(frozen=True)
class CatalogueFigures:
    facilities_active: int
    facilities_selling: int
    products_published: int
    kanwil_count: int


def public_products_query():
    """Products the public may see: published, of an active facility."""
    return (
        select(Product)
        .join(Product.facility)
        .where(Product.status == ProductStatus.PUBLISHED, Facility.is_active.is_(True))
    )


def catalogue_figures() -> CatalogueFigures:
    published = public_products_query().subquery()
    return CatalogueFigures(
        facilities_active=db.session.scalar(
            select(func.count()).select_from(Facility).where(Facility.is_active.is_(True))
        )
        or 0,
        facilities_selling=db.session.scalar(
            select(func.count(func.distinct(published.c.facility_id)))
        )
        or 0,
        products_published=db.session.scalar(select(func.count()).select_from(published)) or 0,
        kanwil_count=db.session.scalar(
            select(func.count(func.distinct(Facility.kanwil_id))).where(
                Facility.is_active.is_(True)
            )
        )
        or 0,
    )
