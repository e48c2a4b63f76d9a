"""The interface every payment gateway offers, and the plain data it passes back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.ledger.posting import PaymentDetails
from shop.models import Order, PaymentAttempt


class PaymentError(DomainError):
    """The gateway could not do what was asked."""


class PaymentUnavailable(PaymentError):
    def __init__(self, message: object | None = None) -> None:
        super().__init__(
            message
            or _l(
                "Pembayaran belum dapat dimulai karena gangguan pada layanan pembayaran. "
                "Pesanan Anda tetap tersimpan; silakan coba bayar lagi sebentar lagi."
            )
        )


class InvalidSignature(PaymentError):
    """A webhook whose signature does not verify."""


@dataclass(frozen=True)
class Session:
    session_id: str
    url: str


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    status: str  # "pending", "succeeded", "failed" (Stripe's words; others map onto them)


@dataclass(frozen=True)
class RefundUpdate:
    refund_id: str
    status: str
    # Our refund's idempotency key, sent as metadata: it finds the refund when the event comes
    # before the gateway's answer to our request was stored.
    key: str | None = None


@dataclass(frozen=True)
class GatewayEvent:
    """A gateway's event in the gateway's own vocabulary (Stripe's event types)."""

    gateway: str
    event_id: str
    type: str
    occurred_at: datetime
    session_id: str | None = None
    order_number: str | None = None
    payment_status: str | None = None
    payment_intent_id: str | None = None
    amount_total_idr: int | None = None
    refunds: list[RefundUpdate] = field(default_factory=list)
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BalanceLine:
    """One of Stripe's balance transactions, its amounts already in rupiah (signed)."""

    transaction_id: str
    type: str  # Stripe's word: charge, payment, refund, payment_refund, refund_failure, payout...
    created_at: datetime
    amount_idr: int
    fee_idr: int
    net_idr: int
    source_id: str | None  # the charge or refund behind it
    charge_id: str | None  # the charge itself, or the refunded charge
    payment_intent_id: str | None
    order_number: str | None


class PaymentGateway(Protocol):
    name: str

    def check_amount(self, *, amount_idr: int) -> None:
        """Raise PaymentError when the gateway would refuse to charge this amount."""

    def create_session(
        self, *, order: Order, attempt: PaymentAttempt, success_url: str, cancel_url: str
    ) -> Session: ...

    def session_status(self, *, session_id: str) -> str: ...

    def expire_session(self, *, session_id: str) -> None: ...

    def payment_details(self, *, payment_intent_id: str, amount_idr: int) -> PaymentDetails: ...

    def refund(
        self, *, payment_intent_id: str, amount_idr: int, idempotency_key: str, order_number: str
    ) -> RefundResult: ...
