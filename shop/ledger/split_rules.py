"""Split rules as the central office manages them: the rule in force, the history, a preview of
a new rule on last month's sales, and adding it.

Rules are never edited: a new rule supersedes the old one from its first day. A rule starts at
local midnight of its first day (the facility's time zone; WIB for the national default); a
rule that starts today starts at the moment it is saved, so no sale already made today falls
under it afterwards. Kanwil users read the rules of their region; central and admin add rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from shop.accounts import scoping
from shop.core import clock
from shop.core.clock import Period
from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.database import db
from shop.ledger import posting as ledger
from shop.ledger.posting import SplitTerms
from shop.models import (
    Facility,
    LedgerEntry,
    LedgerEntryKind,
    OrderLine,
    RevenueSplitRule,
    Role,
    SplitBasis,
    User,
)

EDITORS = frozenset({Role.CENTRAL, Role.ADMIN})


class RuleError(DomainError):
    """The new rule cannot be saved as entered; `errors` maps form fields to messages."""

    def __init__(self, errors: dict[str, object]) -> None:
        super().__init__(next(iter(errors.values())))
        self.errors = errors


@dataclass(frozen=True)
class RuleInForce:
    """What splits a facility's sales today, and where it comes from."""

    facility: Facility | None
    terms: SplitTerms
    rule: RevenueSplitRule | None  # None: the built-in national default
    inherited: bool  # the facility has no rule of its own and follows the national one


@dataclass(frozen=True)
class Overview:
    national: RuleInForce
    facilities: list[RuleInForce]
    history: list[RevenueSplitRule]
    upcoming_ids: frozenset[int]


@dataclass(frozen=True)
class Draft:
    """A new rule as entered: whole percents, the first day as a calendar date."""

    facility_id: int | None
    first_day: date
    basis: SplitBasis
    pnbp_pct: int
    premi_pct: int
    capital_pct: int
    source: str

    def terms(self) -> SplitTerms:
        return SplitTerms(
            rule_id=None, basis=self.basis, pnbp_bp=self.pnbp_pct * 100,
            premi_bp=self.premi_pct * 100, capital_bp=self.capital_pct * 100,
        )  # fmt: skip


@dataclass
class Totals:
    cost_idr: int = 0
    pnbp_idr: int = 0
    premi_idr: int = 0
    capital_idr: int = 0


@dataclass(frozen=True)
class Preview:
    """Last month's sales of the facility (every facility, for a national rule), split as they
    were and as the draft would have split them."""

    first_day: date
    last_day: date
    sales: int
    amount_idr: int
    actual: Totals = field(default_factory=Totals)
    proposed: Totals = field(default_factory=Totals)


def timezone_of(facility: Facility | None) -> ZoneInfo:
    return clock.zone(facility.timezone if facility is not None else None)


def overview(user: User, *, now: datetime) -> Overview:
    """The national rule and each facility's rule in force, and the history, in `user`'s scope."""
    national_rule = _newest(None, now)
    national = RuleInForce(
        facility=None,
        terms=_terms(national_rule) if national_rule else ledger.NATIONAL_DEFAULT,
        rule=national_rule,
        inherited=False,
    )
    rows = []
    for facility in db.session.scalars(scoping.facilities(user)):
        own = _newest(facility.id, now)
        rows.append(
            RuleInForce(facility, _terms(own), own, False)
            if own is not None
            else RuleInForce(facility, national.terms, national.rule, True)
        )
    history = list(
        db.session.scalars(
            sa.select(RevenueSplitRule)
            .where(
                sa.or_(
                    RevenueSplitRule.facility_id.is_(None),
                    scoping.facility_filter(user, RevenueSplitRule.facility_id),
                )
            )
            .order_by(RevenueSplitRule.valid_from.desc(), RevenueSplitRule.id.desc())
        )
    )
    upcoming = frozenset(rule.id for rule in history if rule.valid_from > now)
    return Overview(national, rows, history, upcoming)


