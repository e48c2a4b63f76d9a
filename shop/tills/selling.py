"""Recording a sale sent by the till, once, whatever the network did.

The phone makes a UUID for each sale and keeps the sale in its queue until the server answers.
The server locks the stand, then looks the UUID up: a sale it already has (a retry, a second
tab, a request answered but lost on the way back) is answered with what was recorded the first
time. A new sale is checked under the stand's and the variants' row locks (lock, then read,
then decide) and is either recorded (stock taken, ledger written) or kept as rejected with the
reason, so the staff member sees it in the till: a sale taken offline is never dropped.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from shop.catalogue import stock
from shop.core import audit
from shop.core.i18n import lazy_gettext as _l
from shop.core.locks import lock_rows
from shop.database import db
from shop.ledger import posting
from shop.models import (
    Product,
    ProductStatus,
    ProductVariant,
    Stand,
    StandSale,
    StandSaleLine,
    StandSaleStatus,
    StockReason,
    TillPayment,
    User,
    VariantLabel,
)
from shop.tills.errors import TillError
from shop.tills.stands import seller_facility_id

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MAX_LINES = 100
MAX_QUANTITY = 1000
MAX_REFERENCE = 80
# A phone's clock may be off: a sale time is kept within the stand's opening and now.
CLOCK_SLACK = timedelta(minutes=5)


@dataclass(frozen=True)
class WantedLine:
    variant_id: int
    quantity: int
    unit_price_idr: int
    sku: str = ""
    name: str = ""


@dataclass(frozen=True)
class SaleRequest:
    """A sale as the till sends it (see `parse`)."""

    client_id: str
    payment: TillPayment
    reference: str
    cash_received_idr: int | None
    sold_at: datetime | None
    lines: tuple[WantedLine, ...]


def _int(value: object, *, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise TillError(_l("Data penjualan tidak valid."))
    return value


def parse(payload: object) -> SaleRequest:
    """Read the till's JSON: refuse anything malformed with one clear message."""
    if not isinstance(payload, dict):
        raise TillError(_l("Data penjualan tidak valid."))
    client_id = str(payload.get("id", "")).lower()
    if not UUID.match(client_id):
        raise TillError(_l("Data penjualan tidak valid."))
    try:
        payment = TillPayment(payload.get("payment"))
    except ValueError:
        raise TillError(_l("Cara bayar tidak dikenal.")) from None
    reference = str(payload.get("reference") or "").strip()
    if payment is not TillPayment.CASH and not reference:
        raise TillError(_l("Isi nomor referensi pembayaran non-tunai."))
    if len(reference) > MAX_REFERENCE or any(ord(c) < 32 for c in reference):
        raise TillError(_l("Nomor referensi terlalu panjang atau tidak valid."))
    cash = payload.get("cash_received")
    cash_received = None
    if payment is TillPayment.CASH and cash not in (None, ""):
        cash_received = _int(cash, low=1, high=10**12)
    raw_lines = payload.get("lines")
    if not isinstance(raw_lines, list) or not 1 <= len(raw_lines) <= MAX_LINES:
        raise TillError(_l("Keranjang kosong."))
    merged: dict[int, WantedLine] = {}
    for raw in raw_lines:
        if not isinstance(raw, dict):
            raise TillError(_l("Data penjualan tidak valid."))
        variant_id = _int(raw.get("variant_id"), low=1, high=2**31 - 1)
        quantity = _int(raw.get("quantity"), low=1, high=MAX_QUANTITY)
        price = _int(raw.get("unit_price"), low=1, high=10**11)
        line = WantedLine(
            variant_id,
            quantity,
            price,
            str(raw.get("sku", ""))[:64],
            str(raw.get("name", ""))[:160],
        )
        if variant_id in merged:
            previous = merged[variant_id]
            if previous.unit_price_idr != price:
                raise TillError(_l("Data penjualan tidak valid."))
            line = WantedLine(variant_id, previous.quantity + quantity, price, line.sku, line.name)
        merged[variant_id] = line
    total = sum(line.quantity * line.unit_price_idr for line in merged.values())
    if cash_received is not None and cash_received < total:
        raise TillError(_l("Uang yang diterima kurang dari total."))
    sold_at = None
    if payload.get("sold_at"):
        try:
            sold_at = datetime.fromisoformat(str(payload["sold_at"]).replace("Z", "+00:00"))
        except ValueError:
            raise TillError(_l("Data penjualan tidak valid.")) from None
        if sold_at.tzinfo is None:
            raise TillError(_l("Data penjualan tidak valid."))
    return SaleRequest(
        client_id, payment, reference, cash_received, sold_at, tuple(merged.values())
    )


