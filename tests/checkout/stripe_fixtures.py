"""Stripe's HTTP answers and webhook events as Stripe sends them (recorded shapes, test mode).

Amounts are in Stripe's minor units: IDR counts as two-decimal, so Rp765.000 is 76500000.
"""

from __future__ import annotations

import json
import time
from typing import Any

import responses
import stripe

from shop.payments.stripe_gateway import STRIPE_API_VERSION

API = "https://api.stripe.com/v1"
WEBHOOK_SECRET = "whsec_test_5f0c2d7a9b1e4c3f8a6d2b7e9c1a4f3d"
SECRET_KEY = "sk_test_51QdXyzEtalaseTestKey000000000000000000000000000000000000"
STRIPE_CONFIG = {"STRIPE_SECRET_KEY": SECRET_KEY, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET}


def checkout_session(
    *,
    session_id: str = "cs_test_a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ",
    order_number: str,
    amount_total: int,
    status: str = "open",
    payment_status: str = "unpaid",
    payment_intent: str | None = None,
    expires_at: int | None = None,
) -> dict[str, Any]:
    now = int(time.time())
    return {
        "id": session_id,
        "object": "checkout.session",
        "after_expiration": None,
        "allow_promotion_codes": None,
        "amount_subtotal": amount_total,
        "amount_total": amount_total,
        "automatic_tax": {"enabled": False, "liability": None, "status": None},
        "billing_address_collection": None,
        "cancel_url": f"http://localhost/orders/{order_number}?t=x",
        "client_reference_id": order_number,
        "consent": None,
        "created": now,
        "currency": "idr",
        "customer": None,
        "customer_creation": "if_required",
        "customer_details": None
        if status == "open"
        else {"email": "siti.aminah@contoh.id", "name": "Siti Aminah", "phone": None},
        "customer_email": "siti.aminah@contoh.id",
        "expires_at": expires_at or now + 1800,
        "invoice": None,
        "livemode": False,
        "locale": "id",
        "metadata": {"order_number": order_number},
        "mode": "payment",
        "payment_intent": payment_intent,
        "payment_method_types": ["card"],
        "payment_status": payment_status,
        "status": status,
        "success_url": f"http://localhost/orders/{order_number}?t=x&paid=1",
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        "ui_mode": "hosted",
        "url": None
        if status != "open"
        else f"https://checkout.stripe.com/c/pay/{session_id}#fidkdWxOYHwnPyd1blpxYHZxWjA0",
    }


def balance_transaction(
    *,
    txn_id: str,
    amount: int,
    fee: int,
    kind: str,
    category: str,
    source: Any,
    created: int | None = None,
) -> dict[str, Any]:
    """A balance transaction as Stripe returns it (test mode, amounts in minor units)."""
    now = created or int(time.time())
    return {
        "id": txn_id,
        "object": "balance_transaction",
        "amount": amount,
        "available_on": now + 7 * 86400,
        "created": now,
        "currency": "idr",
        "description": None,
        "exchange_rate": None,
        "fee": fee,
        "fee_details": [
            {
                "amount": fee,
                "application": None,
                "currency": "idr",
                "description": "Stripe processing fees",
                "type": "stripe_fee",
            }
        ]
        if fee
        else [],
        "net": amount - fee,
        "reporting_category": category,
        "source": source,
        "status": "pending",
        "type": kind,
    }


def payment_intent(
    *,
    intent_id: str = "pi_3QeTestEtalase0001",
    charge_id: str = "ch_3QeTestEtalase0001",
    txn_id: str = "txn_3QeTestEtalase0001",
    order_number: str,
    amount: int,
    fee: int,
) -> dict[str, Any]:
    """A succeeded PaymentIntent with `latest_charge.balance_transaction` expanded."""
    now = int(time.time())
    balance = balance_transaction(
        txn_id=txn_id, amount=amount, fee=fee, kind="charge", category="charge",
        source=charge_id, created=now,
    )  # fmt: skip
    charge = {
        "id": charge_id,
        "object": "charge",
        "amount": amount,
        "amount_captured": amount,
        "amount_refunded": 0,
        "balance_transaction": balance,
        "captured": True,
        "created": now,
        "currency": "idr",
        "livemode": False,
        "metadata": {"order_number": order_number},
        "paid": True,
        "payment_intent": intent_id,
        "payment_method_details": {"type": "card", "card": {"brand": "visa", "last4": "4242"}},
        "refunded": False,
        "status": "succeeded",
    }
    return {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_received": amount,
        "capture_method": "automatic_async",
        "created": now,
        "currency": "idr",
        "latest_charge": charge,
        "livemode": False,
        "metadata": {"order_number": order_number},
        "payment_method_types": ["card"],
        "status": "succeeded",
    }


