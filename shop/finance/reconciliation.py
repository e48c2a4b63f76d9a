"""Reconciling the ledger with Stripe's balance transactions, payment by payment.

The period is a range of calendar days in Asia/Jakarta (WIB, the national view: a `Period` of
`shop.core.clock`): from the first day at 00:00 WIB up to the day after the last at 00:00 WIB,
as UTC instants. Stripe is asked for the balance transactions created in that range
(`created[gte]` / `created[lt]`), and one day before it as well: a payment whose webhook came
after midnight is recorded in the ledger on the next day, and must still find its charge. Those
earlier transactions only serve to match; they are never listed as missing.

- A `charge` / `payment` transaction is one paid order: its amount is the sum of the order's
  sale and shipping entries, its fee minus the sum of its `stripe_fee` entries.
- A `refund` / `payment_refund` is one refund of a facility's part: the sum of its refund
  entries. A `refund_failure` is the reversal entries written when that refund failed.
- Other transactions (payouts, Stripe's own fees, adjustments) belong to no order: they are
  counted, listed apart, and are not differences.

Only ledger entries of the Stripe gateway take part; entries of the demo gateway never went
through Stripe and are left out (their number is reported). Amounts are compared in rupiah,
converted from Stripe's minor units by the gateway exactly as the ledger was written.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, or_, select

from shop.core import settings
from shop.core.clock import Period
from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.database import db
from shop.models import FacilityOrder, LedgerEntry, LedgerEntryKind, Order
from shop.payments.gateway import BalanceLine, PaymentError
from shop.payments.stripe_gateway import StripeGateway

MAX_DAYS = 366
LOOKBACK = timedelta(days=1)
PAYMENT_TYPES = frozenset({"charge", "payment"})
REFUND_TYPES = frozenset({"refund", "payment_refund"})
REFUND_FAILURE_TYPES = frozenset({"refund_failure"})
STRIPE = "stripe"


class ReconciliationError(DomainError):
    """The reconciliation cannot be made (bad period, Stripe not configured or unreachable)."""


class StripeNotConfigured(ReconciliationError):
    def __init__(self) -> None:
        super().__init__(
            _l(
                "Rekonsiliasi memerlukan Stripe: STRIPE_SECRET_KEY belum diatur, situs ini "
                "memakai gateway demo."
            )
        )


class StripeUnreadable(ReconciliationError):
    """Stripe answered with an error, or not at all."""


class Category(enum.StrEnum):
    PAYMENT = "payment"
    REFUND = "refund"
    REFUND_FAILURE = "refund_failure"


class DifferenceKind(enum.StrEnum):
    MISSING_IN_LEDGER = "missing_in_ledger"
    MISSING_IN_STRIPE = "missing_in_stripe"
    AMOUNT = "amount"
    FEE = "fee"


CATEGORY_LABELS = {
    Category.PAYMENT: _l("Pembayaran"),
    Category.REFUND: _l("Pengembalian dana"),
    Category.REFUND_FAILURE: _l("Pengembalian gagal"),
}
DIFFERENCE_LABELS = {
    DifferenceKind.MISSING_IN_LEDGER: _l("Ada di Stripe, tidak ada di buku besar"),
    DifferenceKind.MISSING_IN_STRIPE: _l("Ada di buku besar, tidak ada di Stripe"),
    DifferenceKind.AMOUNT: _l("Jumlah berbeda"),
    DifferenceKind.FEE: _l("Biaya Stripe berbeda"),
}


def period(*, first_day: date, last_day: date) -> Period:
    if first_day > last_day:
        raise ReconciliationError(_l("Tanggal awal harus sebelum atau sama dengan tanggal akhir."))
    if (last_day - first_day).days >= MAX_DAYS:
        raise ReconciliationError(
            _l("Periode rekonsiliasi paling panjang %(days)s hari.", days=MAX_DAYS)
        )
    return Period(first_day, last_day)


@dataclass(frozen=True)
class FacilityOrderRef:
    facility_order_id: int
    facility_name: str


@dataclass(frozen=True)
class Item:
    """One payment, refund or failed refund as either side, or both, know it."""

    category: Category
    stripe: BalanceLine | None
    ledger: LedgerGroup | None
    order_number: str | None
    facility_orders: tuple[FacilityOrderRef, ...]

    @property
    def source_id(self) -> str | None:
        if self.stripe is not None and self.stripe.source_id:
            return self.stripe.source_id
        return self.ledger.stripe_id if self.ledger is not None else None

    @property
    def payment_intent_id(self) -> str | None:
        if self.stripe is not None and self.stripe.payment_intent_id:
            return self.stripe.payment_intent_id
        return self.ledger.payment_intent_id if self.ledger is not None else None

    @property
    def occurred_at(self) -> datetime | None:
        if self.stripe is not None:
            return self.stripe.created_at
        return self.ledger.occurred_at if self.ledger is not None else None


@dataclass(frozen=True)
class Difference:
    kind: DifferenceKind
    item: Item

    @property
    def label(self) -> str:
        return str(DIFFERENCE_LABELS[self.kind])


@dataclass(frozen=True)
class LedgerGroup:
    """The ledger's entries of one payment (or refund), summed."""

    category: Category
    stripe_id: str | None  # charge id of a payment, Stripe's refund id of a refund
    balance_transaction_id: str | None
    payment_intent_id: str | None
    order_id: int
    facility_order_id: int | None  # refunds are per facility order; payments span the order
    occurred_at: datetime
    amount_idr: int
    fee_idr: int


