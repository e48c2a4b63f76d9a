"""The ledger: each facility's rule in force at the time of sale, every rupiah accounted for."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from shop import payments
from shop.core import clock
from shop.core.money import allocate
from shop.ledger import posting
from shop.models import LedgerEntry, LedgerEntryKind, LedgerIsAppendOnly, SplitBasis, TimeZone
from shop.payments import events
from tests.checkout.helpers import place, two_facilities
from tests.factories import RevenueSplitRuleFactory


def _pay_demo(order) -> None:
    attempt = payments.start_payment(order=order, now=clock.now())
    assert events.simulate_demo_payment(attempt=attempt, outcome="pay", now=clock.now()) == "paid"


def _sale(db, facility_id: int) -> LedgerEntry:
    return db.session.scalars(
        select(LedgerEntry).where(
            LedgerEntry.kind == LedgerEntryKind.SALE, LedgerEntry.facility_id == facility_id
        )
    ).one()


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (100, [1, 1, 1], [34, 33, 33]),
        (-100, [1, 1, 1], [-34, -33, -33]),
        (26_011, [510_000, 255_000], [17_341, 8_670]),
        (7, [1500, 5000, 3500], [1, 4, 2]),
        (0, [3, 4], [0, 0]),
        (5, [0, 0], [3, 2]),
    ],
)
def test_largest_remainder_parts_add_up_exactly(total, weights, expected) -> None:
    parts = allocate(total, weights)
    assert parts == expected
    assert sum(parts) == total


def test_national_default_splits_the_margin_15_50_35(db) -> None:
    shop = two_facilities()
    _pay_demo(place(shop))
    batik = _sale(db, shop.batik_lapas.id)
    # 2 x Rp250.000, HPP 2 x Rp140.000: the margin Rp220.000 is shared, the HPP is cost.
    assert (batik.amount_idr, batik.cost_idr) == (500_000, 280_000)
    assert (batik.pnbp_idr, batik.premi_idr, batik.capital_idr) == (33_000, 110_000, 77_000)
    assert batik.split_basis is SplitBasis.MARGIN
    assert (batik.pnbp_bp, batik.premi_bp, batik.capital_bp) == (1500, 5000, 3500)


def test_a_facility_rule_on_sales_applies_to_that_facility_only(db) -> None:
    shop = two_facilities()
    rule = RevenueSplitRuleFactory(facility=shop.coffee_rutan)  # Bangli: 50/35/15 of sales
    _pay_demo(place(shop))
    coffee = _sale(db, shop.coffee_rutan.id)
    assert coffee.split_rule_id == rule.id
    assert (coffee.amount_idr, coffee.cost_idr) == (255_000, 0)
    assert (coffee.pnbp_idr, coffee.premi_idr, coffee.capital_idr) == (127_500, 89_250, 38_250)
    assert _sale(db, shop.batik_lapas.id).split_basis is SplitBasis.MARGIN


def test_the_rule_in_force_at_the_time_of_sale_applies(db) -> None:
    shop = two_facilities()
    old = RevenueSplitRuleFactory(
        facility=shop.coffee_rutan, valid_from=datetime(2020, 1, 1, tzinfo=UTC)
    )
    RevenueSplitRuleFactory(
        facility=shop.coffee_rutan,
        valid_from=clock.now() + timedelta(days=30),
        pnbp_bp=2000,
        premi_bp=6000,
        capital_bp=2000,
    )
    _pay_demo(place(shop))
    assert _sale(db, shop.coffee_rutan.id).split_rule_id == old.id
    later = posting.terms_in_force(
        facility_id=shop.coffee_rutan.id, at=clock.now() + timedelta(days=31)
    )
    assert (later.pnbp_bp, later.premi_bp) == (2000, 6000)


def test_a_national_default_recorded_by_central_replaces_the_built_in(db) -> None:
    shop = two_facilities()
    posting.add_split_rule(
        facility=None,
        valid_from=datetime(2024, 1, 1, tzinfo=UTC),
        basis=SplitBasis.SALES,
        pnbp_bp=1000,
        premi_bp=5000,
        capital_bp=4000,
        source="Surat Edaran Dirjenpas (contoh)",
    )
    _pay_demo(place(shop))
    batik = _sale(db, shop.batik_lapas.id)
    assert (batik.pnbp_idr, batik.premi_idr, batik.capital_idr) == (50_000, 250_000, 200_000)


def test_a_split_rule_must_add_up_and_name_its_source(db) -> None:
    with pytest.raises(posting.SplitRuleError, match="100%"):
        posting.add_split_rule(
            facility=None,
            valid_from=clock.now(),
            basis=SplitBasis.SALES,
            pnbp_bp=1000,
            premi_bp=1000,
            capital_bp=1000,
            source="x",
        )
    with pytest.raises(posting.SplitRuleError, match="dasar aturan"):
        posting.add_split_rule(
            facility=None,
            valid_from=clock.now(),
            basis=SplitBasis.SALES,
            pnbp_bp=5000,
            premi_bp=3500,
            capital_bp=1500,
            source=" ",
        )


def test_every_entry_adds_up_and_totals_match_the_order(db) -> None:
    shop = two_facilities()
    order = place(shop)
    _pay_demo(order)
    rows = db.session.scalars(select(LedgerEntry)).all()
    for entry in rows:
        assert entry.amount_idr == entry.cost_idr + entry.pnbp_idr + entry.premi_idr + (
            entry.capital_idr
        )
    per_facility = dict(
        db.session.execute(
            select(LedgerEntry.facility_id, func.sum(LedgerEntry.amount_idr)).group_by(
                LedgerEntry.facility_id
            )
        ).all()
    )
    assert per_facility == {p.facility_id: p.total_idr for p in order.parts}


def test_ledger_entries_cannot_be_changed_or_deleted(db) -> None:
    shop = two_facilities()
    _pay_demo(place(shop))
    entry = _sale(db, shop.batik_lapas.id)
    entry.amount_idr = 1
    with pytest.raises(LedgerIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(_sale(db, shop.batik_lapas.id))
    with pytest.raises(LedgerIsAppendOnly):
        db.session.commit()
    db.session.rollback()


def test_each_entry_is_dated_by_the_day_where_its_facility_is(db) -> None:
    shop = two_facilities()
    shop.coffee_rutan.kanwil.timezone = TimeZone.WITA
    db.session.commit()
    # 16:30 UTC on 30 November is 23:30 that day in Medan (WIB) but 00:30 on 1 December in
    # Kupang (WITA): each facility's sale counts for its own local day.
    moment = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
    order = place(shop, now=moment)
    attempt = payments.start_payment(order=order, now=moment)
    assert events.simulate_demo_payment(attempt=attempt, outcome="pay", now=moment) == "paid"
    assert _sale(db, shop.batik_lapas.id).local_date == date(2026, 11, 30)
    assert _sale(db, shop.coffee_rutan.id).local_date == date(2026, 12, 1)
