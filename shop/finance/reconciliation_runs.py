"""A reconciliation asked for in the back office, run by a job, its result kept in the database.

Reading Stripe takes a page of 100 transactions per call, and Stripe may be slow or away: the
page does not wait for it. `start` records the period and queues `finance.reconcile`; the job
runs `reconciliation.reconcile` and stores the result (`as_record`, plain JSON of integers and
strings) or why it could not run; the page reads it back with `result_of`. `flask shop
reconcile` still runs at once, in its own process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from shop.core import clock, jobs, locks
from shop.core.clock import Period
from shop.core.i18n import lazy_gettext as _l
from shop.database import db
from shop.finance import reconciliation
from shop.finance.reconciliation import (
    Category,
    Difference,
    DifferenceKind,
    FacilityOrderRef,
    Item,
    LedgerGroup,
    Reconciliation,
    Totals,
)
from shop.models import JobState, ReconciliationRun, User
from shop.payments.gateway import BalanceLine

log = logging.getLogger("etalase.reconciliation")

RUN_JOB = "finance.reconcile"
RECENT = 10


def start(*, first_day: date, last_day: date, requested_by: User) -> ReconciliationRun:
    """Check the period and that Stripe is configured, record the run and queue it (the caller
    commits). Raises `ReconciliationError` with the reason otherwise; nothing is recorded."""
    reconciliation.period(first_day=first_day, last_day=last_day)
    if not reconciliation.stripe_configured():
        raise reconciliation.StripeNotConfigured()
    run = ReconciliationRun(
        requested_by=requested_by, first_day=first_day, last_day=last_day, state=JobState.QUEUED
    )
    db.session.add(run)
    db.session.flush()
    jobs.defer(RUN_JOB, run_id=run.id)
    return run


def run(*, run_id: int, save_progress: Callable[[], None]) -> None:
    """The job's work: reconcile the run's period and record the result, or why it failed.

    Only a queued run is taken, under its row lock: a job delivered twice asks Stripe once.
    """
    found = next(iter(locks.lock_rows(ReconciliationRun, [run_id])), None)
    if found is None or found.state is not JobState.QUEUED:
        return
    found.state = JobState.RUNNING
    save_progress()
    try:
        result = reconciliation.reconcile(first_day=found.first_day, last_day=found.last_day)
    except reconciliation.ReconciliationError as error:
        db.session.rollback()
        _finish(run_id, error=str(error))
        return
    except Exception as error:
        db.session.rollback()
        log.exception("Reconciliation run %s failed", run_id)
        _finish(
            run_id,
            error=str(
                _l(
                    "Rekonsiliasi gagal (%(error)s).",
                    error=f"{type(error).__name__}: {error}"[:500],
                )
            ),
        )
        return
    _finish(run_id, result=as_record(result))


def _finish(run_id: int, *, result: dict[str, Any] | None = None, error: str | None = None) -> None:
    found = db.session.get(ReconciliationRun, run_id)
    if found is None:
        return
    found.state = JobState.FAILED if error is not None else JobState.DONE
    found.result, found.error, found.finished_at = result, error, clock.now()


def recent() -> list[ReconciliationRun]:
    """The last runs, newest first, for the page's list."""
    return list(
        db.session.scalars(
            select(ReconciliationRun).order_by(ReconciliationRun.id.desc()).limit(RECENT)
        )
    )


def result_of(found: ReconciliationRun) -> Reconciliation | None:
    """The stored result as the reconciliation it was, for the page to show."""
    return from_record(found.result) if found.result is not None else None


# The stored form: dates and instants as ISO text, amounts as integer rupiah.


def as_record(result: Reconciliation) -> dict[str, Any]:
    return {
        "period": [result.period.start.isoformat(), result.period.end.isoformat()],
        "test_mode": result.test_mode,
        "stripe_transactions": result.stripe_transactions,
        "stripe_totals": asdict(result.stripe_totals),
        "ledger_totals": asdict(result.ledger_totals),
        "matched_totals": asdict(result.matched_totals),
        "matched": result.matched,
        "differences": [
            {"kind": d.kind.value, "item": _item_record(d.item)} for d in result.differences
        ],
        "other_transactions": [_line_record(line) for line in result.other_transactions],
        "demo_entries_excluded": result.demo_entries_excluded,
    }


def from_record(record: dict[str, Any]) -> Reconciliation:
    first, last = record["period"]
    return Reconciliation(
        period=Period(date.fromisoformat(first), date.fromisoformat(last)),
        test_mode=record["test_mode"],
        stripe_transactions=record["stripe_transactions"],
        stripe_totals=Totals(**record["stripe_totals"]),
        ledger_totals=Totals(**record["ledger_totals"]),
        matched_totals=Totals(**record["matched_totals"]),
        matched=record["matched"],
        differences=[
            Difference(DifferenceKind(d["kind"]), _item(d["item"])) for d in record["differences"]
        ],
        other_transactions=[_line(line) for line in record["other_transactions"]],
        demo_entries_excluded=record["demo_entries_excluded"],
    )


def _item_record(item: Item) -> dict[str, Any]:
    return {
        "category": item.category.value,
        "stripe": _line_record(item.stripe) if item.stripe is not None else None,
        "ledger": _group_record(item.ledger) if item.ledger is not None else None,
        "order_number": item.order_number,
        "facility_orders": [
            [ref.facility_order_id, ref.facility_name] for ref in item.facility_orders
        ],
    }


def _item(record: dict[str, Any]) -> Item:
    return Item(
        category=Category(record["category"]),
        stripe=_line(record["stripe"]) if record["stripe"] is not None else None,
        ledger=_group(record["ledger"]) if record["ledger"] is not None else None,
        order_number=record["order_number"],
        facility_orders=tuple(
            FacilityOrderRef(id_, name) for id_, name in record["facility_orders"]
        ),
    )


def _line_record(line: BalanceLine) -> dict[str, Any]:
    return {**asdict(line), "created_at": line.created_at.isoformat()}


def _line(record: dict[str, Any]) -> BalanceLine:
    return BalanceLine(**{**record, "created_at": datetime.fromisoformat(record["created_at"])})


def _group_record(group: LedgerGroup) -> dict[str, Any]:
    return {
        **asdict(group),
        "category": group.category.value,
        "occurred_at": group.occurred_at.isoformat(),
    }


def _group(record: dict[str, Any]) -> LedgerGroup:
    return LedgerGroup(
        **{
            **record,
            "category": Category(record["category"]),
            "occurred_at": datetime.fromisoformat(record["occurred_at"]),
        }
    )
