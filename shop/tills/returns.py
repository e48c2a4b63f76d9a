"""Giving items back at the stand, and voiding a whole sale: stock back, reversal entries."""

from __future__ import annotations

from datetime import datetime

from shop.catalogue import stock
from shop.core import audit
from shop.core.i18n import lazy_gettext as _l
from shop.core.locks import lock_rows
from shop.database import db
from shop.ledger import posting
from shop.models import (
    ProductVariant,
    Stand,
    StandReturn,
    StandSale,
    StandSaleLine,
    StandSaleStatus,
    StockReason,
    User,
)
from shop.tills.errors import TillError
from shop.tills.stands import seller_facility_id


def void_sale(*, sale: StandSale, reason: str, actor: User, now: datetime) -> StandReturn:
    """Give back every line still held by the buyer, and mark the sale voided."""
    return _give_back(sale=sale, quantities=None, reason=reason, actor=actor, now=now)


def return_items(
    *, sale: StandSale, quantities: dict[int, int], reason: str, actor: User, now: datetime
) -> StandReturn:
    """Give back some units of some lines (`quantities`: line id -> units)."""
    if not any(q > 0 for q in quantities.values()):
        raise TillError(_l("Pilih barang yang dikembalikan."))
    return _give_back(sale=sale, quantities=quantities, reason=reason, actor=actor, now=now)


def _give_back(
    *, sale: StandSale, quantities: dict[int, int] | None, reason: str, actor: User, now: datetime
) -> StandReturn:
    if seller_facility_id(actor) != sale.facility_id:
        raise TillError(_l("Penjualan ini milik UPT lain."))
    if not reason.strip():
        raise TillError(_l("Tulis alasan pembatalan atau pengembalian."))
    # Lock, then read, then decide: the stand (as every sale does), the sale and its lines.
    (stand,) = lock_rows(Stand, [sale.stand_id])
    (sale,) = lock_rows(StandSale, [sale.id])
    lines = lock_rows(StandSaleLine, [line.id for line in sale.lines])
    if not stand.is_open:
        raise TillError(_l("Stan penjualan ini sudah ditutup."))
    if sale.status is not StandSaleStatus.RECORDED:
        raise TillError(_l("Penjualan ini tidak bisa dikembalikan (dibatalkan atau ditolak)."))
    by_id = {line.id: line for line in lines}
    if quantities is None:
        quantities = {line.id: line.quantity - line.returned_quantity for line in lines}
    for line_id, quantity in quantities.items():
        line = by_id.get(line_id)
        if line is None or quantity < 0 or quantity > line.quantity - line.returned_quantity:
            raise TillError(_l("Jumlah yang dikembalikan melebihi yang dibeli."))
    quantities = {line_id: q for line_id, q in quantities.items() if q > 0}
    amount = sum(by_id[line_id].unit_price_idr * q for line_id, q in quantities.items())
    if amount <= 0:
        raise TillError(_l("Tidak ada lagi barang yang bisa dikembalikan."))
    given_back = StandReturn(
        sale_id=sale.id, is_void=False, amount_idr=amount, reason=reason.strip()[:300],
        actor_id=actor.id, created_at=now,
    )  # fmt: skip
    db.session.add(given_back)
    db.session.flush()
    posting.record_stand_return(stand_return=given_back, quantities=quantities, occurred_at=now)
    variants = {v.id: v for v in lock_rows(
        ProductVariant, [by_id[i].variant_id for i in quantities if by_id[i].variant_id]
    )}  # fmt: skip
    for line_id, quantity in quantities.items():
        line = by_id[line_id]
        line.returned_quantity += quantity
        if line.variant_id in variants:
            stock.record_movement(
                variant=variants[line.variant_id], quantity=quantity,
                reason=StockReason.STAND_RETURN, actor=actor, now=now, note=sale.number,
            )  # fmt: skip
    sale.returned_idr += amount
    if all(line.returned_quantity == line.quantity for line in lines):
        sale.status = StandSaleStatus.VOIDED
        given_back.is_void = True
    audit.record(
        actor=actor,
        action="stand_sale.void" if given_back.is_void else "stand_sale.return",
        obj=sale,
        changes={"returned_idr": [sale.returned_idr - amount, sale.returned_idr],
                 "status": [StandSaleStatus.RECORDED.value, sale.status.value],
                 "reason": [None, given_back.reason]},
    )  # fmt: skip
    return given_back
