"""A stand sale moves stock, writes ledger entries split by the facility's rule with the stand's
channel; voids and returns reverse them; sending the same sale again records it once."""

from __future__ import annotations

import threading
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from shop.core import clock
from shop.core.clock import Period
from shop.database import db
from shop.models import (
    AuditEvent,
    LedgerEntry,
    LedgerEntryKind,
    ProductStatus,
    ProductVariant,
    Role,
    SalesChannel,
    StandSale,
    StandSaleStatus,
    StockMovement,
    StockReason,
    User,
)
from shop.reporting import reports
from shop.reporting.periods import ReportFilters
from shop.tills import returns, selling, stands
from shop.tills.errors import TillError
from tests.checkout.test_stock_reservation import ON_POSTGRES
from tests.factories import StaffFactory
from tests.tills.helpers import facility_with_rule, open_showroom, payload, sell, variant


def _entries(sale: StandSale) -> list[LedgerEntry]:
    return list(
        db.session.scalars(
            select(LedgerEntry).where(LedgerEntry.stand_sale_id == sale.id).order_by(LedgerEntry.id)
        )
    )


def test_a_stand_sale_takes_stock_and_writes_split_entries_with_the_channel(db) -> None:
    facility = facility_with_rule()
    chair, cloth = variant(facility, price=150_000, stock=5), variant(facility, price=75_000)
    stand, staff = open_showroom(facility)

    sale = sell(stand, staff, (chair, 2), (cloth, 1), cash_received=400_000)

    assert sale.status is StandSaleStatus.RECORDED
    assert sale.total_idr == 375_000 and sale.change_idr == 25_000
    db.session.expire_all()
    assert db.session.get(ProductVariant, chair.id).stock == 3
    moved = db.session.scalars(
        select(StockMovement).where(StockMovement.variant_id == chair.id)
    ).all()
    assert [(m.reason, m.quantity, m.note) for m in moved][-1] == (
        StockReason.SOLD_STAND, -2, sale.number,
    )  # fmt: skip
    entries = _entries(sale)
    assert [(e.kind, e.channel, e.amount_idr) for e in entries] == [
        (LedgerEntryKind.SALE, SalesChannel.SHOWROOM, 300_000),
        (LedgerEntryKind.SALE, SalesChannel.SHOWROOM, 75_000),
    ]
    first = entries[0]
    assert (first.pnbp_idr, first.premi_idr, first.capital_idr) == (150_000, 105_000, 45_000)
    assert first.facility_id == facility.id and first.order_id is None
    assert first.gateway == "till_cash"


def test_an_event_stand_posts_with_the_event_channel(db) -> None:
    facility = facility_with_rule()
    mug = variant(facility)
    staff = StaffFactory(facility=facility)
    today = clock.local_date(clock.now(), facility.timezone)
    stand = stands.open_stand(
        actor=staff, now=clock.now(),
        new_event=stands.NewEvent("IPPA Fest", "Jakarta Convention Center", today, today),
    )  # fmt: skip
    db.session.commit()
    sale = sell(stand, staff, (mug, 1), payment="qris", reference="QR-889911")
    assert [e.channel for e in _entries(sale)] == [SalesChannel.EVENT]
    assert _entries(sale)[0].payment_intent_id == "QR-889911"


def test_a_void_reverses_the_ledger_to_zero_and_puts_stock_back(db) -> None:
    facility = facility_with_rule()
    chair = variant(facility, price=123_457, stock=4)
    stand, staff = open_showroom(facility)
    sale = sell(stand, staff, (chair, 3))

    returns.void_sale(sale=sale, reason="Pembeli batal", actor=staff, now=clock.now())
    db.session.commit()

    db.session.expire_all()
    sale = db.session.get(StandSale, sale.id)
    assert sale.status is StandSaleStatus.VOIDED
    assert db.session.get(ProductVariant, chair.id).stock == 4
    sums = db.session.execute(
        select(
            func.sum(LedgerEntry.amount_idr), func.sum(LedgerEntry.pnbp_idr),
            func.sum(LedgerEntry.premi_idr), func.sum(LedgerEntry.capital_idr),
            func.sum(LedgerEntry.quantity),
        ).where(LedgerEntry.stand_sale_id == sale.id)
    ).one()  # fmt: skip
    assert tuple(sums) == (0, 0, 0, 0, 0)
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "stand_sale.void"))
    with pytest.raises(TillError):
        returns.void_sale(sale=sale, reason="lagi", actor=staff, now=clock.now())


