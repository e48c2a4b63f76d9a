"""Stripe Checkout. Rupiah become Stripe's minor units (x 100) here and nowhere else."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import stripe

from shop.core.i18n import lazy_gettext as _l
from shop.ledger.posting import PaymentDetails
from shop.models import Order, PaymentAttempt
from shop.payments.gateway import (
    BalanceLine,
    GatewayEvent,
    InvalidSignature,
    PaymentError,
    PaymentUnavailable,
    RefundResult,
    RefundUpdate,
    Session,
)

log = logging.getLogger("etalase.stripe")

# The API version every request asks for, the one the pinned library's types describe. The
# webhook endpoint in Stripe's dashboard must send events of this version; the recorded test
# bodies (tests/checkout/stripe_fixtures.py) are of it.
STRIPE_API_VERSION = "2026-10-28.endive"

# Stripe's smallest charge is USD 0.50 converted into the settlement currency: about Rp8.300 at
# Rp16.500 per dollar, so Rp10.000 leaves room for the exchange rate. The largest amount has 12
# digits in minor units (Rp9.999.999.999).
MIN_CHARGE_IDR = 10_000
MAX_CHARGE_IDR = 9_999_999_999

HANDLED_EVENTS = frozenset(
    {
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
        "checkout.session.async_payment_failed",
        "checkout.session.expired",
        "charge.refunded",
        "refund.created",
        "refund.updated",
    }
)


def to_minor(amount_idr: int) -> int:
    """Stripe treats IDR as a two-decimal currency: Rp150.000 is 15000000."""
    return amount_idr * 100


def from_minor(amount: int) -> int:
    """Back to whole rupiah, rounding half up (Stripe's IDR amounts are whole in practice)."""
    return (amount + 50) // 100


class StripeGateway:
    name = "stripe"

    def __init__(self, *, secret_key: str, webhook_secret: str = "") -> None:
        self.client = stripe.StripeClient(
            secret_key, stripe_version=STRIPE_API_VERSION, max_network_retries=0
        )
        self.webhook_secret = webhook_secret

    def check_amount(self, *, amount_idr: int) -> None:
        """Refuse, before any session is made, a total Stripe would refuse to charge."""
        if amount_idr < MIN_CHARGE_IDR:
            raise PaymentError(
                _l(
                    "Pembayaran kartu minimal %(minimum)s. Tambahkan barang ke keranjang.",
                    minimum=f"Rp{MIN_CHARGE_IDR:,}".replace(",", "."),
                )
            )
        if amount_idr > MAX_CHARGE_IDR:
            raise PaymentError(
                _l(
                    "Pembayaran kartu paling banyak %(maximum)s. Bagi pesanan Anda menjadi "
                    "beberapa pesanan.",
                    maximum=f"Rp{MAX_CHARGE_IDR:,}".replace(",", "."),
                )
            )

    def create_session(
        self, *, order: Order, attempt: PaymentAttempt, success_url: str, cancel_url: str
    ) -> Session:
        line_items: list[dict[str, Any]] = []
        for part in order.parts:
            for line in part.lines:
                name = (
                    f"{line.product_name} ({line.option_label})"
                    if line.option_label
                    else (line.product_name)
                )
                line_items.append(
                    {
                        "quantity": line.quantity,
                        "price_data": {
                            "currency": "idr",
                            "unit_amount": to_minor(line.unit_price_idr),
                            "product_data": {
                                "name": name,
                                "metadata": {"sku": line.sku, "facility": part.facility.slug},
                            },
                        },
                    }
                )
            if part.shipping_idr:
                line_items.append(
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": "idr",
                            "unit_amount": to_minor(part.shipping_idr),
                            "product_data": {"name": f"Ongkos kirim {part.facility.name}"},
                        },
                    }
                )
        metadata = {"order_number": order.number}
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": line_items,
            "client_reference_id": order.number,
            "customer_email": order.buyer_email,
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "expires_at": int(attempt.expires_at.timestamp()),
            "success_url": success_url,
            "cancel_url": cancel_url,
            "locale": "en" if order.locale == "en" else "id",
        }
        self.check_amount(amount_idr=order.total_idr)
        try:
            session = self.client.v1.checkout.sessions.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": attempt.idempotency_key},
            )
        except stripe.StripeError as error:
            log.error("Stripe refused a Checkout Session for %s: %s", order.number, error)
            raise _payment_error(error, refused=REFUSED_SESSION) from error
        return Session(session_id=session.id, url=session.url or "")

    def session_status(self, *, session_id: str) -> str:
        """`open`, `complete` or `expired`."""
        try:
            session = self.client.v1.checkout.sessions.retrieve(session_id)
        except stripe.StripeError as error:
            raise PaymentUnavailable() from error
        return session.status or "open"

    def expire_session(self, *, session_id: str) -> None:
        try:
            self.client.v1.checkout.sessions.expire(session_id)
        except stripe.InvalidRequestError as error:
            # Already complete or expired: the webhook tells which; nothing to undo here.
            raise PaymentError(_l("Sesi pembayaran tidak dapat diakhiri.")) from error
        except stripe.StripeError as error:
            raise PaymentUnavailable() from error

    def payment_details(self, *, payment_intent_id: str, amount_idr: int) -> PaymentDetails:
        """The charge and its balance transaction, for the fee Stripe actually took."""
        try:
            intent = self.client.v1.payment_intents.retrieve(
                payment_intent_id, params={"expand": ["latest_charge.balance_transaction"]}
            )
        except stripe.StripeError as error:
            raise PaymentUnavailable() from error
        charge = intent.latest_charge
        if isinstance(charge, str) or charge is None:
            log.error("PaymentIntent %s came without its charge", payment_intent_id)
            return PaymentDetails(payment_intent_id, None, None, amount_idr, 0)
        balance = charge.balance_transaction
        if isinstance(balance, str) or balance is None:
            log.warning("charge %s has no balance transaction yet; fee unknown", charge.id)
            return PaymentDetails(payment_intent_id, charge.id, None, from_minor(charge.amount), 0)
        return PaymentDetails(
            payment_intent_id=payment_intent_id,
            charge_id=charge.id,
            balance_transaction_id=balance.id,
            amount_idr=from_minor(charge.amount),
            fee_idr=from_minor(balance.fee),
        )

    def refund(
        self, *, payment_intent_id: str, amount_idr: int, idempotency_key: str, order_number: str
    ) -> RefundResult:
        try:
            refund = self.client.v1.refunds.create(
                params={
                    "payment_intent": payment_intent_id,
                    "amount": to_minor(amount_idr),
                    "metadata": {"order_number": order_number, "refund_key": idempotency_key},
                },
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            log.error("Stripe refused a refund for %s: %s", order_number, error)
            raise _payment_error(error, refused=REFUSED_REFUND) from error
        return RefundResult(refund_id=refund.id, status=refund.status or "pending")

    def refunds_of_charge(self, *, charge_id: str) -> list[RefundUpdate]:
        """The Refund objects of a charge, read from Stripe (a Charge no longer embeds them)."""
        try:
            page = self.client.v1.refunds.list(params={"charge": charge_id, "limit": 100})
            return [
                RefundUpdate(
                    refund.id,
                    refund.status or "pending",
                    (refund.to_dict().get("metadata") or {}).get("refund_key"),
                )
                for refund in page.auto_paging_iter()
            ]
        except stripe.StripeError as error:
            log.error("the refunds of charge %s could not be read: %s", charge_id, error)
            raise PaymentUnavailable() from error

    def balance_transactions(
        self, *, created_from: datetime, created_before: datetime
    ) -> list[BalanceLine]:
        """Every balance transaction created in [created_from, created_before), all pages.

        Sources are expanded so that a refund names its charge and a charge its order.
        """
        params: dict[str, Any] = {
            "created": {
                "gte": int(created_from.timestamp()),
                "lt": int(created_before.timestamp()),
            },
            "limit": 100,
            "expand": ["data.source"],
        }
        try:
            page = self.client.v1.balance_transactions.list(params=params)  # type: ignore[arg-type]
            return [balance_line(txn.to_dict()) for txn in page.auto_paging_iter()]
        except stripe.StripeError as error:
            log.error("Stripe's balance transactions could not be read: %s", error)
            raise PaymentError(
                _l(
                    "Transaksi saldo Stripe tidak dapat dibaca: %(reason)s",
                    reason=getattr(error, "user_message", None) or str(error),
                )
            ) from error

    def parse_webhook(self, *, payload: bytes, signature: str | None) -> GatewayEvent:
        """Verify the signature and read what we need; any doubt is an InvalidSignature."""
        if not self.webhook_secret or not signature:
            raise InvalidSignature(_l("Tanda tangan webhook tidak ada."))
        try:
            event = stripe.Webhook.construct_event(payload, signature, self.webhook_secret)
        except (stripe.SignatureVerificationError, ValueError) as error:
            raise InvalidSignature(_l("Tanda tangan webhook tidak sah.")) from error
        return gateway_event(event.to_dict())


def gateway_event(event: dict[str, Any]) -> GatewayEvent:
    obj = event["data"]["object"]
    if event.get("api_version") not in {None, STRIPE_API_VERSION}:
        log.warning(
            "event %s is of API version %s, not %s: set the webhook endpoint's version",
            event["id"], event.get("api_version"), STRIPE_API_VERSION,
        )  # fmt: skip
    occurred_at = datetime.fromtimestamp(event["created"], UTC)
    base = {
        "gateway": "stripe",
        "event_id": event["id"],
        "type": event["type"],
        "occurred_at": occurred_at,
        "payload": event,
    }
    if event["type"].startswith("checkout.session."):
        metadata = obj.get("metadata") or {}
        amount_total = obj.get("amount_total")
        return GatewayEvent(
            **base,
            session_id=obj.get("id"),
            order_number=metadata.get("order_number") or obj.get("client_reference_id"),
            payment_status=obj.get("payment_status"),
            payment_intent_id=_id_of(obj.get("payment_intent")),
            amount_total_idr=from_minor(amount_total) if amount_total is not None else None,
        )
    if event["type"] == "charge.refunded":
        # Since API 2022-11-15 the Charge carries no refund list: the handler reads the charge's
        # Refund objects from Stripe (`refunds_of_charge`) before it applies the event.
        return GatewayEvent(
            **base,
            payment_intent_id=_id_of(obj.get("payment_intent")),
            order_number=(obj.get("metadata") or {}).get("order_number"),
        )
    if event["type"] in {"refund.created", "refund.updated"}:
        return GatewayEvent(
            **base,
            payment_intent_id=_id_of(obj.get("payment_intent")),
            refunds=[
                RefundUpdate(
                    obj["id"],
                    obj.get("status") or "pending",
                    (obj.get("metadata") or {}).get("refund_key"),
                )
            ],
        )
    return GatewayEvent(**base)


REFUSED_SESSION = _l("Stripe menolak membuat sesi pembayaran: %(reason)s")
REFUSED_REFUND = _l("Stripe menolak pengembalian dana: %(reason)s")


def _payment_error(error: stripe.StripeError, *, refused: Any) -> PaymentError:
    """A refusal (4xx) says why; Stripe being down or unreachable (5xx, network) is "try again"."""
    status = error.http_status
    if status is None or status >= 500 or status == 429:
        return PaymentUnavailable()
    reason = error.user_message or (error.error.message if error.error else None) or str(error)
    return PaymentError(refused % {"reason": reason})


def balance_line(txn: dict[str, Any]) -> BalanceLine:
    """A balance transaction as Stripe sends it, its source expanded or not."""
    source = txn.get("source")
    charge_id = payment_intent_id = order_number = None
    if isinstance(source, dict):
        if source.get("object") == "refund":
            charge_id = _id_of(source.get("charge"))
        else:
            charge_id = source.get("id")
        payment_intent_id = _id_of(source.get("payment_intent"))
        order_number = (source.get("metadata") or {}).get("order_number")
    elif txn.get("type") in {"charge", "payment"}:
        charge_id = source
    return BalanceLine(
        transaction_id=txn["id"],
        type=txn["type"],
        created_at=datetime.fromtimestamp(txn["created"], UTC),
        amount_idr=from_minor(txn["amount"]),
        fee_idr=from_minor(txn.get("fee") or 0),
        net_idr=from_minor(txn.get("net") or 0),
        source_id=_id_of(source),
        charge_id=charge_id,
        payment_intent_id=payment_intent_id,
        order_number=order_number,
    )


def _id_of(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("id")
    return value
