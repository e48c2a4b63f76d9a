"""The mails an order sends: paid, a part on its way, refunds."""

from __future__ import annotations

from shop.core.i18n import lazy_gettext as _l
from shop.core.mail import send, staff_emails
from shop.core.money import rupiah
from shop.models import FacilityOrder, Order, Refund
from shop.ordering import orders


def send_order_paid(*, order: Order) -> None:
    """The buyer's confirmation, and a new-order mail to each facility's staff."""
    send(
        to=[order.buyer_email],
        subject=_l("Pesanan %(number)s sudah dibayar", number=order.number),
        template="order_confirmation",
        locale=order.locale,
        order=order,
        order_link=orders.order_url(order),
    )
    for part in order.parts:
        send(
            to=staff_emails(part.facility_id),
            subject=_l(
                "Pesanan baru %(number)s untuk %(facility)s",
                number=order.number,
                facility=part.facility.name,
            ),
            template="facility_new_order",
            locale="id",
            order=order,
            part=part,
        )


def send_part_progress(*, facility_order: FacilityOrder) -> None:
    """Tell the buyer that a facility's part is on its way or ready at the showroom."""
    order = facility_order.order
    send(
        to=[order.buyer_email],
        subject=_l(
            "Kabar pesanan %(number)s dari %(facility)s",
            number=order.number,
            facility=facility_order.facility.name,
        ),
        template="part_progress",
        locale=order.locale,
        order=order,
        part=facility_order,
        order_link=orders.order_url(order),
    )


def send_late_payment_refunded(*, order: Order, refunds: list[Refund]) -> None:
    """The buyer paid after the order's hold ran out and the goods were gone: money goes back."""
    send(
        to=[order.buyer_email],
        subject=_l("Pembayaran pesanan %(number)s dikembalikan", number=order.number),
        template="late_payment_refunded",
        locale=order.locale,
        order=order,
        refunded_idr=sum(refund.amount_idr for refund in refunds),
        order_link=orders.order_url(order),
    )


def send_duplicate_payment_refunded(*, order: Order, amount_idr: int) -> None:
    """The buyer paid an order twice (two payment pages): the second payment goes back."""
    send(
        to=[order.buyer_email],
        subject=_l("Pembayaran ganda pesanan %(number)s dikembalikan", number=order.number),
        template="duplicate_payment_refunded",
        locale=order.locale,
        order=order,
        refunded_idr=amount_idr,
        order_link=orders.order_url(order),
    )


def send_refund(*, refund: Refund) -> None:
    """Tell the buyer what a facility gave back, how much, and when the money arrives."""
    part = refund.facility_order
    order = part.order
    send(
        to=[order.buyer_email],
        subject=_l(
            "Pengembalian dana %(amount)s untuk pesanan %(number)s",
            amount=rupiah(refund.amount_idr),
            number=order.number,
        ),
        template="refund",
        locale=order.locale,
        order=order,
        part=part,
        refund=refund,
        order_link=orders.order_url(order),
    )
