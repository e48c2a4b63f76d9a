"""Refunds through Stripe: whole parts or some lines, idempotent, reversed for one facility."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
import responses
from sqlalchemy import func, select

from shop.core import clock
from shop.models import (
    FacilityOrderStatus,
    LedgerEntry,
    LedgerEntryKind,
    ProductVariant,
    RefundStatus,
    StockMovement,
    StockReason,
)
from shop.ordering import orders
from shop.payments import refunds
from tests.checkout import stripe_fixtures as sf
from tests.factories import StaffFactory, UserFactory


@pytest.fixture
def config_overrides() -> dict[str, object]:
    return dict(sf.STRIPE_CONFIG)


def _facility_sums(db, facility_id: int) -> tuple[int, int, int, int, int]:
    row = db.session.execute(
        select(
            func.sum(LedgerEntry.amount_idr),
            func.sum(LedgerEntry.cost_idr),
            func.sum(LedgerEntry.pnbp_idr),
            func.sum(LedgerEntry.premi_idr),
            func.sum(LedgerEntry.capital_idr),
        ).where(
            LedgerEntry.facility_id == facility_id,
            LedgerEntry.kind.in_(
                [
                    LedgerEntryKind.SALE,
                    LedgerEntryKind.SHIPPING,
                    LedgerEntryKind.REFUND,
                    LedgerEntryKind.REVERSAL,
                ]
            ),
        )
    ).one()
    return tuple(int(v or 0) for v in row)


def test_full_refund_of_one_facility_reverses_only_its_entries(db, paid, rsps) -> None:
    shop, order = paid
    lapas_part = next(p for p in order.parts if p.facility_id == shop.batik_lapas.id)
    rutan_before = _facility_sums(db, shop.coffee_rutan.id)
    rsps.add(
        responses.POST,
        f"{sf.API}/refunds",
        json=sf.refund_object(amount=510_000 * 100, order_number=order.number),
    )
    central = UserFactory()
    refund = refunds.refund_facility_order(
        facility_order=lapas_part,
        quantities=None,
        include_shipping=True,
        restock=True,
        reason="Barang rusak",
        idempotency_key="refund-form-1",
        actor=central,
        now=clock.now(),
    )
    request = rsps.calls[-1].request
    assert parse_qs(request.body)["amount"] == ["51000000"]
    assert parse_qs(request.body)["payment_intent"] == ["pi_3QeTestEtalase0001"]
    assert request.headers["Idempotency-Key"] == "refund-form-1"
    assert refund.status is RefundStatus.SUCCEEDED
    assert refund.amount_idr == 510_000
    db.session.expire_all()
    assert lapas_part.status is FacilityOrderStatus.REFUNDED
    assert _facility_sums(db, shop.batik_lapas.id) == (0, 0, 0, 0, 0)
    assert _facility_sums(db, shop.coffee_rutan.id) == rutan_before
    assert db.session.get(ProductVariant, shop.batik.id).stock == 5  # restocked
    restocked = db.session.scalars(
        select(StockMovement).where(
            StockMovement.variant_id == shop.batik.id, StockMovement.reason == StockReason.REFUND
        )
    ).one()
    assert (restocked.quantity, restocked.stock_after, restocked.note) == (2, 5, order.number)
    # The Stripe fee is not returned by Stripe on refunds, so its entry stays.
    fee = db.session.scalar(
        select(func.sum(LedgerEntry.amount_idr)).where(
            LedgerEntry.kind == LedgerEntryKind.STRIPE_FEE
        )
    )
    assert fee == -26_011


def test_partial_refunds_unit_by_unit_return_the_exact_split(db, paid, rsps) -> None:
    shop, order = paid
    rutan_part = next(p for p in order.parts if p.facility_id == shop.coffee_rutan.id)
    line = rutan_part.lines[0]
    for n, key in enumerate(["r-a", "r-b", "r-c"]):
        rsps.add(
            responses.POST,
            f"{sf.API}/refunds",
            json=sf.refund_object(
                refund_id=f"re_3QePartial000{n}", amount=85_000 * 100, order_number=order.number
            ),
        )
        refunds.refund_facility_order(
            facility_order=rutan_part,
            quantities={line.id: 1},
            include_shipping=False,
            restock=False,
            reason="",
            idempotency_key=key,
            actor=None,
            now=clock.now(),
        )
        db.session.expire_all()
        amount = _facility_sums(db, shop.coffee_rutan.id)[0]
        assert amount == 85_000 * (2 - n)
        if n < 2:
            assert rutan_part.status is FacilityOrderStatus.PAID
    assert _facility_sums(db, shop.coffee_rutan.id) == (0, 0, 0, 0, 0)
    assert rutan_part.status is FacilityOrderStatus.REFUNDED
    assert db.session.get(ProductVariant, shop.coffee.id).stock == 17  # not restocked


def test_a_repeated_refund_request_refunds_once(db, paid, rsps) -> None:
    shop, order = paid
    part = next(p for p in order.parts if p.facility_id == shop.coffee_rutan.id)
    rsps.add(
        responses.POST,
        f"{sf.API}/refunds",
        json=sf.refund_object(amount=85_000 * 100, order_number=order.number),
    )
    kwargs = {
        "facility_order": part,
        "quantities": {part.lines[0].id: 1},
        "include_shipping": False,
        "restock": False,
        "reason": "",
        "idempotency_key": "same-form",
        "actor": None,
    }
    first = refunds.refund_facility_order(**kwargs, now=clock.now())
    second = refunds.refund_facility_order(**kwargs, now=clock.now())
    assert first.id == second.id
    assert len([c for c in rsps.calls if c.request.url.endswith("/refunds")]) == 1
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(LedgerEntry)
            .where(LedgerEntry.kind == LedgerEntryKind.REFUND)
        )
        == 1
    )


def test_too_many_units_are_refused_and_nothing_changes(db, paid, rsps) -> None:
    shop, order = paid
    part = next(p for p in order.parts if p.facility_id == shop.coffee_rutan.id)
    with pytest.raises(orders.NotYourFacility):
        refunds.refund_facility_order(
            facility_order=part,
            quantities=None,
            include_shipping=True,
            restock=False,
            reason="",
            idempotency_key="other-staff",
            now=clock.now(),
            actor=StaffFactory(facility=shop.batik_lapas),
        )
    with pytest.raises(refunds.RefundError, match="melebihi"):
        refunds.refund_facility_order(
            facility_order=part,
            quantities={part.lines[0].id: 4},
            include_shipping=False,
            restock=False,
            reason="",
            idempotency_key="too-many",
            actor=None,
            now=clock.now(),
        )
    assert not [c for c in rsps.calls if c.request.url.endswith("/refunds")]
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(LedgerEntry)
            .where(LedgerEntry.kind == LedgerEntryKind.REFUND)
        )
        == 0
    )


def test_stripe_refusing_a_refund_is_a_message_and_no_ledger_change(db, paid, rsps) -> None:
    shop, order = paid
    part = next(p for p in order.parts if p.facility_id == shop.coffee_rutan.id)
    rsps.add(
        responses.POST,
        f"{sf.API}/refunds",
        status=400,
        json={
            "error": {
                "code": "charge_already_refunded",
                "message": "Charge ch_3Qe has already been refunded.",
                "type": "invalid_request_error",
            }
        },
    )
    with pytest.raises(refunds.RefundError, match="Stripe menolak"):
        refunds.refund_facility_order(
            facility_order=part,
            quantities=None,
            include_shipping=True,
            restock=False,
            reason="",
            idempotency_key="refused",
            actor=None,
            now=clock.now(),
        )
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(LedgerEntry)
            .where(LedgerEntry.kind == LedgerEntryKind.REFUND)
        )
        == 0
    )


def test_refund_events_confirm_or_undo_a_refund(db, client, paid, rsps) -> None:
    shop, order = paid
    part = next(p for p in order.parts if p.facility_id == shop.coffee_rutan.id)
    rsps.add(
        responses.POST,
        f"{sf.API}/refunds",
        json=sf.refund_object(amount=255_000 * 100, order_number=order.number, status="pending"),
    )
    refund = refunds.refund_facility_order(
        facility_order=part,
        quantities=None,
        include_shipping=True,
        restock=False,
        reason="",
        idempotency_key="pending-one",
        actor=None,
        now=clock.now(),
    )
    assert refund.status is RefundStatus.PENDING
    assert part.status is FacilityOrderStatus.PAID  # refunded only once the money went back
    failed = sf.refund_object(amount=255_000 * 100, order_number=order.number, status="failed")
    response = sf.post_event(client, sf.event("refund.updated", failed, event_id="evt_rf"))
    assert response.get_json()["outcome"] == "re_3QeTestEtalase0001 failed"
    db.session.expire_all()
    assert refund.status is RefundStatus.FAILED
    assert part.refunded_idr == 0
    assert part.status is FacilityOrderStatus.PAID
    assert _facility_sums(db, shop.coffee_rutan.id)[0] == 255_000
    charge = sf.refunded_charge(
        amount=765_000 * 100, amount_refunded=100, order_number=order.number
    )
    sf.mock_refunds_of_charge(
        rsps,
        "ch_3QeTestEtalase0001",
        [sf.refund_object(refund_id="re_unknown", amount=100, order_number="x")],
    )
    response = sf.post_event(client, sf.event("charge.refunded", charge, event_id="evt_cr"))
    assert response.get_json()["outcome"] == "re_unknown unmatched"