def test_returning_units_one_by_one_returns_the_split_exactly(db) -> None:
    facility = facility_with_rule()
    chair = variant(facility, price=100_001, stock=4)
    stand, staff = open_showroom(facility)
    sale = sell(stand, staff, (chair, 3))
    line_id = sale.lines[0].id
    for _ in range(3):
        returns.return_items(
            sale=sale, quantities={line_id: 1}, reason="Cacat", actor=staff, now=clock.now()
        )
        db.session.commit()
    entries = _entries(sale)
    assert sum(e.pnbp_idr for e in entries) == 0 and sum(e.premi_idr for e in entries) == 0
    assert db.session.get(StandSale, sale.id).status is StandSaleStatus.VOIDED
    with pytest.raises(TillError):
        returns.return_items(
            sale=sale, quantities={line_id: 1}, reason="Cacat", actor=staff, now=clock.now()
        )


def test_the_same_sale_sent_three_times_is_recorded_once(db) -> None:
    facility = facility_with_rule()
    chair = variant(facility, stock=5)
    stand, staff = open_showroom(facility)
    sent = payload((chair, 1))
    answers = []
    for _ in range(3):
        sale = selling.record_sale(
            stand=stand, request=selling.parse(sent), actor=staff, now=clock.now()
        )
        db.session.commit()
        answers.append(selling.result(sale))
    assert answers[0] == answers[1] == answers[2]
    assert db.session.scalar(select(func.count()).select_from(StandSale)) == 1
    assert db.session.get(ProductVariant, chair.id).stock == 4
    assert len(_entries(sale)) == 1


def test_a_sale_whose_stock_is_gone_is_kept_as_rejected_and_changes_nothing(db) -> None:
    facility = facility_with_rule()
    chair = variant(facility, stock=1)
    stand, staff = open_showroom(facility)
    sell(stand, staff, (chair, 1))
    late = sell(stand, staff, (chair, 1))
    assert late.status is StandSaleStatus.REJECTED
    assert "tinggal 0" in late.rejection
    assert _entries(late) == []
    assert db.session.get(ProductVariant, chair.id).stock == 0


def test_a_withdrawn_product_and_a_closed_stand_are_rejected(db) -> None:
    facility = facility_with_rule()
    chair, lamp = variant(facility), variant(facility)
    stand, staff = open_showroom(facility)
    lamp.product.status = ProductStatus.ARCHIVED
    db.session.commit()
    assert sell(stand, staff, (lamp, 1)).status is StandSaleStatus.REJECTED
    stands.close_stand(stand=stand, counted_cash_idr=100_000, note="", actor=staff, now=clock.now())
    db.session.commit()
    closed = sell(stand, staff, (chair, 1))
    assert closed.status is StandSaleStatus.REJECTED and "ditutup" in closed.rejection


def test_closing_records_expected_and_counted_cash_and_the_difference(db) -> None:
    facility = facility_with_rule()
    chair = variant(facility, price=50_000)
    stand, staff = open_showroom(facility)  # float Rp100.000
    sell(stand, staff, (chair, 2))  # cash 100.000
    sell(stand, staff, (chair, 1), payment="card", reference="EDC-1")  # not cash
    with pytest.raises(TillError):  # a difference needs a note
        stands.close_stand(stand=stand, counted_cash_idr=190_000, note="", actor=staff,
                           now=clock.now())  # fmt: skip
    stands.close_stand(stand=stand, counted_cash_idr=190_000, note="Kembalian salah",
                       actor=staff, now=clock.now())  # fmt: skip
    db.session.commit()
    assert (stand.expected_cash_idr, stand.counted_cash_idr, stand.cash_difference_idr) == (
        200_000, 190_000, -10_000,
    )  # fmt: skip
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "stand.close"))


def test_staff_of_another_facility_cannot_sell_at_the_stand(db) -> None:
    facility = facility_with_rule()
    chair = variant(facility)
    stand, _staff = open_showroom(facility)
    stranger = StaffFactory()
    with pytest.raises(TillError):
        selling.record_sale(stand=stand, request=selling.parse(payload((chair, 1))),
                            actor=stranger, now=clock.now())  # fmt: skip


