"""A reconciliation run keeps its result in the database and reads it back unchanged."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import select

from shop.cli.reconcile import summary_lines
from shop.core import unit_of_work
from shop.core.clock import Period
from shop.finance import reconciliation, reconciliation_runs
from shop.models import FacilityKind, JobState, ReconciliationRun, SalesChannel
from shop.reporting.periods import ReportFilters, ReportQuery, query_from_args
from tests.checkout import stripe_fixtures as sf
from tests.factories import UserFactory
from tests.services import stripe_balance as sb


@pytest.fixture
def config_overrides() -> dict[str, object]:
    return dict(sf.STRIPE_CONFIG)


def test_a_stored_result_reads_back_as_the_reconciliation_it_was(db, paid, rsps) -> None:
    shop, order = paid
    part = sb.part_of(order, shop.coffee_rutan.id)
    dashboard = sb.refund_transaction(
        txn_id="txn_3QeTestDashboard", refund_id="re_3QeTestDashboard",
        order_number=order.number, amount=-255_000 * 100,
    )  # fmt: skip
    wrong_fee = sb.charge_transaction(
        order_number=order.number, amount=sf.TWO_FACILITIES_TOTAL_IDR * 100, fee=sb.FIRST_FEE + 100
    )
    payout = sb.payout_transaction(txn_id="txn_3QeTestPayout", amount=10_000_000)
    sb.mock_balance(rsps, [[dashboard, payout], [wrong_fee]])
    today = sb.today_in_jakarta()
    run = reconciliation_runs.start(first_day=today, last_day=today, requested_by=UserFactory())
    unit_of_work.commit()  # without Redis the job runs after this commit
    db.session.expire_all()

    stored = db.session.scalars(select(ReconciliationRun)).one()
    assert stored.id == run.id and stored.state is JobState.DONE
    json.dumps(stored.result)  # plain JSON: strings, integers, lists
    kept = reconciliation_runs.result_of(stored)
    sb.mock_balance(rsps, [[dashboard, payout], [wrong_fee]])
    fresh = reconciliation.reconcile(first_day=today, last_day=today)
    assert kept == replace(fresh, items=[])
    assert {d.kind for d in kept.differences} == {
        reconciliation.DifferenceKind.MISSING_IN_LEDGER, reconciliation.DifferenceKind.FEE,
    }  # fmt: skip
    (missing,) = kept.by_kind(reconciliation.DifferenceKind.MISSING_IN_LEDGER)
    assert missing.item.facility_orders == (
        reconciliation.FacilityOrderRef(part.id, shop.coffee_rutan.name),
    )
    assert summary_lines(kept) == summary_lines(fresh)


def test_a_run_finished_once_is_not_run_again(db, rsps) -> None:
    today = sb.today_in_jakarta()
    run = ReconciliationRun(
        requested_by=UserFactory(), first_day=today, last_day=today, state=JobState.FAILED,
        error="Stripe tidak dapat dihubungi.",
    )  # fmt: skip
    db.session.add(run)
    db.session.commit()
    reconciliation_runs.run(run_id=run.id, save_progress=unit_of_work.commit)
    assert sb.balance_calls(rsps) == []
    assert run.error == "Stripe tidak dapat dihubungi."


def test_report_arguments_read_back_to_the_same_query(db) -> None:
    query = ReportQuery(
        period=Period(sb.today_in_jakarta().replace(day=1), sb.today_in_jakarta()),
        filters=ReportFilters(
            kanwil_id=3, facility_id=7, facility_kind=FacilityKind.LPKA, no_category=True,
            entry_kind="refunds", product_id=11, top_category_id=2, channel=SalesChannel.EVENT,
        ),
    )  # fmt: skip
    assert query_from_args(query.args()) == query
    with_category = replace(query, filters=query.filters.but(no_category=False, category_id=5))
    assert query_from_args(with_category.args()) == with_category
