"""Stripe's balance transactions as `GET /v1/balance_transactions` returns them (test mode),
and orders paid and refunded through the real Stripe path so the ledger is the real one.

Amounts are Stripe's minor units: IDR counts as two-decimal, so Rp765.000 is 76500000.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

import responses
from responses import matchers

from shop import payments
from shop.core import clock
from shop.finance import reconciliation
from shop.models import FacilityOrder, Order
from shop.payments import refunds
from tests.checkout import stripe_fixtures as sf
from tests.checkout.helpers import TwoFacilities, place

BALANCE_URL = f"{sf.API}/balance_transactions"
# pay_two_facilities_through_stripe: Rp765.000 charged, Stripe took Rp26.011.
FIRST = {"intent": "pi_3QeTestEtalase0001", "charge": "ch_3QeTestEtalase0001"}
FIRST_TXN = "txn_3QeTestEtalase0001"
FIRST_FEE = 2_601_100


def today_in_jakarta() -> date:
    return clock.today()


def charge_transaction(
    *,
    txn_id: str = FIRST_TXN,
    charge_id: str = FIRST["charge"],
    intent_id: str = FIRST["intent"],
    order_number: str,
    amount: int,
    fee: int,
    created: int | None = None,
) -> dict[str, Any]:
    """A `charge` balance transaction with its source (the charge) expanded."""
    charge = {
        "id": charge_id,
        "object": "charge",
        "amount": amount,
        "amount_captured": amount,
        "amount_refunded": 0,
        "balance_transaction": txn_id,
        "captured": True,
        "created": created or int(time.time()),
        "currency": "idr",
        "livemode": False,
        "metadata": {"order_number": order_number},
        "paid": True,
        "payment_intent": intent_id,
        "refunded": False,
        "status": "succeeded",
    }
    return sf.balance_transaction(
        txn_id=txn_id, amount=amount, fee=fee, kind="charge", category="charge",
        source=charge, created=created,
    )  # fmt: skip


def refund_transaction(
    *,
    txn_id: str,
    refund_id: str,
    charge_id: str = FIRST["charge"],
    intent_id: str = FIRST["intent"],
    order_number: str,
    amount: int,
    created: int | None = None,
    kind: str = "refund",
) -> dict[str, Any]:
    """A `refund` (negative `amount`) or `refund_failure` with its refund expanded."""
    refund = {
        "id": refund_id,
        "object": "refund",
        "amount": abs(amount),
        "balance_transaction": txn_id,
        "charge": charge_id,
        "created": created or int(time.time()),
        "currency": "idr",
        "metadata": {"order_number": order_number},
        "payment_intent": intent_id,
        "reason": None,
        "status": "succeeded" if kind == "refund" else "failed",
    }
    return sf.balance_transaction(
        txn_id=txn_id, amount=amount, fee=0, kind=kind, category=kind, source=refund,
        created=created,
    )  # fmt: skip


def payout_transaction(*, txn_id: str, amount: int) -> dict[str, Any]:
    """Money sent to the bank: no order behind it."""
    return sf.balance_transaction(
        txn_id=txn_id, amount=-amount, fee=0, kind="payout", category="payout",
        source="po_1QeTestEtalasePayout", created=None,
    )  # fmt: skip


def list_page(data: list[dict[str, Any]], *, has_more: bool = False) -> dict[str, Any]:
    return {"object": "list", "data": data, "has_more": has_more, "url": "/v1/balance_transactions"}


def query(first_day: date, last_day: date, **extra: str) -> dict[str, str]:
    """The query string the reconciliation must send, a day of look-back included."""
    chosen = reconciliation.period(first_day=first_day, last_day=last_day)
    return {
        "created[gte]": str(int((chosen.starts_at() - reconciliation.LOOKBACK).timestamp())),
        "created[lt]": str(int(chosen.ends_at().timestamp())),
        "limit": "100",
        "expand[0]": "data.source",
        **extra,
    }


def mock_balance(
    rsps: responses.RequestsMock,
    pages: list[list[dict[str, Any]]],
    *,
    first_day: date | None = None,
    last_day: date | None = None,
) -> None:
    """Stripe's list in pages: each page after the first is asked for with `starting_after`."""
    first_day = first_day or today_in_jakarta()
    last_day = last_day or first_day
    after: dict[str, str] = {}
    for number, data in enumerate(pages):
        rsps.add(
            responses.GET,
            BALANCE_URL,
            json=list_page(data, has_more=number < len(pages) - 1),
            match=[matchers.query_param_matcher(query(first_day, last_day, **after))],
        )
        if data:
            after = {"starting_after": data[-1]["id"]}


def balance_calls(rsps: responses.RequestsMock) -> list[str]:
    return [call.request.url for call in rsps.calls if call.request.url.startswith(BALANCE_URL)]


def pay_again_through_stripe(
    client, rsps: responses.RequestsMock, shop: TwoFacilities, *, suffix: str, fee: int
) -> tuple[Order, dict[str, str]]:
    """Another order (1 batik by courier, 1 coffee) paid through Stripe with its own ids."""
    order = place(shop, gateway="stripe", batik=1, coffee=1)
    ids = {
        "session": f"cs_test_{suffix}",
        "intent": f"pi_3QeTest{suffix}",
        "charge": f"ch_3QeTest{suffix}",
        "txn": f"txn_3QeTest{suffix}",
    }
    session = sf.checkout_session(
        session_id=ids["session"], order_number=order.number, amount_total=order.total_idr * 100
    )
    sf.mock_session_create(rsps, session)
    payments.start_payment(order=order, now=clock.now())
    sf.mock_payment_intent(
        rsps,
        sf.payment_intent(
            intent_id=ids["intent"], charge_id=ids["charge"], txn_id=ids["txn"],
            order_number=order.number, amount=order.total_idr * 100, fee=fee,
        ),
    )  # fmt: skip
    completed = {
        **session,
        "status": "complete",
        "payment_status": "paid",
        "payment_intent": ids["intent"],
    }
    outcome = sf.post_event(
        client, sf.event("checkout.session.completed", completed, event_id=f"evt_{suffix}")
    )
    assert outcome.get_json()["outcome"] == "paid"
    return order, ids


def part_of(order: Order, facility_id: int) -> FacilityOrder:
    return next(part for part in order.parts if part.facility_id == facility_id)


def refund_through_stripe(
    rsps: responses.RequestsMock, part: FacilityOrder, *, refund_id: str, actor
) -> None:
    """Refund a whole facility part through shop.payments.refunds, Stripe intercepted."""
    rsps.add(
        responses.POST,
        f"{sf.API}/refunds",
        json={
            **sf.refund_object(amount=part.total_idr * 100, order_number=part.order.number),
            "id": refund_id,
        },
    )
    refunds.refund_facility_order(
        facility_order=part, quantities=None, include_shipping=True, restock=False,
        reason="Barang rusak", idempotency_key=f"key-{refund_id}", actor=actor, now=clock.now(),
    )  # fmt: skip


def before_the_day(day: date, *, minutes: int) -> int:
    """A Unix time `minutes` before the day starts in Jakarta."""
    start = clock.start_of_day(day)
    return int((start - timedelta(minutes=minutes)).timestamp())
