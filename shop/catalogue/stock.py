"""Stock adjustments: each one a `StockMovement`, so the current stock is explained line by line."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from shop.core import audit
from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.database import db
from shop.models import ProductVariant, StockMovement, StockReason, User

# Reasons that can only take stock away, and those that can only add it.
_OUTGOING = {
    StockReason.SOLD_SHOWROOM,
    StockReason.SOLD_FAIR,
    StockReason.DAMAGED,
    StockReason.SOLD_STAND,
}
_INCOMING = {
    StockReason.PRODUCED,
    StockReason.INITIAL,
    StockReason.IMPORTED,
    StockReason.STAND_RETURN,
}
MAX_STOCK = 1_000_000
# Reasons only the shop itself writes; the back office cannot choose them.
SHOP_REASONS = {
    StockReason.SOLD_STAND,
    StockReason.STAND_RETURN,
    StockReason.INITIAL,
    StockReason.IMPORTED,
    StockReason.SOLD_ONLINE,
    StockReason.RELEASED,
    StockReason.REFUND,
}


class StockError(DomainError):
    pass


def record_movement(
    *,
    variant: ProductVariant,
    quantity: int,
    reason: StockReason,
    actor: User | None,
    now: datetime,
    note: str = "",
    actor_label: str | None = None,
) -> StockMovement:
    """Add `quantity` (negative to take away) to the variant's stock; the caller commits."""
    if quantity == 0:
        raise StockError(_l("Jumlah tidak boleh nol."))
    if reason in _OUTGOING and quantity > 0:
        raise StockError(_l("Penjualan dan kerusakan mengurangi stok: isi jumlah negatif."))
    if reason in _INCOMING and quantity < 0:
        raise StockError(_l("Produksi menambah stok: isi jumlah positif."))
    after = variant.stock + quantity
    if after < 0:
        raise StockError(
            _l("Stok %(sku)s hanya %(stock)s; tidak bisa dikurangi %(n)s.",
               sku=variant.sku, stock=variant.stock, n=-quantity)
        )  # fmt: skip
    if after > MAX_STOCK:
        raise StockError(_l("Stok terlalu besar."))
    movement = StockMovement(
        variant=variant,
        quantity=quantity,
        stock_after=after,
        reason=reason,
        note=note.strip()[:300],
        actor_id=actor.id if actor else None,
        actor_label=actor_label or (actor.email if actor else "system"),
        created_at=now,
    )
    audit.record(
        actor=actor,
        actor_label=actor_label,
        action="stock.adjust",
        obj=variant,
        changes={"stock": [variant.stock, after], "reason": [None, reason.value]},
    )
    variant.stock = after
    db.session.add(movement)
    return movement


def apply_shop_change(
    *,
    variant_id: int,
    quantity: int,
    reason: StockReason,
    now: datetime,
    actor_label: str,
    note: str = "",
) -> StockMovement | None:
    """Change a variant's stock in one conditional UPDATE and record the movement.

    The shop's own changes (checkout, released holds, refunds) run where concurrent buyers meet,
    so the stock is changed in the database, never below zero, and the stock after it is read
    back from the same statement. Returns None, changing nothing, when too little is left.
    """
    statement = update(ProductVariant).where(ProductVariant.id == variant_id)
    if quantity < 0:
        statement = statement.where(ProductVariant.stock >= -quantity)
    after = db.session.execute(
        statement.values(stock=ProductVariant.stock + quantity)
        .returning(ProductVariant.stock)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if after is None:
        return None
    movement = StockMovement(
        variant_id=variant_id,
        quantity=quantity,
        stock_after=after,
        reason=reason,
        note=note[:300],
        actor_label=actor_label,
        created_at=now,
    )
    db.session.add(movement)
    return movement


def adjust_stock(
    *,
    variant: ProductVariant,
    quantity: int,
    reason: StockReason | str,
    actor: User,
    now: datetime,
    note: str = "",
) -> StockMovement:
    """One adjustment from the back office, committed."""
    try:
        reason = StockReason(reason)
    except ValueError:
        raise StockError(_l("Alasan perubahan stok tidak dikenal.")) from None
    if reason in SHOP_REASONS:
        raise StockError(_l("Alasan perubahan stok tidak dikenal."))
    if reason is StockReason.CORRECTION and not note.strip():
        raise StockError(_l("Koreksi stok membutuhkan catatan alasannya."))
    # Two adjustments at once must not both start from the same stock (PostgreSQL row lock).
    db.session.refresh(variant, with_for_update=True)
    movement = record_movement(
        variant=variant, quantity=quantity, reason=reason, actor=actor, now=now, note=note
    )
    return movement


def movements_of(variant: ProductVariant) -> list[StockMovement]:
    """Newest first; each line's `stock_after` is the stock right after it."""
    return list(
        db.session.scalars(
            select(StockMovement)
            .where(StockMovement.variant_id == variant.id)
            .order_by(StockMovement.created_at.desc(), StockMovement.id.desc())
        )
    )
