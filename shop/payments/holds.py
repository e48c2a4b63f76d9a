"""A cart that checks out again gives back the stock its earlier unpaid orders hold.

Otherwise one visitor going back and forth between the cart and the payment page would hold
the stock of every attempt for 30 minutes each. The caps per order, address and email are in
`checkout.HoldLimits`.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select

from shop.core import unit_of_work
from shop.database import db
from shop.models import Cart, Order, OrderStatus
from shop.ordering import orders
from shop.payments import expiry
from shop.payments.gateway import PaymentError

log = logging.getLogger("etalase.checkout")


def release_earlier_orders(*, cart: Cart, now: datetime) -> list[str]:
    """Expire the cart's unpaid orders (their payment sessions too); returns their numbers.

    An order whose session the gateway reports as paid, or that the gateway cannot be asked
    about, keeps its hold; each order is its own unit of work (`unit_of_work.own_unit`: the
    gateway is asked between them). Called between units (nothing else pending).
    """
    released = []
    numbers = db.session.scalars(
        select(Order.number).where(
            Order.cart_id == cart.id, Order.status == OrderStatus.PENDING_PAYMENT
        )
    ).all()
    for number in numbers:
        order = orders.find_order(number)
        if order is None:
            continue
        try:
            if expiry.close_sessions(order):
                continue
        except PaymentError as error:
            log.warning("order %s: gateway unavailable (%s); hold kept", number, error)
            continue
        with unit_of_work.own_unit():
            if expiry.expire_unpaid(order.id, now=now, actor_label="checkout-again"):
                released.append(number)
    return released
