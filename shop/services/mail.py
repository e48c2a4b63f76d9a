"""Mail to buyers and facility staff: SMTP when configured, else .eml files in the outbox."""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from shop.database import db
from shop.formatting import rupiah
from shop.models import FacilityOrder, Order, Refund, Role, User
from shop.services import orders

log = logging.getLogger("etalase.mail")
_held_back: ContextVar[bool] = ContextVar("mail_held_back", default=False)


@contextmanager
def held_back() -> Iterator[None]:
    """Send no mail inside: for the demo's sales history, written in bulk for made-up buyers."""
    token = _held_back.set(True)
    try:
        yield
    finally:
        _held_back.reset(token)


def send(*, to: list[str], subject: str, template: str, locale: str, **context: object) -> None:
    """Render `email/<template>.txt` and `.html` in `locale` and send them.

    A mail that cannot be sent is logged, never raised: the order it is about is already
    committed and must not be undone by a mail server being down.
    """
    if not to or _held_back.get():
        return
    config = current_app.config
    with force_locale(locale):
        message = EmailMessage()
        message["Subject"] = str(subject)
        message["From"] = config["MAIL_DEFAULT_SENDER"]
        message["To"] = ", ".join(to)
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain="etalase.local")
        message.set_content(render_template(f"email/{template}.txt", **context))
        message.add_alternative(
            render_template(f"email/{template}.html", **context), subtype="html"
        )
    try:
        if config["MAIL_SERVER"]:
            _send_smtp(message)
        else:
            _write_outbox(message, Path(config["MAIL_OUTBOX_DIR"]))
    except (OSError, smtplib.SMTPException):
        log.exception("mail %r to %s could not be sent", message["Subject"], to)


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def _write_outbox(message: EmailMessage, outbox: Path) -> None:
    outbox.mkdir(parents=True, exist_ok=True)
    (outbox / f"{uuid.uuid4().hex}.eml").write_bytes(bytes(message))


def staff_emails(facility_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(User.email).where(
                User.role == Role.STAFF, User.facility_id == facility_id, User.is_active.is_(True)
            )
        )
    )


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
