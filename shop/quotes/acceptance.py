"""The buyer accepts answered parts: one order of channel b2b at the quoted prices.

The order is placed by `shop.ordering.checkout.place_priced_order`: stock taken by the same
conditional update as a checkout's, held until the payment comes. The buyer pays it online
(the configured gateway, through the ordinary payment page) or by bank transfer, which staff
record with its proof (`shop.quotes.transfers`); a transfer takes days, so its hold is longer.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from shop.core import clock
from shop.core.i18n import lazy_gettext as _l
from shop.database import db
from shop.models import (
    Order,
    OrderStatus,
    ProductVariant,
    QuotePart,
    QuoteRequest,
    QuoteStatus,
    SalesChannel,
)
from shop.ordering import checkout
from shop.quotes.statuses import QuoteError, WrongStatus, lock_request, move

BANK_TRANSFER = "bank_transfer"
# How long a bank-transfer order holds its stock for the money to arrive and be recorded.
BANK_TRANSFER_HOLD_DAYS = 7


class PaymentChoice(enum.StrEnum):
    ONLINE = "online"
    BANK_TRANSFER = "bank_transfer"


class QuoteExpired(QuoteError):
    """The offer's validity date has passed."""


@dataclass(frozen=True)
class Acceptance:
    order: Order
    # True when these parts had been accepted already (a repeated click): the same order.
    repeated: bool = False


# An accepted part whose order ended unpaid (the buyer left the payment page, the transfer never
# came) may be accepted again while its offer holds: a new order, with its stock taken anew.
LAPSED_ORDERS = (OrderStatus.EXPIRED, OrderStatus.PAYMENT_FAILED)


def lapsed(part: QuotePart) -> bool:
    """Accepted, but its order ended unpaid."""
    return (
        part.status is QuoteStatus.ACCEPTED
        and part.order is not None
        and part.order.status in LAPSED_ORDERS
    )


def is_open(part: QuotePart, *, now: datetime) -> bool:
    """Answered (or accepted into an order that lapsed) and still valid on the facility's own
    calendar."""
    return (
        (part.status is QuoteStatus.ANSWERED or lapsed(part))
        and part.valid_until is not None
        and clock.local_date(now, part.facility.timezone) <= part.valid_until
    )


def accept(
    *,
    request_id: int,
    part_ids: list[int],
    payment: PaymentChoice,
    gateway: str,
    check_amount: checkout.AmountCheck,
    now: datetime,
) -> Acceptance:
    """Accept the chosen parts into one order; the caller commits (then starts the payment).

    Lock, then read, then decide: the request and its parts are locked and re-read, so two
    accepts at once give one order; the second (or a repeated click) gets that same order when
    it asked for the same parts, and a refusal when it asked for others as well.
    """
    request = lock_request(request_id)
    chosen = [part for part in request.parts if part.id in set(part_ids)]
    if not chosen or len(chosen) != len(set(part_ids)):
        raise QuoteError(_l("Pilih paling sedikit satu penawaran untuk diterima."))
    accepted_orders = {part.order_id for part in chosen if part.status is QuoteStatus.ACCEPTED}
    repeated = all(p.status is QuoteStatus.ACCEPTED and not lapsed(p) for p in chosen)
    if len(accepted_orders) == 1 and repeated:
        order = db.session.get(Order, accepted_orders.pop())
        assert order is not None
        return Acceptance(order=order, repeated=True)
    for part in chosen:
        _check_open(part, now=now)
    bank = payment is PaymentChoice.BANK_TRANSFER
    order = checkout.place_priced_order(
        parts=[_priced(part) for part in chosen],
        buyer=checkout.BuyerDetails(
            name=f"{request.contact_name} ({request.organisation})"[:120],
            email=request.email, phone=request.phone, address_line=request.address_line,
            city=request.city, province=request.province, postal_code=request.postal_code,
        ),
        channel=SalesChannel.B2B,
        gateway=BANK_TRANSFER if bank else gateway,
        check_amount=_any_amount if bank else check_amount,
        locale=request.locale,
        now=now,
        hold_until=now + (
            timedelta(days=BANK_TRANSFER_HOLD_DAYS) if bank
            else timedelta(minutes=checkout.RESERVATION_MINUTES)
        ),
        shortage=_shortage,
    )  # fmt: skip
    for part in chosen:
        earlier = part.order.number if part.order is not None else None
        move(
            part, QuoteStatus.ACCEPTED, actor_label=request.email,
            changes={"order": [earlier, order.number], "payment": [None, payment.value]},
        )  # fmt: skip
        part.order_id, part.accepted_at = order.id, now
        db.session.expire(part, ["order"])
    return Acceptance(order=order)


def expire_lapsed(*, now: datetime) -> int:
    """Move answered parts past their validity date to expired; how many. The caller commits."""
    candidates = db.session.execute(
        select(QuotePart.quote_request_id)
        .where(
            QuotePart.status == QuoteStatus.ANSWERED,
            # A day of slack for the zones east of Jakarta; `is_open` decides per facility.
            QuotePart.valid_until < clock.local_date(now) + timedelta(days=1),
        )
        .distinct()
    ).scalars()
    expired = 0
    for request_id in sorted(set(candidates)):
        request: QuoteRequest = lock_request(request_id)
        for part in request.parts:
            if (part.status is QuoteStatus.ANSWERED or lapsed(part)) and not is_open(part, now=now):
                move(part, QuoteStatus.EXPIRED, actor_label="quote-expiry")
                expired += 1
    return expired


def _check_open(part: QuotePart, *, now: datetime) -> None:
    if (part.status is QuoteStatus.ANSWERED or lapsed(part)) and not is_open(part, now=now):
        raise QuoteExpired(
            _l(
                "Penawaran %(facility)s berlaku sampai %(date)s dan sudah lewat. Minta penawaran"
                " baru.",
                facility=part.facility.name,
                date=part.valid_until.isoformat() if part.valid_until else "",
            )
        )
    if part.status is not QuoteStatus.ANSWERED and not lapsed(part):
        raise WrongStatus(
            _l(
                "Bagian %(facility)s tidak dapat diterima lagi; muat ulang halaman ini.",
                facility=part.facility.name,
            )
        )
    if any(line.variant is None for line in part.lines):
        raise QuoteError(
            _l(
                "Salah satu barang dari %(facility)s tidak ada lagi di katalog.",
                facility=part.facility.name,
            )
        )


def _priced(part: QuotePart) -> checkout.PricedPart:
    lines = []
    for line in part.lines:
        assert line.variant is not None and line.unit_price_idr is not None
        lines.append(
            checkout.PricedLine(
                variant=line.variant, quantity=line.quantity, unit_price_idr=line.unit_price_idr
            )
        )
    assert part.delivery_idr is not None
    return checkout.PricedPart(facility=part.facility, lines=lines, shipping_idr=part.delivery_idr)


def _shortage(variant: ProductVariant, quantity: int) -> object:
    product = variant.product
    return _l(
        "Stok %(name)s di %(facility)s tidak cukup untuk %(n)s unit. Hubungi UPT itu untuk"
        " jadwal produksinya, lalu terima penawaran ini lagi.",
        name=product.name,
        facility=product.facility.name,
        n=quantity,
    )


def _any_amount(*, amount_idr: int) -> None:
    """A bank transfer takes any amount: no gateway limit applies."""