def record_sale(*, stand: Stand, request: SaleRequest, actor: User, now: datetime) -> StandSale:
    """Record the sale once: the sale already recorded under this id, or a new one.

    Returns the sale, `recorded` or `rejected` (with its reason); the caller commits.
    """
    if seller_facility_id(actor) != stand.facility_id:
        raise TillError(_l("Stan ini milik UPT lain."))
    (stand,) = lock_rows(Stand, [stand.id])
    existing = db.session.scalar(
        sa.select(StandSale).where(StandSale.client_id == request.client_id)
    )
    if existing is not None:
        if existing.stand_id != stand.id:
            raise TillError(_l("Data penjualan tidak valid."))
        return existing
    sold_at = _bounded(request.sold_at, stand=stand, now=now)
    variants = {
        v.id: v for v in lock_rows(ProductVariant, [line.variant_id for line in request.lines])
    }
    reason = _why_not(stand, request, variants)
    sale = StandSale(
        stand_id=stand.id,
        facility_id=stand.facility_id,
        client_id=request.client_id,
        receipt_token=secrets.token_urlsafe(32),
        number=_next_number(stand),
        status=StandSaleStatus.REJECTED if reason else StandSaleStatus.RECORDED,
        rejection=str(reason or ""),
        payment=request.payment,
        payment_reference=request.reference,
        total_idr=sum(line.quantity * line.unit_price_idr for line in request.lines),
        cash_received_idr=request.cash_received_idr,
        sold_at=sold_at,
        recorded_at=now,
        sold_by_id=actor.id,
    )
    db.session.add(sale)
    for wanted in request.lines:
        variant = variants.get(wanted.variant_id)
        product = variant.product if variant is not None else None
        sale.lines.append(
            StandSaleLine(
                variant_id=variant.id if variant is not None else None,
                product_id=product.id if product is not None else None,
                category_id=product.category_id if product is not None else None,
                product_name=(product.name if product is not None else wanted.name) or "?",
                sku=(variant.sku if variant is not None else wanted.sku) or "?",
                option_label=variant.option_label if variant is not None else "",
                unit_price_idr=wanted.unit_price_idr,
                unit_hpp_idr=variant.hpp_idr if variant is not None else None,
                quantity=wanted.quantity,
            )
        )
    db.session.flush()
    if reason is None:
        for line in sale.lines:
            stock.record_movement(
                variant=variants[line.variant_id], quantity=-line.quantity,
                reason=StockReason.SOLD_STAND, actor=actor, now=now, note=sale.number,
            )  # fmt: skip
        posting.record_stand_sale(sale=sale, occurred_at=sold_at)
    audit.record(
        actor=actor,
        action="stand_sale.reject" if reason else "stand_sale.record",
        obj=sale,
        changes={"status": [None, sale.status.value], "total_idr": [None, sale.total_idr],
                 "payment": [None, sale.payment.value], "rejection": [None, sale.rejection]},
    )  # fmt: skip
    return sale


def _bounded(sold_at: datetime | None, *, stand: Stand, now: datetime) -> datetime:
    if sold_at is None:
        return now
    return max(min(sold_at, now), stand.opened_at - CLOCK_SLACK)


def _why_not(stand: Stand, request: SaleRequest, variants: dict[int, ProductVariant]) -> object:
    """Why the sale cannot be honoured, or None. Read under the locks."""
    if not stand.is_open:
        return _l("Stan sudah ditutup sebelum penjualan ini terkirim.")
    for line in request.lines:
        variant = variants.get(line.variant_id)
        if variant is None or variant.product.facility_id != stand.facility_id:
            return _l("Produk %(sku)s tidak ada di katalog UPT ini.", sku=line.sku or "?")
        if variant.product.status is ProductStatus.ARCHIVED:
            return _l("Produk %(sku)s sudah ditarik dari penjualan.", sku=variant.sku)
        if variant.price_idr != line.unit_price_idr:
            return _l("Harga %(sku)s sudah berubah; jual ulang dengan harga baru.", sku=variant.sku)
        if variant.stock < line.quantity:
            return _l(
                "Stok %(sku)s tinggal %(n)s; penjualan ini butuh %(wanted)s.",
                sku=variant.sku, n=variant.stock, wanted=line.quantity,
            )  # fmt: skip
    return None


def _next_number(stand: Stand) -> str:
    """The stand's next receipt number (read under the stand's lock)."""
    count = db.session.scalar(sa.select(sa.func.count()).where(StandSale.stand_id == stand.id))
    return f"K{stand.id}-{int(count or 0) + 1:04d}"


def sale_in_stand(stand: Stand, sale_id: object) -> StandSale | None:
    if not isinstance(sale_id, int):
        return None
    return db.session.scalar(
        sa.select(StandSale).where(StandSale.id == sale_id, StandSale.stand_id == stand.id)
    )


def sales_of(stand: Stand) -> list[StandSale]:
    return list(
        db.session.scalars(
            sa.select(StandSale).where(StandSale.stand_id == stand.id).order_by(StandSale.id.desc())
        )
    )


def catalogue(facility_id: int) -> list[dict[str, object]]:
    """What the till may sell, with the codes it may type or scan (kept on the phone offline)."""
    rows = db.session.execute(
        sa.select(ProductVariant, Product.name, VariantLabel.code)
        .join(Product, Product.id == ProductVariant.product_id)
        .outerjoin(VariantLabel, VariantLabel.variant_id == ProductVariant.id)
        .where(Product.facility_id == facility_id, Product.status != ProductStatus.ARCHIVED)
        .order_by(Product.name, ProductVariant.position, ProductVariant.id)
    )
    return [
        {"variant_id": variant.id, "sku": variant.sku, "code": code or "", "name": name,
         "option": variant.option_label, "price": variant.price_idr, "stock": variant.stock}
        for variant, name, code in rows
    ]  # fmt: skip


def result(sale: StandSale) -> dict[str, object]:
    """What the till is told about a sale (the same answer every time it asks)."""
    return {
        "id": sale.client_id,
        "sale_id": sale.id,
        "number": sale.number,
        "status": sale.status.value,
        "rejection": sale.rejection,
        "total": sale.total_idr,
    }


def lines_left(sale: StandSale) -> list[StandSaleLine]:
    return [line for line in sale.lines if line.returned_quantity < line.quantity]


def receipt_sale(token: str) -> StandSale | None:
    """The sale of a receipt link, for the buyer's public page (recorded or voided only)."""
    if not token or len(token) > 64 or not re.fullmatch(r"[A-Za-z0-9_-]+", token):
        return None
    return db.session.scalar(
        sa.select(StandSale).where(
            StandSale.receipt_token == token, StandSale.status != StandSaleStatus.REJECTED
        )
    )
