"""The demo gateway: an on-site simulated payment page, for development and demos only.

Its buttons produce the same events Stripe would send, handled by the same code.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from shop.core import urls
from shop.core.i18n import lazy_gettext as _l
from shop.ledger.posting import PaymentDetails
from shop.models import Order, PaymentAttempt
from shop.payments.gateway import GatewayEvent, PaymentError, RefundResult, Session

# What each button of the simulation stands for, as Stripe's event type and payment status.
OUTCOMES = {
    "pay": ("checkout.session.completed", "paid"),
    "fail": ("checkout.session.async_payment_failed", "unpaid"),
    "cancel": ("checkout.session.expired", "unpaid"),
}


class DemoGateway:
    name = "demo"

    def check_amount(self, *, amount_idr: int) -> None:
        """The simulation charges any amount."""

    def create_session(
        self, *, order: Order, attempt: PaymentAttempt, success_url: str, cancel_url: str
    ) -> Session:
        return Session(
            session_id=f"demo_cs_{attempt.idempotency_key}",
            # In the buyer's language, as the storefront's addresses (English under /en/).
            url=urls.absolute(
                urls.language_prefix(order.locale) + urls.demo_payment_path(attempt.idempotency_key)
            ),
        )

    def session_status(self, *, session_id: str) -> str:
        return "open"

    def expire_session(self, *, session_id: str) -> None:
        return None

    def payment_details(self, *, payment_intent_id: str, amount_idr: int) -> PaymentDetails:
        """The simulation charges no fee, so the ledger shows the sale only."""
        return PaymentDetails(
            payment_intent_id=payment_intent_id,
            charge_id=payment_intent_id.replace("demo_pi_", "demo_ch_"),
            balance_transaction_id=None,
            amount_idr=amount_idr,
            fee_idr=0,
        )

    def refund(
        self, *, payment_intent_id: str, amount_idr: int, idempotency_key: str, order_number: str
    ) -> RefundResult:
        return RefundResult(refund_id=f"demo_re_{idempotency_key[:24]}", status="succeeded")


def simulated_event(*, attempt: PaymentAttempt, outcome: str, now: datetime) -> GatewayEvent:
    """The event Stripe would send for this button."""
    if outcome not in OUTCOMES:
        raise PaymentError(_l("Pilihan simulasi tidak dikenal."))
    event_type, payment_status = OUTCOMES[outcome]
    return GatewayEvent(
        gateway="demo",
        event_id=f"demo_evt_{secrets.token_hex(12)}",
        type=event_type,
        occurred_at=now,
        session_id=attempt.session_id,
        order_number=attempt.order.number,
        payment_status=payment_status,
        payment_intent_id=f"demo_pi_{attempt.idempotency_key[:24]}",
        amount_total_idr=attempt.amount_idr,
    )