def check(draft: Draft, *, now: datetime) -> Facility | None:
    """Raise RuleError (naming the fields) unless the draft can be saved; returns its facility."""
    errors: dict[str, object] = {}
    facility = None
    if draft.facility_id is not None:
        facility = db.session.get(Facility, draft.facility_id)
        if facility is None:
            errors["facility_id"] = _l("Pilih UPT dari daftar.")
    if draft.first_day < clock.local_date(now, timezone_of(facility)):
        errors["first_day"] = _l("Tanggal mulai berlaku tidak boleh di masa lalu.")
    shares = (draft.pnbp_pct, draft.premi_pct, draft.capital_pct)
    if any(share < 0 or share > 100 for share in shares):
        errors["pnbp_pct"] = _l("Setiap bagian antara 0 dan 100 persen.")
    elif sum(shares) != 100:
        errors["pnbp_pct"] = _l(
            "Bagian PNBP, premi dan modal harus berjumlah tepat 100%% (sekarang %(total)s%%).",
            total=sum(shares),
        )
    if not draft.source.strip():
        errors["source"] = _l("Sebutkan dasar aturan pembagian (peraturan atau keputusan).")
    if errors:
        raise RuleError(errors)
    return facility


def preview(draft: Draft, *, now: datetime) -> Preview:
    """What the draft would have made of last month's sales (local month of the facility)."""
    facility = db.session.get(Facility, draft.facility_id) if draft.facility_id else None
    today = clock.local_date(now, timezone_of(facility))
    last_month = Period.month_of(today.replace(day=1) - timedelta(days=1))
    first_day, last_day = last_month.start, last_month.end
    query = (
        sa.select(
            LedgerEntry.amount_idr,
            LedgerEntry.cost_idr,
            LedgerEntry.pnbp_idr,
            LedgerEntry.premi_idr,
            LedgerEntry.capital_idr,
            OrderLine.unit_hpp_idr,
            OrderLine.quantity,
        )
        .join(OrderLine, OrderLine.id == LedgerEntry.order_line_id)
        .where(
            LedgerEntry.kind == LedgerEntryKind.SALE,
            LedgerEntry.local_date.between(first_day, last_day),
        )
    )
    if facility is not None:
        query = query.where(LedgerEntry.facility_id == facility.id)
    terms = draft.terms()
    actual, proposed = Totals(), Totals()
    sales = amount = 0
    for row in db.session.execute(query):
        sales += 1
        amount += row.amount_idr
        actual.cost_idr += row.cost_idr
        actual.pnbp_idr += row.pnbp_idr
        actual.premi_idr += row.premi_idr
        actual.capital_idr += row.capital_idr
        hpp = None if row.unit_hpp_idr is None else row.unit_hpp_idr * row.quantity
        split = ledger.split_sale(amount_idr=row.amount_idr, hpp_idr=hpp, terms=terms)
        proposed.cost_idr += split.cost_idr
        proposed.pnbp_idr += split.pnbp_idr
        proposed.premi_idr += split.premi_idr
        proposed.capital_idr += split.capital_idr
    return Preview(first_day, last_day, sales, amount, actual, proposed)


def add(draft: Draft, *, actor: User, now: datetime) -> RevenueSplitRule:
    """Save the draft as a new rule (audited); central and admin only."""
    if actor.role not in EDITORS:
        raise RuleError({"facility_id": _l("Hanya kantor pusat yang dapat menambah aturan.")})
    facility = check(draft, now=now)
    zone = timezone_of(facility)
    if draft.first_day == clock.local_date(now, zone):
        valid_from = now
    else:
        valid_from = clock.start_of_day(draft.first_day, zone)
    try:
        return ledger.add_split_rule(
            facility=facility, valid_from=valid_from, basis=draft.basis,
            pnbp_bp=draft.pnbp_pct * 100, premi_bp=draft.premi_pct * 100,
            capital_bp=draft.capital_pct * 100, source=draft.source, actor=actor,
        )  # fmt: skip
    except ledger.SplitRuleError as error:
        db.session.rollback()
        raise RuleError({"first_day": str(error)}) from error


def _newest(facility_id: int | None, now: datetime) -> RevenueSplitRule | None:
    owner = (
        RevenueSplitRule.facility_id.is_(None)
        if facility_id is None
        else RevenueSplitRule.facility_id == facility_id
    )
    return db.session.scalar(
        sa.select(RevenueSplitRule)
        .where(owner, RevenueSplitRule.valid_from <= now)
        .order_by(RevenueSplitRule.valid_from.desc())
        .limit(1)
    )


def _terms(rule: RevenueSplitRule) -> SplitTerms:
    return SplitTerms(rule.id, rule.basis, rule.pnbp_bp, rule.premi_bp, rule.capital_bp)
