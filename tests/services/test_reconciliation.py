"""Reconciliation: Stripe's recorded balance transactions against the ledger the shop wrote."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import responses

from shop import payments
from shop.core import clock
from shop.finance import reconciliation
from shop.finance.reconciliation import Category, DifferenceKind
from shop.payments import events
from tests.checkout import stripe_fixtures as sf
from tests.checkout.helpers import place
from tests.factories import UserFactory
from tests.services import stripe_balance as sb


@pytest.fixture
def config_overrides() -> dict[str, object]:
    return dict(sf.STRIPE_CONFIG)


def _charge(order, **overrides):
    values = {
        "order_number": order.number,
        "amount": sf.TWO_FACILITIES_TOTAL_IDR * 100,
        "fee": sb.FIRST_FEE,
    }
    return sb.charge_transaction(**{**values, **overrides})


def _today() -> date:
    return sb.today_in_jakarta()


def test_everything_matching_over_two_pages(db, paid, rsps) -> None:
    shop, order = paid
    lapas_part = sb.part_of(order, shop.batik_lapas.id)
    sb.refund_through_stripe(rsps, lapas_part, refund_id="re_3QeTestLapas", actor=UserFactory())
    demo_order = place(shop, batik=1, coffee=1)
    attempt = payments.start_payment(order=demo_order, now=clock.now())
    events.simulate_demo_payment(attempt=attempt, outcome="pay", now=clock.now())
    refund = sb.refund_transaction(
        txn_id="txn_3QeTestRefundLapas", refund_id="re_3QeTestLapas",
        order_number=order.number, amount=-510_000 * 100,
    )  # fmt: skip
    payout = sb.payout_transaction(txn_id="txn_3QeTestPayout", amount=10_000_000)
    sb.mock_balance(rsps, [[refund, payout], [_charge(order)]])

    result = reconciliation.reconcile(first_day=_today(), last_day=_today())

    calls = sb.balance_calls(rsps)
    assert len(calls) == 2
    assert "starting_after=txn_3QeTestPayout" in calls[1]
    assert result.ok, result.differences
    assert result.matched == 2
    assert result.stripe_transactions == 3
    assert [t.transaction_id for t in result.other_transactions] == ["txn_3QeTestPayout"]
    # Stripe's amounts, in rupiah: the charge, its fee, the refund of the Medan part.
    assert result.matched_totals.payments_idr == 765_000
    assert result.matched_totals.fees_idr == 26_011
    assert result.matched_totals.refunds_idr == -510_000
    assert result.matched_totals.net_idr == 765_000 - 26_011 - 510_000
    assert result.matched_totals == result.stripe_totals == result.ledger_totals
    # The demo order's sale, shipping and nothing else: it never went through Stripe.
    assert result.demo_entries_excluded == 3
    assert result.differences == []
    assert result.stripe_totals.net_idr == 228_989
    assert result.stripe_totals.count == 2


def test_a_refund_that_failed_matches_its_reversal(db, client, paid, rsps) -> None:
    shop, order = paid
    lapas_part = sb.part_of(order, shop.batik_lapas.id)
    sb.refund_through_stripe(rsps, lapas_part, refund_id="re_3QeTestFails", actor=UserFactory())
    failed = {
        **sf.refund_object(amount=510_000 * 100, order_number=order.number, status="failed"),
        "id": "re_3QeTestFails",
    }
    outcome = sf.post_event(client, sf.event("refund.updated", failed, event_id="evt_fails"))
    assert outcome.status_code == 200
    refund, failure = (
        sb.refund_transaction(
            txn_id=txn_id, refund_id="re_3QeTestFails", order_number=order.number,
            amount=amount, kind=kind,
        )
        for txn_id, amount, kind in (
            ("txn_3QeTestRefund", -510_000 * 100, "refund"),
            ("txn_3QeTestRefundFailure", 510_000 * 100, "refund_failure"),
        )
    )  # fmt: skip
    sb.mock_balance(rsps, [[failure, refund, _charge(order)]])

    result = reconciliation.reconcile(first_day=_today(), last_day=_today())

    assert result.ok, result.differences
    assert result.matched == 3
    assert result.matched_totals.refunds_idr == 0
    assert {item.category for item in result.items} == set(Category)


def test_a_dashboard_refund_is_missing_in_the_ledger_on_its_facility_order(db, paid, rsps) -> None:
    shop, order = paid
    coffee_part = sb.part_of(order, shop.coffee_rutan.id)
    dashboard = sb.refund_transaction(
        txn_id="txn_3QeTestDashboard", refund_id="re_3QeTestDashboard",
        order_number=order.number, amount=-255_000 * 100,
    )  # fmt: skip
    sb.mock_balance(rsps, [[dashboard, _charge(order)]])

    result = reconciliation.reconcile(first_day=_today(), last_day=_today())

    assert not result.ok
    (difference,) = result.differences
    assert difference.kind is DifferenceKind.MISSING_IN_LEDGER
    assert difference.item.category is Category.REFUND
    assert difference.item.source_id == "re_3QeTestDashboard"
    assert difference.item.order_number == order.number
    assert [ref.facility_order_id for ref in difference.item.facility_orders] == [coffee_part.id]
    assert result.matched == 1
    assert result.stripe_totals.refunds_idr == -255_000
    assert result.ledger_totals.refunds_idr == 0
    assert difference.item.stripe.transaction_id == "txn_3QeTestDashboard"
    assert difference.item.stripe.amount_idr == -255_000


def test_a_payment_in_the_ledger_missing_from_stripe(db, client, paid, rsps) -> None:
    shop, order = paid
    second, ids = sb.pay_again_through_stripe(client, rsps, shop, suffix="Second", fee=900_000)
    sb.mock_balance(rsps, [[_charge(order)]])

    result = reconciliation.reconcile(first_day=_today(), last_day=_today())

    (difference,) = result.differences
    assert difference.kind is DifferenceKind.MISSING_IN_STRIPE
    assert difference.item.source_id == ids["charge"]
    assert difference.item.order_number == second.number
    assert {ref.facility_order_id for ref in difference.item.facility_orders} == {
        part.id for part in second.parts
    }
    assert difference.item.ledger.amount_idr == second.total_idr
    assert difference.item.ledger.fee_idr == 9_000
    assert result.ledger_totals.payments_idr == 765_000 + second.total_idr
    assert result.stripe_totals.payments_idr == 765_000


def test_a_fee_that_differs_is_listed_with_both_fees(db, paid, rsps) -> None:
    _shop, order = paid
    sb.mock_balance(rsps, [[_charge(order, fee=2_700_000)]])

    result = reconciliation.reconcile(first_day=_today(), last_day=_today())

    (difference,) = result.differences
    assert difference.kind is DifferenceKind.FEE
    assert (difference.item.stripe.fee_idr, difference.item.ledger.fee_idr) == (27_000, 26_011)
    assert result.matched == 0


def test_an_amount_that_differs_and_a_charge_never_recorded(db, paid, rsps) -> None:
    _shop, order = paid
    stranger = sb.charge_transaction(
        txn_id="txn_3QeTestStranger", charge_id="ch_3QeTestStranger",
        intent_id="pi_3QeTestStranger", order_number="ETL-2026-999999", amount=5_000_000,
        fee=200_000,
    )  # fmt: skip
    sb.mock_balance(rsps, [[stranger, _charge(order, amount=75_000_000)]])

    result = reconciliation.reconcile(first_day=_today(), last_day=_today())

    kinds = {d.kind: d.item for d in result.differences}
    assert set(kinds) == {DifferenceKind.AMOUNT, DifferenceKind.MISSING_IN_LEDGER}
    assert kinds[DifferenceKind.AMOUNT].stripe.amount_idr == 750_000
    assert kinds[DifferenceKind.AMOUNT].ledger.amount_idr == 765_000
    assert kinds[DifferenceKind.MISSING_IN_LEDGER].order_number == "ETL-2026-999999"
    assert kinds[DifferenceKind.MISSING_IN_LEDGER].facility_orders == ()


def test_a_charge_of_the_evening_before_matches_its_payment_recorded_after_midnight(
    db, paid, rsps
) -> None:
    _shop, order = paid
    late = _charge(order, created=sb.before_the_day(_today(), minutes=5))
    sb.mock_balance(rsps, [[late]])

    result = reconciliation.reconcile(first_day=_today(), last_day=_today())

    assert result.ok, result.differences
    assert result.matched_totals.payments_idr == 765_000


def test_a_payment_of_another_period_is_not_listed(db, paid, rsps) -> None:
    yesterday = _today() - timedelta(days=1)
    sb.mock_balance(rsps, [[]], first_day=yesterday)

    result = reconciliation.reconcile(first_day=yesterday, last_day=yesterday)

    assert result.ok
    assert result.ledger_totals.count == 0


def test_stripe_errors_become_a_clear_message(db, paid, rsps) -> None:
    rsps.add(
        responses.GET,
        sb.BALANCE_URL,
        status=401,
        json={
            "error": {
                "message": "Invalid API Key provided: sk_test_****0000",
                "type": "invalid_request_error",
            }
        },
    )
    with pytest.raises(reconciliation.StripeUnreadable, match="Invalid API Key"):
        reconciliation.reconcile(first_day=_today(), last_day=_today())


def test_a_period_must_run_forwards_and_stripe_must_be_configured(app, db, rsps) -> None:
    with pytest.raises(reconciliation.ReconciliationError, match="Tanggal awal"):
        reconciliation.reconcile(first_day=date(2026, 12, 2), last_day=date(2026, 12, 1))
    with pytest.raises(reconciliation.ReconciliationError, match="366"):
        reconciliation.reconcile(first_day=date(2025, 1, 1), last_day=date(2026, 1, 2))
    app.config["STRIPE_SECRET_KEY"] = ""
    with pytest.raises(reconciliation.StripeNotConfigured, match="gateway demo"):
        reconciliation.reconcile(first_day=date(2026, 12, 1), last_day=date(2026, 12, 1))
    assert sb.balance_calls(rsps) == []


def test_the_period_is_counted_in_jakarta_time() -> None:
    chosen = reconciliation.period(first_day=date(2026, 12, 1), last_day=date(2026, 12, 31))
    assert chosen.starts_at().isoformat() == "2026-11-30T17:00:00+00:00"
    assert chosen.ends_at().isoformat() == "2026-12-31T17:00:00+00:00"
