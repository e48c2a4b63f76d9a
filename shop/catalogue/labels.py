"""Provenance codes on printed labels, and the count of their scans.

Each variant gets one short code the first time a label is printed for it. The code is random
(not derived from ids, so codes cannot be enumerated), unambiguous when typed (Crockford's
base32: no I, L, O or U) and stable: reprinting gives the same code, so old labels keep working.
A scan is counted per product and day in the facility's time zone; nothing about the person.
"""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from shop.core import clock
from shop.database import db
from shop.models import LabelScan, Product, ProductVariant, VariantLabel

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 50 bits: guessing one of a million printed codes takes ~10^9 tries


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """A typed or scanned code in its printed form (case and look-alike letters forgiven)."""
    cleaned = text.strip().upper().replace("-", "").replace(" ", "")
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def codes_for(variants: list[ProductVariant]) -> dict[int, str]:
    """The code of each variant, making the missing ones (safe when two printers race)."""
    ids = [variant.id for variant in variants]
    found = _existing(ids)
    for variant_id in ids:
        if variant_id in found:
            continue
        while True:
            code = new_code()
            try:
                with db.session.begin_nested():
                    db.session.add(VariantLabel(variant_id=variant_id, code=code))
            except IntegrityError:
                # Another print made this variant's code first, or (rarely) the code is taken.
                existing = _existing([variant_id])
                if variant_id in existing:
                    found[variant_id] = existing[variant_id]
                    break
                continue
            found[variant_id] = code
            break
    return found


def _existing(variant_ids: list[int]) -> dict[int, str]:
    if not variant_ids:
        return {}
    rows = db.session.execute(
        sa.select(VariantLabel.variant_id, VariantLabel.code).where(
            VariantLabel.variant_id.in_(variant_ids)
        )
    )
    return {row.variant_id: row.code for row in rows}


def variant_for_code(text: str) -> ProductVariant | None:
    """The variant a label's code belongs to, with its product, facility and workshop."""
    code = normalise_code(text)
    if not code or len(code) > 16 or any(char not in ALPHABET for char in code):
        return None
    return db.session.scalar(
        sa.select(ProductVariant)
        .join(VariantLabel, VariantLabel.variant_id == ProductVariant.id)
        .where(VariantLabel.code == code)
        .options(
            joinedload(ProductVariant.product).joinedload(Product.facility),
            joinedload(ProductVariant.product).joinedload(Product.workshop),
        )
    )


def record_scan(*, product: Product, now: datetime) -> None:
    """Count one scan of the product's label today (an upsert: concurrent scans all count)."""
    day = clock.local_date(now, product.facility.timezone.value)
    values = {"product_id": product.id, "facility_id": product.facility_id, "day": day, "scans": 1}
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(LabelScan).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["product_id", "day"], set_={"scans": LabelScan.scans + 1}
    )
    db.session.execute(statement)


def scans_per_product(scope: sa.ColumnElement[bool]) -> list[tuple[Product, int]]:
    """Each product whose labels were scanned, most scanned first, where `scope` holds."""
    total = sa.func.sum(LabelScan.scans).label("scans")
    statement = (
        sa.select(Product, total)
        .join(LabelScan, LabelScan.product_id == Product.id)
        .options(joinedload(Product.facility))
        .group_by(Product.id)
        .where(scope)
        .order_by(total.desc(), Product.id)
    )
    return [(product, int(scans)) for product, scans in db.session.execute(statement)]


def scans_of(product: Product) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(LabelScan.scans), 0)).where(
                LabelScan.product_id == product.id
            )
        )
    )