@dataclass
class Totals:
    count: int = 0
    payments_idr: int = 0
    fees_idr: int = 0
    refunds_idr: int = 0  # negative: money given back, less refunds that failed

    @property
    def net_idr(self) -> int:
        return self.payments_idr - self.fees_idr + self.refunds_idr

    def add(self, category: Category, amount_idr: int, fee_idr: int) -> None:
        self.count += 1
        if category is Category.PAYMENT:
            self.payments_idr += amount_idr
        else:
            self.refunds_idr += amount_idr
        self.fees_idr += fee_idr


@dataclass(frozen=True)
class Reconciliation:
    period: Period
    test_mode: bool
    stripe_transactions: int  # all of Stripe's transactions in the period, of every type
    stripe_totals: Totals
    ledger_totals: Totals
    matched_totals: Totals  # what both sides agree on, to the rupiah
    matched: int
    differences: list[Difference]
    other_transactions: list[BalanceLine]  # payouts, Stripe's own fees: no order behind them
    demo_entries_excluded: int
    items: list[Item] = field(repr=False, default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    def by_kind(self, kind: DifferenceKind) -> list[Difference]:
        return [d for d in self.differences if d.kind is kind]


def stripe_configured() -> bool:
    return bool(settings.current().stripe_secret_key)


def reconcile(*, first_day: date, last_day: date) -> Reconciliation:
    """Read Stripe's balance transactions of the period and match them with the ledger."""
    chosen = period(first_day=first_day, last_day=last_day)
    if not stripe_configured():
        raise StripeNotConfigured()
    secret_key = settings.current().stripe_secret_key
    gateway = StripeGateway(secret_key=secret_key)
    try:
        lines = gateway.balance_transactions(
            created_from=chosen.starts_at() - LOOKBACK, created_before=chosen.ends_at()
        )
    except PaymentError as error:
        raise StripeUnreadable(str(error)) from error
    return match(period=chosen, lines=lines, test_mode=secret_key.startswith("sk_test"))


def match(*, period: Period, lines: Iterable[BalanceLine], test_mode: bool) -> Reconciliation:
    """Pair Stripe's lines with the ledger's groups; what is left over on a side is missing."""
    starts_at, ends_at = period.starts_at(), period.ends_at()
    in_period: list[tuple[Category, BalanceLine]] = []
    earlier: list[tuple[Category, BalanceLine]] = []
    others: list[BalanceLine] = []
    for line in lines:
        category = _category_of(line)
        if category is None:
            if line.created_at >= starts_at:
                others.append(line)
        elif line.created_at < starts_at:
            earlier.append((category, line))
        else:
            in_period.append((category, line))
    groups = _ledger_groups(period, [line for _category, line in earlier + in_period])
    by_key = {(group.category, group.stripe_id): group for group in groups if group.stripe_id}
    by_txn = {
        group.balance_transaction_id: group
        for group in groups
        if group.category is Category.PAYMENT and group.balance_transaction_id
    }
    used: set[int] = set()
    pairs: list[tuple[Category, BalanceLine | None, LedgerGroup | None]] = []
    for category, line in earlier + in_period:
        group = by_key.get((category, line.source_id))
        if group is None and category is Category.PAYMENT:
            group = by_key.get((category, line.charge_id)) or by_txn.get(line.transaction_id)
        if line.created_at < starts_at and (
            group is None or not starts_at <= group.occurred_at < ends_at
        ):
            continue  # read only to find late-recorded payments of the period
        if group is not None:
            used.add(id(group))
        pairs.append((category, line, group))
    for group in groups:
        if id(group) not in used and starts_at <= group.occurred_at < ends_at:
            pairs.append((group.category, None, group))
    items = _items(pairs)
    return _result(period, items, others, len(in_period) + len(others), test_mode)


def _category_of(line: BalanceLine) -> Category | None:
    if line.type in PAYMENT_TYPES:
        return Category.PAYMENT
    if line.type in REFUND_TYPES:
        return Category.REFUND
    if line.type in REFUND_FAILURE_TYPES:
        return Category.REFUND_FAILURE
    return None


def _ledger_groups(period: Period, lines: list[BalanceLine]) -> list[LedgerGroup]:
    """Stripe entries of the ledger in the period, and those Stripe's lines name, summed."""
    charge_ids = {line.charge_id for line in lines if line.charge_id}
    charge_ids |= {line.source_id for line in lines if line.type in PAYMENT_TYPES}
    charge_ids.discard(None)
    txn_ids = {line.transaction_id for line in lines if line.type in PAYMENT_TYPES}
    refund_ids = {line.source_id for line in lines if line.type not in PAYMENT_TYPES}
    refund_ids.discard(None)
    in_period = and_(
        LedgerEntry.occurred_at >= period.starts_at(), LedgerEntry.occurred_at < period.ends_at()
    )
    stripe_only = LedgerEntry.gateway == STRIPE
    payment_kinds = [LedgerEntryKind.SALE, LedgerEntryKind.SHIPPING, LedgerEntryKind.STRIPE_FEE]
    gross = func.sum(
        case((LedgerEntry.kind == LedgerEntryKind.STRIPE_FEE, 0), else_=LedgerEntry.amount_idr)
    )
    fee = -func.sum(
        case((LedgerEntry.kind == LedgerEntryKind.STRIPE_FEE, LedgerEntry.amount_idr), else_=0)
    )
    named: ColumnElement[bool] = or_(
        LedgerEntry.charge_id.in_(charge_ids), LedgerEntry.balance_transaction_id.in_(txn_ids)
    )
    payment_rows = db.session.execute(
        select(
            LedgerEntry.charge_id,
            LedgerEntry.balance_transaction_id,
            LedgerEntry.payment_intent_id,
            LedgerEntry.order_id,
            func.min(LedgerEntry.occurred_at),
            gross,
            fee,
        )
        .where(stripe_only, LedgerEntry.kind.in_(payment_kinds), or_(in_period, named))
        .group_by(
            LedgerEntry.charge_id,
            LedgerEntry.balance_transaction_id,
            LedgerEntry.payment_intent_id,
            LedgerEntry.order_id,
        )
    ).all()
    groups = [
        LedgerGroup(
            Category.PAYMENT, charge, txn, intent, order_id, None, _utc(at), int(total), int(fees)
        )
        for charge, txn, intent, order_id, at, total, fees in payment_rows
    ]
    for kind, category in (
        (LedgerEntryKind.REFUND, Category.REFUND),
        (LedgerEntryKind.REVERSAL, Category.REFUND_FAILURE),
    ):
        rows = db.session.execute(
            select(
                LedgerEntry.gateway_refund_id,
                LedgerEntry.payment_intent_id,
                LedgerEntry.order_id,
                LedgerEntry.facility_order_id,
                func.min(LedgerEntry.occurred_at),
                func.sum(LedgerEntry.amount_idr),
            )
            .where(
                stripe_only,
                LedgerEntry.kind == kind,
                or_(in_period, LedgerEntry.gateway_refund_id.in_(refund_ids)),
            )
            .group_by(
                LedgerEntry.refund_id,
                LedgerEntry.gateway_refund_id,
                LedgerEntry.payment_intent_id,
                LedgerEntry.order_id,
                LedgerEntry.facility_order_id,
            )
        ).all()
        groups.extend(
            LedgerGroup(category, refund, None, intent, order_id, part_id, _utc(at), int(total), 0)
            for refund, intent, order_id, part_id, at, total in rows
        )
    return groups


def _utc(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; they are UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _items(
    pairs: list[tuple[Category, BalanceLine | None, LedgerGroup | None]],
) -> list[Item]:
    """Attach the order and its facility orders, found through the ledger or the order number."""
    order_ids = {group.order_id for _category, _line, group in pairs if group is not None}
    charge_ids = {line.charge_id for _category, line, group in pairs if line and not group}
    numbers = {line.order_number for _category, line, group in pairs if line and not group}
    order_of_charge = dict(
        db.session.execute(
            select(LedgerEntry.charge_id, LedgerEntry.order_id)
            .where(LedgerEntry.charge_id.in_(charge_ids - {None}))
            .distinct()
        ).all()
    )
    order_of_number = dict(
        db.session.execute(
            select(Order.number, Order.id).where(Order.number.in_(numbers - {None}))
        ).all()
    )
    order_ids |= set(order_of_charge.values()) | set(order_of_number.values())
    parts: dict[int, list[FacilityOrder]] = defaultdict(list)
    numbers_of: dict[int, str] = {}
    for part, number in db.session.execute(
        select(FacilityOrder, Order.number)
        .join(Order, Order.id == FacilityOrder.order_id)
        .where(FacilityOrder.order_id.in_(order_ids))
        .order_by(FacilityOrder.id)
    ).all():
        parts[part.order_id].append(part)
        numbers_of[part.order_id] = number
    items: list[Item] = []
    for category, line, group in pairs:
        if group is not None:
            order_id: int | None = group.order_id
        elif line is not None:
            order_id = order_of_charge.get(line.charge_id) or order_of_number.get(line.order_number)
        else:
            order_id = None
        chosen = _parts_concerned(category, line, group, parts.get(order_id or 0, []))
        items.append(
            Item(
                category=category,
                stripe=line,
                ledger=group,
                order_number=numbers_of.get(order_id or 0)
                or (line.order_number if line is not None else None),
                facility_orders=tuple(
                    FacilityOrderRef(part.id, part.facility.name) for part in chosen
                ),
            )
        )
    return items


def _parts_concerned(
    category: Category,
    line: BalanceLine | None,
    group: LedgerGroup | None,
    parts: list[FacilityOrder],
) -> list[FacilityOrder]:
    """A refund concerns one facility's part: the ledger says which, or else its amount may."""
    if group is not None and group.facility_order_id is not None:
        return [part for part in parts if part.id == group.facility_order_id]
    if category is Category.PAYMENT or line is None:
        return parts
    amount = abs(line.amount_idr)
    for fits in (
        lambda part: part.total_idr == amount,
        lambda part: part.total_idr - part.refunded_idr == amount,
    ):
        found = [part for part in parts if fits(part)]
        if len(found) == 1:
            return found
    return parts


def _result(
    period: Period, items: list[Item], others: list[BalanceLine], count: int, test_mode: bool
) -> Reconciliation:
    stripe_totals, ledger_totals, matched_totals = Totals(), Totals(), Totals()
    differences: list[Difference] = []
    matched = 0
    for item in items:
        line, group = item.stripe, item.ledger
        if line is not None:
            stripe_totals.add(item.category, line.amount_idr, line.fee_idr)
        if group is not None:
            ledger_totals.add(item.category, group.amount_idr, group.fee_idr)
        if group is None:
            differences.append(Difference(DifferenceKind.MISSING_IN_LEDGER, item))
            continue
        if line is None:
            differences.append(Difference(DifferenceKind.MISSING_IN_STRIPE, item))
            continue
        same_amount = line.amount_idr == group.amount_idr
        same_fee = line.fee_idr == group.fee_idr
        if not same_amount:
            differences.append(Difference(DifferenceKind.AMOUNT, item))
        if not same_fee:
            differences.append(Difference(DifferenceKind.FEE, item))
        if same_amount and same_fee:
            matched += 1
            matched_totals.add(item.category, line.amount_idr, line.fee_idr)
    return Reconciliation(
        period=period,
        test_mode=test_mode,
        stripe_transactions=count,
        stripe_totals=stripe_totals,
        ledger_totals=ledger_totals,
        matched_totals=matched_totals,
        matched=matched,
        differences=differences,
        other_transactions=others,
        demo_entries_excluded=_demo_entries(period),
        items=items,
    )


def _demo_entries(period: Period) -> int:
    return int(
        db.session.scalar(
            select(func.count()).where(
                LedgerEntry.gateway != STRIPE,
                LedgerEntry.occurred_at >= period.starts_at(),
                LedgerEntry.occurred_at < period.ends_at(),
            )
        )
        or 0
    )
