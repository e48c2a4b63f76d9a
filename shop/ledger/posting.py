"""Writing the revenue ledger: sales, shipping, Stripe fees and refunds, each split by rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from shop.core import audit, clock
from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.core.money import allocate
from shop.database import db
from shop.models import (
    Facility,
    FacilityOrder,
    LedgerEntry,
    LedgerEntryKind,
    Order,
    OrderLine,
    PaymentAttempt,
    Refund,
    RevenueSplitRule,
    SplitBasis,
    StandReturn,
    StandSale,
    StandSaleLine,
    User,
)


class SplitRuleError(DomainError):
    """A split rule cannot be saved."""


@dataclass(frozen=True)
class SplitTerms:
    """The shares of a rule, as applied to one entry."""

    rule_id: int | None
    basis: SplitBasis
    pnbp_bp: int
    premi_bp: int
    capital_bp: int


# Used until central records a national default of its own (a rule without facility).
# The source of the national default: Keputusan Menteri Kehakiman 1990, as quoted by a Kanwil
# head and reported by Pojokpas: of the margin, 50% premi, 15% PNBP, 35% production capital.
NATIONAL_DEFAULT = SplitTerms(
    rule_id=None, basis=SplitBasis.MARGIN, pnbp_bp=1500, premi_bp=5000, capital_bp=3500
)


@dataclass(frozen=True)
class Split:
    cost_idr: int
    pnbp_idr: int
    premi_idr: int
    capital_idr: int


@dataclass(frozen=True)
class PaymentDetails:
    """What the gateway reported for a paid order (rupiah, already converted)."""

    payment_intent_id: str | None
    charge_id: str | None
    balance_transaction_id: str | None
    amount_idr: int
    fee_idr: int


def add_split_rule(
    *,
    facility: Facility | None,
    valid_from: datetime,
    basis: SplitBasis,
    pnbp_bp: int,
    premi_bp: int,
    capital_bp: int,
    source: str,
    actor: User | None = None,
) -> RevenueSplitRule:
    """Add a new version of a facility's rule (or of the national default)."""
    if min(pnbp_bp, premi_bp, capital_bp) < 0 or pnbp_bp + premi_bp + capital_bp != 10000:
        raise SplitRuleError(_l("Bagian PNBP, premi dan modal harus berjumlah tepat 100%."))
    if not source.strip():
        raise SplitRuleError(_l("Sebutkan dasar aturan pembagian (peraturan atau keputusan)."))
    facility_id = facility.id if facility is not None else None
    clash = db.session.scalar(
        select(RevenueSplitRule.id).where(
            RevenueSplitRule.facility_id.is_(None)
            if facility_id is None
            else RevenueSplitRule.facility_id == facility_id,
            RevenueSplitRule.valid_from == valid_from,
        )
    )
    if clash is not None:
        raise SplitRuleError(_l("Sudah ada aturan yang berlaku mulai saat itu."))
    rule = RevenueSplitRule(
        facility_id=facility_id,
        valid_from=valid_from,
        basis=basis,
        pnbp_bp=pnbp_bp,
        premi_bp=premi_bp,
        capital_bp=capital_bp,
        source=source.strip(),
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(rule)
    db.session.flush()
    audit.record(
        actor=actor,
        action="split_rule.create",
        obj=rule,
        changes={
            "facility_id": [None, facility_id],
            "basis": [None, basis.value],
            "shares_bp": [None, [pnbp_bp, premi_bp, capital_bp]],
            "valid_from": [None, valid_from.isoformat()],
        },
    )
    return rule


def terms_in_force(*, facility_id: int, at: datetime) -> SplitTerms:
    """The facility's rule in force at `at`, else the national default's, else the built-in."""
    owners = (RevenueSplitRule.facility_id == facility_id, RevenueSplitRule.facility_id.is_(None))
    for owner in owners:
        rule = db.session.scalar(
            select(RevenueSplitRule)
            .where(owner, RevenueSplitRule.valid_from <= at)
            .order_by(RevenueSplitRule.valid_from.desc())
            .limit(1)
        )
        if rule is not None:
            return SplitTerms(rule.id, rule.basis, rule.pnbp_bp, rule.premi_bp, rule.capital_bp)
    return NATIONAL_DEFAULT


def split_sale(*, amount_idr: int, hpp_idr: int | None, terms: SplitTerms) -> Split:
    """Share out a sale; under a margin rule the HPP (capped at the price) is cost, not shared."""
    cost = 0
    if terms.basis is SplitBasis.MARGIN and hpp_idr is not None:
        cost = min(max(hpp_idr, 0), amount_idr)
    return _shared(amount_idr - cost, cost, terms)


def split_cost(*, amount_idr: int, terms: SplitTerms) -> Split:
    """Share out a cost (a fee) over PNBP, premi and capital, so each bears its part."""
    return _shared(amount_idr, 0, terms)


def _shared(shared_idr: int, cost_idr: int, terms: SplitTerms) -> Split:
    pnbp, premi, capital = allocate(shared_idr, [terms.pnbp_bp, terms.premi_bp, terms.capital_bp])
    return Split(cost_idr=cost_idr, pnbp_idr=pnbp, premi_idr=premi, capital_idr=capital)


def record_payment(
    *, order: Order, attempt: PaymentAttempt, details: PaymentDetails, occurred_at: datetime
) -> list[LedgerEntry]:
    """Append each facility's sales, shipping and share of the fee; the caller commits."""
    entries: list[LedgerEntry] = []
    fee_shares = allocate(details.fee_idr, [part.total_idr for part in order.parts])
    for part, fee_share in zip(order.parts, fee_shares, strict=True):
        terms = terms_in_force(facility_id=part.facility_id, at=occurred_at)

        def entry(**values: object) -> LedgerEntry:
            made = _entry(part, order.gateway, details, terms, occurred_at, **values)  # noqa: B023
            entries.append(made)
            return made

        for line in part.lines:
            split = split_sale(
                amount_idr=line.total_idr,
                hpp_idr=None if line.unit_hpp_idr is None else line.unit_hpp_idr * line.quantity,
                terms=terms,
            )
            entry(
                kind=LedgerEntryKind.SALE,
                line=line,
                quantity=line.quantity,
                amount_idr=line.total_idr,
                split=split,
            )
        if part.shipping_idr:
            entry(
                kind=LedgerEntryKind.SHIPPING,
                amount_idr=part.shipping_idr,
                split=Split(part.shipping_idr, 0, 0, 0),
            )
        if fee_share:
            entry(
                kind=LedgerEntryKind.STRIPE_FEE,
                amount_idr=-fee_share,
                split=split_cost(amount_idr=-fee_share, terms=terms),
            )
    db.session.add_all(entries)
    return entries


def record_refund(*, refund: Refund, occurred_at: datetime) -> list[LedgerEntry]:
    """Append the reversal of the refunded lines (and shipping) for that facility only.

    Each line's reversal takes its share of what is still unrefunded of the original sale
    entry, so refunding every unit one by one returns the original split exactly.
    """
    part = refund.facility_order
    entries: list[LedgerEntry] = []
    for refund_line in refund.lines:
        line = refund_line.order_line
        sale = _sale_entry_of(line)
        already = _refunded_parts(line)
        remaining = [s + a for s, a in zip(_parts(sale), already, strict=True)]
        cost, pnbp, premi, capital = allocate(-refund_line.amount_idr, remaining)
        entries.append(
            _reversal(
                sale,
                LedgerEntryKind.REFUND,
                refund,
                occurred_at,
                -refund_line.quantity,
                -refund_line.amount_idr,
                Split(cost, pnbp, premi, capital),
            )
        )
    if refund.includes_shipping and part.shipping_idr:
        shipping = db.session.scalar(
            select(LedgerEntry).where(
                LedgerEntry.facility_order_id == part.id,
                LedgerEntry.kind == LedgerEntryKind.SHIPPING,
            )
        )
        if shipping is not None:
            entries.append(
                _reversal(
                    shipping,
                    LedgerEntryKind.REFUND,
                    refund,
                    occurred_at,
                    0,
                    -part.shipping_idr,
                    Split(-part.shipping_idr, 0, 0, 0),
                )
            )
    db.session.add_all(entries)
    return entries


def reverse_refund(*, refund: Refund, occurred_at: datetime) -> list[LedgerEntry]:
    """A refund the gateway reported as failed: put its entries back with reversals."""
    originals = db.session.scalars(
        select(LedgerEntry).where(
            LedgerEntry.refund_id == refund.id, LedgerEntry.kind == LedgerEntryKind.REFUND
        )
    ).all()
    entries = [
        _reversal(
            entry,
            LedgerEntryKind.REVERSAL,
            refund,
            occurred_at,
            -entry.quantity,
            -entry.amount_idr,
            Split(-entry.cost_idr, -entry.pnbp_idr, -entry.premi_idr, -entry.capital_idr),
        )
        for entry in originals
    ]
    db.session.add_all(entries)
    return entries


def _entry(
    part: FacilityOrder,
    gateway: str,
    details: PaymentDetails,
    terms: SplitTerms,
    occurred_at: datetime,
    *,
    kind: LedgerEntryKind,
    amount_idr: int,
    split: Split,
    line: OrderLine | None = None,
    quantity: int = 0,
) -> LedgerEntry:
    return LedgerEntry(
        kind=kind,
        channel=part.order.channel,
        occurred_at=occurred_at,
        local_date=clock.local_date(occurred_at, part.facility.timezone),
        facility_id=part.facility_id,
        kanwil_id=part.facility.kanwil_id,
        order_id=part.order_id,
        facility_order_id=part.id,
        order_line_id=line.id if line is not None else None,
        product_id=line.product_id if line is not None else None,
        category_id=line.category_id if line is not None else None,
        quantity=quantity,
        amount_idr=amount_idr,
        cost_idr=split.cost_idr,
        pnbp_idr=split.pnbp_idr,
        premi_idr=split.premi_idr,
        capital_idr=split.capital_idr,
        split_rule_id=terms.rule_id,
        split_basis=terms.basis,
        pnbp_bp=terms.pnbp_bp,
        premi_bp=terms.premi_bp,
        capital_bp=terms.capital_bp,
        gateway=gateway,
        payment_intent_id=details.payment_intent_id,
        charge_id=details.charge_id,
        balance_transaction_id=details.balance_transaction_id,
    )


def _reversal(
    original: LedgerEntry,
    kind: LedgerEntryKind,
    refund: Refund,
    occurred_at: datetime,
    quantity: int,
    amount_idr: int,
    split: Split,
) -> LedgerEntry:
    """A new entry against `original`: same references and rule, the given amounts."""
    return LedgerEntry(
        kind=kind,
        channel=original.channel,
        occurred_at=occurred_at,
        local_date=clock.local_date(occurred_at, refund.facility_order.facility.timezone),
        facility_id=original.facility_id,
        kanwil_id=original.kanwil_id,
        order_id=original.order_id,
        facility_order_id=original.facility_order_id,
        order_line_id=original.order_line_id,
        product_id=original.product_id,
        category_id=original.category_id,
        refund_id=refund.id,
        reverses_entry_id=original.id,
        quantity=quantity,
        amount_idr=amount_idr,
        cost_idr=split.cost_idr,
        pnbp_idr=split.pnbp_idr,
        premi_idr=split.premi_idr,
        capital_idr=split.capital_idr,
        split_rule_id=original.split_rule_id,
        split_basis=original.split_basis,
        pnbp_bp=original.pnbp_bp,
        premi_bp=original.premi_bp,
        capital_bp=original.capital_bp,
        gateway=original.gateway,
        payment_intent_id=original.payment_intent_id,
        charge_id=original.charge_id,
        balance_transaction_id=original.balance_transaction_id,
        gateway_refund_id=refund.gateway_refund_id,
    )


def _sale_entry_of(line: OrderLine) -> LedgerEntry:
    sale = db.session.scalar(
        select(LedgerEntry).where(
            LedgerEntry.order_line_id == line.id, LedgerEntry.kind == LedgerEntryKind.SALE
        )
    )
    if sale is None:
        raise SplitRuleError(_l("Baris pesanan ini belum tercatat sebagai penjualan."))
    return sale


def _parts(entry: LedgerEntry) -> list[int]:
    return [entry.cost_idr, entry.pnbp_idr, entry.premi_idr, entry.capital_idr]


def _refunded_parts(line: OrderLine) -> list[int]:
    """The sum of refund and reversal entries already written for this line (signed)."""
    row = db.session.execute(
        select(
            func.coalesce(func.sum(LedgerEntry.cost_idr), 0),
            func.coalesce(func.sum(LedgerEntry.pnbp_idr), 0),
            func.coalesce(func.sum(LedgerEntry.premi_idr), 0),
            func.coalesce(func.sum(LedgerEntry.capital_idr), 0),
        ).where(
            LedgerEntry.order_line_id == line.id,
            LedgerEntry.kind.in_([LedgerEntryKind.REFUND, LedgerEntryKind.REVERSAL]),
        )
    ).one()
    return [int(value) for value in row]


# The till (stand sales). A stand sale is its own source of entries, not an order: its entries
# carry `stand_sale_id` and `stand_sale_line_id` instead of the order's references, the
# stand's channel (showroom or event), and `gateway` names the till's payment method. The
# database refuses an entry with both sources or none, and a second sale entry for a line.
TILL_GATEWAY_PREFIX = "till_"


def record_stand_sale(*, sale: StandSale, occurred_at: datetime) -> list[LedgerEntry]:
    """Append one sale entry per line, split by the facility's rule in force at the sale."""
    stand = sale.stand
    facility = stand.facility
    terms = terms_in_force(facility_id=facility.id, at=occurred_at)
    entries = []
    for line in sale.lines:
        split = split_sale(
            amount_idr=line.total_idr,
            hpp_idr=None if line.unit_hpp_idr is None else line.unit_hpp_idr * line.quantity,
            terms=terms,
        )
        entries.append(
            LedgerEntry(
                kind=LedgerEntryKind.SALE,
                channel=stand.channel,
                occurred_at=occurred_at,
                local_date=clock.local_date(occurred_at, facility.timezone),
                facility_id=facility.id,
                kanwil_id=facility.kanwil_id,
                stand_sale_id=sale.id,
                stand_sale_line_id=line.id,
                product_id=line.product_id,
                category_id=line.category_id,
                quantity=line.quantity,
                amount_idr=line.total_idr,
                cost_idr=split.cost_idr,
                pnbp_idr=split.pnbp_idr,
                premi_idr=split.premi_idr,
                capital_idr=split.capital_idr,
                split_rule_id=terms.rule_id,
                split_basis=terms.basis,
                pnbp_bp=terms.pnbp_bp,
                premi_bp=terms.premi_bp,
                capital_bp=terms.capital_bp,
                gateway=f"{TILL_GATEWAY_PREFIX}{sale.payment.value}",
                payment_intent_id=sale.payment_reference or None,
            )
        )
    db.session.add_all(entries)
    return entries


def record_stand_return(
    *, stand_return: StandReturn, quantities: dict[int, int], occurred_at: datetime
) -> list[LedgerEntry]:
    """Append a refund entry per returned line (`quantities`: line id -> units given back).

    As with online refunds, each takes its share of what is still unreturned of the line's
    sale entry, so returning every unit (or voiding) brings the line's entries to zero exactly.
    """
    sale = stand_return.sale
    entries = []
    for line in sale.lines:
        quantity = quantities.get(line.id, 0)
        if quantity <= 0:
            continue
        original = _stand_sale_entry_of(line)
        returned = _stand_returned_parts(line)
        remaining = [s + r for s, r in zip(_parts(original), returned, strict=True)]
        amount = -line.unit_price_idr * quantity
        cost, pnbp, premi, capital = allocate(amount, remaining)
        entries.append(
            LedgerEntry(
                kind=LedgerEntryKind.REFUND,
                channel=original.channel,
                occurred_at=occurred_at,
                local_date=clock.local_date(occurred_at, sale.stand.facility.timezone),
                facility_id=original.facility_id,
                kanwil_id=original.kanwil_id,
                stand_sale_id=sale.id,
                stand_sale_line_id=line.id,
                stand_return_id=stand_return.id,
                reverses_entry_id=original.id,
                product_id=original.product_id,
                category_id=original.category_id,
                quantity=-quantity,
                amount_idr=amount,
                cost_idr=cost,
                pnbp_idr=pnbp,
                premi_idr=premi,
                capital_idr=capital,
                split_rule_id=original.split_rule_id,
                split_basis=original.split_basis,
                pnbp_bp=original.pnbp_bp,
                premi_bp=original.premi_bp,
                capital_bp=original.capital_bp,
                gateway=original.gateway,
                payment_intent_id=original.payment_intent_id,
            )
        )
    db.session.add_all(entries)
    return entries


def _stand_sale_entry_of(line: StandSaleLine) -> LedgerEntry:
    sale = db.session.scalar(
        select(LedgerEntry).where(
            LedgerEntry.stand_sale_line_id == line.id, LedgerEntry.kind == LedgerEntryKind.SALE
        )
    )
    if sale is None:
        raise SplitRuleError(_l("Baris penjualan stan ini belum tercatat di buku besar."))
    return sale


def _stand_returned_parts(line: StandSaleLine) -> list[int]:
    """The sum of the return entries already written for this stand sale line (signed)."""
    row = db.session.execute(
        select(
            func.coalesce(func.sum(LedgerEntry.cost_idr), 0),
            func.coalesce(func.sum(LedgerEntry.pnbp_idr), 0),
            func.coalesce(func.sum(LedgerEntry.premi_idr), 0),
            func.coalesce(func.sum(LedgerEntry.capital_idr), 0),
        ).where(
            LedgerEntry.stand_sale_line_id == line.id,
            LedgerEntry.kind == LedgerEntryKind.REFUND,
        )
    ).one()
    return [int(value) for value in row]