def test_bad_input_is_refused_with_a_message(db) -> None:
    facility = facility_with_rule()
    chair = variant(facility)
    for bad in (
        {},
        payload((chair, 1), client_id="not-a-uuid"),
        payload((chair, 1), payment="bitcoin"),
        payload((chair, 1), payment="qris"),  # no reference
        payload((chair, 0)),
        {**payload((chair, 1)), "lines": []},
        payload((chair, 1), cash_received=1),
    ):
        with pytest.raises(TillError):
            selling.parse(bad)


def test_one_open_showroom_stand_per_facility(db) -> None:
    facility = facility_with_rule()
    _stand, staff = open_showroom(facility)
    with pytest.raises(TillError):
        stands.open_stand(actor=staff, now=clock.now())


def test_an_event_not_running_today_cannot_be_opened(db) -> None:
    staff = StaffFactory()
    with pytest.raises(TillError):
        stands.open_stand(
            actor=staff, now=clock.now(),
            new_event=stands.NewEvent("Pameran", "Medan", date(2020, 1, 1), date(2020, 1, 2)),
        )  # fmt: skip


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only: set TEST_DATABASE_URL (row locks)")
def test_the_same_sale_sent_by_three_threads_at_once_is_recorded_once(app, db) -> None:
    facility = facility_with_rule()
    chair = variant(facility, stock=5)
    stand, staff = open_showroom(facility)
    sent = payload((chair, 1), client_id=str(uuid.uuid4()))
    ids = (stand.id, staff.id)
    barrier = threading.Barrier(3)
    answers: list[dict] = []
    lock = threading.Lock()

    def send() -> None:
        from shop.models import Stand, User

        with app.app_context():
            barrier.wait()
            sale = selling.record_sale(
                stand=db.session.get(Stand, ids[0]), request=selling.parse(sent),
                actor=db.session.get(User, ids[1]), now=clock.now(),
            )  # fmt: skip
            answer = selling.result(sale)
            db.session.commit()
            with lock:
                answers.append(answer)
            db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 3 and answers[0] == answers[1] == answers[2]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(StandSale)) == 1
    assert db.session.get(ProductVariant, chair.id).stock == 4


def test_the_reports_count_stand_sales_and_their_returns(db) -> None:
    """Reports read the ledger: a stand sale is in the gross, a return in the refunds; the sale
    counts as one, its return comes off the net, and the drill-down names both."""

    facility = facility_with_rule()
    chair = variant(facility, price=200_000, stock=5)
    stand, staff = open_showroom(facility)
    sale = sell(stand, staff, (chair, 2))
    returns.return_items(
        sale=sale, quantities={sale.lines[0].id: 1}, reason="Cacat", actor=staff, now=clock.now()
    )
    db.session.commit()
    central = User(role=Role.CENTRAL)
    today = clock.local_date(clock.now(), facility.timezone)
    figures = reports.totals(
        user=central, period=Period(today, today), filters=ReportFilters(facility_id=facility.id)
    )
    assert (figures.gross_idr, figures.refunds_idr, figures.items) == (400_000, -200_000, 1)
    assert figures.pnbp_idr == 100_000  # 50% of the Rp200.000 kept
    assert (figures.orders, figures.net_idr) == (1, 200_000)
    args = {"user": central, "period": Period(today, today)}
    channels = reports.by_channel(**args, filters=ReportFilters(facility_id=facility.id))
    showroom = channels.table.rows[list(SalesChannel).index(SalesChannel.SHOWROOM)]
    assert showroom[0] == SalesChannel.SHOWROOM.label and showroom[1] == 400_000
    page = reports.entries_page(**args, filters=ReportFilters(facility_id=facility.id), per_page=10)
    assert {(row.kind, row.order_number, row.product_name, row.facility_order_id)
            for row in page.rows} == {
        (LedgerEntryKind.SALE, sale.number, sale.lines[0].product_name, None),
        (LedgerEntryKind.REFUND, sale.number, sale.lines[0].product_name, None),
    }  # fmt: skip
    best = reports.best_sellers(**args, filters=ReportFilters(facility_id=facility.id))
    assert [row[:3] for row in best.table.rows] == [[chair.product.name, 200_000, 1]]