def refund_object(
    *,
    refund_id: str = "re_3QeTestEtalase0001",
    amount: int,
    order_number: str,
    status: str = "succeeded",
    intent_id: str = "pi_3QeTestEtalase0001",
) -> dict[str, Any]:
    return {
        "id": refund_id,
        "object": "refund",
        "amount": amount,
        "balance_transaction": "txn_3QeTestRefund0001",
        "charge": "ch_3QeTestEtalase0001",
        "created": int(time.time()),
        "currency": "idr",
        "destination_details": {
            "card": {"reference_status": "pending", "type": "refund"},
            "type": "card",
        },
        "metadata": {"order_number": order_number},
        "payment_intent": intent_id,
        "reason": None,
        "receipt_number": None,
        "source_transfer_reversal": None,
        "status": status,
        "transfer_reversal": None,
    }


def refunded_charge(
    *,
    charge_id: str = "ch_3QeTestEtalase0001",
    intent_id: str = "pi_3QeTestEtalase0001",
    amount: int,
    amount_refunded: int,
    order_number: str,
) -> dict[str, Any]:
    """A Charge as API 2022-11-15 and later send it in `charge.refunded`: no `refunds` list."""
    return {
        "id": charge_id,
        "object": "charge",
        "amount": amount,
        "amount_captured": amount,
        "amount_refunded": amount_refunded,
        "balance_transaction": "txn_3QeTestEtalase0001",
        "captured": True,
        "created": int(time.time()),
        "currency": "idr",
        "livemode": False,
        "metadata": {"order_number": order_number},
        "paid": True,
        "payment_intent": intent_id,
        "refunded": amount_refunded == amount,
        "status": "succeeded",
    }


def mock_refunds_of_charge(
    rsps: responses.RequestsMock, charge_id: str, refunds: list[dict[str, Any]]
) -> None:
    """`GET /v1/refunds?charge=...`: the charge's Refund objects, one page."""
    rsps.add(
        responses.GET,
        f"{API}/refunds",
        match=[responses.matchers.query_param_matcher({"charge": charge_id, "limit": "100"})],
        json={"object": "list", "data": refunds, "has_more": False, "url": "/v1/refunds"},
    )


def event(event_type: str, obj: dict[str, Any], *, event_id: str, created: int | None = None):
    return {
        "id": event_id,
        "object": "event",
        "api_version": STRIPE_API_VERSION,
        "created": created or int(time.time()),
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }


def signed_headers(payload: str, *, secret: str = WEBHOOK_SECRET) -> dict[str, str]:
    header = stripe.WebhookSignature.generate_signature_header(payload, secret)
    return {"Stripe-Signature": header, "Content-Type": "application/json"}


def post_event(client, body: dict[str, Any], *, secret: str = WEBHOOK_SECRET):
    payload = json.dumps(body)
    return client.post(
        "/webhooks/stripe", data=payload, headers=signed_headers(payload, secret=secret)
    )


def mock_session_create(rsps: responses.RequestsMock, session: dict[str, Any]) -> None:
    rsps.add(responses.POST, f"{API}/checkout/sessions", json=session, status=200)


def mock_payment_intent(rsps: responses.RequestsMock, intent: dict[str, Any]) -> None:
    rsps.add(responses.GET, f"{API}/payment_intents/{intent['id']}", json=intent, status=200)


def pay_two_facilities_through_stripe(client, rsps: responses.RequestsMock):
    """Batik (2 x Rp250.000 + Rp10.000 shipping) and coffee (3 x Rp85.000, pickup), paid
    through Stripe's signed `checkout.session.completed`; returns (shop, order)."""
    from shop import payments
    from shop.core import clock
    from tests.checkout.helpers import place, two_facilities

    shop = two_facilities()
    order = place(shop, gateway="stripe")
    session = checkout_session(
        order_number=order.number, amount_total=TWO_FACILITIES_TOTAL_IDR * 100
    )
    mock_session_create(rsps, session)
    payments.start_payment(order=order, now=clock.now())
    mock_payment_intent(
        rsps,
        payment_intent(
            order_number=order.number, amount=TWO_FACILITIES_TOTAL_IDR * 100, fee=2_601_100
        ),
    )
    completed = {
        **session,
        "status": "complete",
        "payment_status": "paid",
        "payment_intent": "pi_3QeTestEtalase0001",
    }
    outcome = post_event(
        client, event("checkout.session.completed", completed, event_id="evt_paid")
    )
    assert outcome.get_json()["outcome"] == "paid"
    return shop, order


TWO_FACILITIES_TOTAL_IDR = 765_000
