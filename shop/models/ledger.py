"""The revenue ledger and the rules that split each rupiah into PNBP, premi and capital."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.core import clock
from shop.models.base import Base, enum_column
from shop.models.channels import SalesChannel

if TYPE_CHECKING:
    from shop.models.facilities import Facility


class SplitBasis(enum.StrEnum):
    SALES = "sales"  # the shares are taken from the whole sale price
    MARGIN = "margin"  # from price minus production cost (HPP); the HPP returns to capital


class LedgerEntryKind(enum.StrEnum):
    SALE = "sale"
    SHIPPING = "shipping"
    STRIPE_FEE = "stripe_fee"
    REFUND = "refund"
    REVERSAL = "reversal"


class RevenueSplitRule(Base):
    """A version of a split rule: for one facility, or the national default (no facility).

    Rules are never edited: a change is a new row with a later `valid_from`. The rule in force
    at the moment of sale is the newest whose `valid_from` is not after it.
    """

    __tablename__ = "revenue_split_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int | None] = mapped_column(sa.ForeignKey("facility.id"), index=True)
    # Local midnight of the first day (the facility's time zone; WIB for the national default).
    valid_from: Mapped[datetime]
    basis: Mapped[SplitBasis] = mapped_column(enum_column(SplitBasis, "split_basis"))
    # Shares in basis points (1/100 of a percent), adding up to 10000.
    pnbp_bp: Mapped[int]
    premi_bp: Mapped[int]
    capital_bp: Mapped[int]
    source: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )

    facility: Mapped[Facility | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("facility_id", "valid_from"),
        # NULLs are distinct in a unique constraint: the national rules need an index of their own.
        sa.Index(
            "uq_revenue_split_rule_national_valid_from",
            "valid_from",
            unique=True,
            sqlite_where=sa.text("facility_id IS NULL"),
            postgresql_where=sa.text("facility_id IS NULL"),
        ),
        sa.CheckConstraint("pnbp_bp + premi_bp + capital_bp = 10000", name="shares_whole"),
        sa.CheckConstraint(
            "pnbp_bp >= 0 AND premi_bp >= 0 AND capital_bp >= 0", name="shares_not_negative"
        ),
        sa.CheckConstraint("source <> ''", name="source_required"),
    )


def _restrict(target: str) -> sa.ForeignKey:
    """A reference out of an append-only table: the row it names cannot go away under it.

    `SET NULL` or `CASCADE` would make the database rewrite or drop ledger rows, which the
    append-only triggers refuse anyway; RESTRICT says so at the delete that would cause it.
    """
    return sa.ForeignKey(target, ondelete="RESTRICT")


def _only(kind: str) -> dict[str, Any]:
    where = sa.text(f"kind = '{kind}'")
    return {"unique": True, "sqlite_where": where, "postgresql_where": where}


# What the report aggregates read besides the period (see shop/reporting/queries.py).
REPORT_COLUMNS = (
    "kind", "channel", "category_id", "order_id", "quantity", "amount_idr", "pnbp_idr", "premi_idr",
    "capital_idr",
)  # fmt: skip


class LedgerEntry(Base):
    """One movement of money for one facility. Append-only: corrections are new entries.

    `amount_idr = cost_idr + pnbp_idr + premi_idr + capital_idr` always holds; `cost_idr` is
    what is not shared out (the HPP under a margin rule, shipping passed on to the courier).
    """

    __tablename__ = "ledger_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[LedgerEntryKind] = mapped_column(enum_column(LedgerEntryKind, "ledger_kind"))
    # Copied from the sale it belongs to, so reports split by channel without a join.
    channel: Mapped[SalesChannel] = mapped_column(
        enum_column(SalesChannel, "sales_channel"),
        default=SalesChannel.ONLINE,
        server_default=SalesChannel.ONLINE.value,
    )
    occurred_at: Mapped[datetime]
    # The day of `occurred_at` in the facility's own time zone: reports choose periods by it,
    # so a sale at 23:30 WITA on the 31st counts for that month in Makassar.
    local_date: Mapped[date]
    facility_id: Mapped[int] = mapped_column(_restrict("facility.id"))
    kanwil_id: Mapped[int] = mapped_column(_restrict("kanwil.id"))
    # The source: an online order (order and part), or a stand sale of the till; never both.
    order_id: Mapped[int | None] = mapped_column(_restrict("shop_order.id"), index=True)
    facility_order_id: Mapped[int | None] = mapped_column(
        _restrict("facility_order.id"), index=True
    )
    stand_sale_id: Mapped[int | None] = mapped_column(_restrict("stand_sale.id"), index=True)
    stand_sale_line_id: Mapped[int | None] = mapped_column(_restrict("stand_sale_line.id"))
    stand_return_id: Mapped[int | None] = mapped_column(_restrict("stand_return.id"))
    order_line_id: Mapped[int | None] = mapped_column(_restrict("order_line.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(_restrict("product.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(_restrict("category.id"), index=True)
    refund_id: Mapped[int | None] = mapped_column(_restrict("refund.id"), index=True)
    reverses_entry_id: Mapped[int | None] = mapped_column(_restrict("ledger_entry.id"))
    quantity: Mapped[int] = mapped_column(default=0)
    amount_idr: Mapped[int] = mapped_column(sa.BigInteger)
    cost_idr: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    pnbp_idr: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    premi_idr: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    capital_idr: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # The rule applied, and its shares copied, so an entry explains itself forever.
    split_rule_id: Mapped[int | None] = mapped_column(_restrict("revenue_split_rule.id"))
    split_basis: Mapped[SplitBasis] = mapped_column(enum_column(SplitBasis, "split_basis"))
    pnbp_bp: Mapped[int]
    premi_bp: Mapped[int]
    capital_bp: Mapped[int]
    gateway: Mapped[str] = mapped_column(sa.String(20))
    payment_intent_id: Mapped[str | None] = mapped_column(sa.String(255), index=True)
    charge_id: Mapped[str | None] = mapped_column(sa.String(255), index=True)
    balance_transaction_id: Mapped[str | None] = mapped_column(sa.String(255))
    gateway_refund_id: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    __table_args__ = (
        sa.CheckConstraint(
            "amount_idr = cost_idr + pnbp_idr + premi_idr + capital_idr", name="split_adds_up"
        ),
        sa.CheckConstraint(
            "(stand_sale_id IS NULL AND order_id IS NOT NULL AND facility_order_id IS NOT NULL)"
            " OR (stand_sale_id IS NOT NULL AND order_id IS NULL AND facility_order_id IS NULL"
            " AND order_line_id IS NULL AND refund_id IS NULL)",
            name="one_source",
        ),
        sa.Index("ix_ledger_entry_facility_occurred", "facility_id", "occurred_at"),
        sa.Index("ix_ledger_entry_kanwil_occurred", "kanwil_id", "occurred_at"),
        sa.Index("ix_ledger_entry_kind_occurred", "kind", "occurred_at"),
        sa.Index("ix_ledger_entry_local_date", "local_date"),
        sa.Index("ix_ledger_entry_facility_local_date", "facility_id", "local_date"),
        sa.Index("ix_ledger_entry_kanwil_local_date", "kanwil_id", "local_date"),
        # Covering indexes of the reports: every column their WHERE, GROUP BY and sums read,
        # so a year of entries is one narrow index scan instead of a lookup per row.
        sa.Index(
            "ix_ledger_entry_report_local_date",
            "local_date",
            "facility_id",
            "kanwil_id",
            *REPORT_COLUMNS,
        ),
        sa.Index(
            "ix_ledger_entry_report_kanwil",
            "kanwil_id",
            "local_date",
            "facility_id",
            *REPORT_COLUMNS,
        ),
        sa.Index(
            "ix_ledger_entry_report_facility",
            "facility_id",
            "local_date",
            "kanwil_id",
            *REPORT_COLUMNS,
        ),
        sa.Index("ix_ledger_entry_kind_local_date_facility", "kind", "local_date", "facility_id"),
        # Double posting is impossible: one sale per order line, one shipping and one fee share
        # per part and balance transaction, one refund entry per refund and original entry, one
        # reversal per refund entry (a failed refund is undone once).
        sa.Index("uq_ledger_entry_sale_line", "order_line_id", **_only("sale")),
        sa.Index("uq_ledger_entry_shipping_part", "facility_order_id", **_only("shipping")),
        sa.Index(
            "uq_ledger_entry_fee_part",
            "facility_order_id",
            "balance_transaction_id",
            **_only("stripe_fee"),
        ),
        sa.Index("uq_ledger_entry_refund_of", "refund_id", "reverses_entry_id", **_only("refund")),
        sa.Index("uq_ledger_entry_reversal_of", "reverses_entry_id", **_only("reversal")),
        # The same for the till: one sale entry per stand sale line, one return entry per
        # stand return and original entry.
        sa.Index("uq_ledger_entry_stand_sale_line", "stand_sale_line_id", **_only("sale")),
        sa.Index(
            "uq_ledger_entry_stand_return_of",
            "stand_return_id",
            "reverses_entry_id",
            **_only("refund"),
        ),
    )

    def __repr__(self) -> str:
        return f"<LedgerEntry {self.kind} {self.amount_idr} facility={self.facility_id}>"


class LedgerIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete a ledger entry.

    The database refuses it too (triggers of migration 0010, whatever the client); this check
    only fails earlier and names the entry.
    """


@event.listens_for(LedgerEntry, "before_update")
def _refuse_update(_mapper: Any, _connection: Any, target: LedgerEntry) -> None:
    raise LedgerIsAppendOnly(f"ledger entry {target.id} cannot be changed; add a new entry")


@event.listens_for(LedgerEntry, "before_delete")
def _refuse_delete(_mapper: Any, _connection: Any, target: LedgerEntry) -> None:
    raise LedgerIsAppendOnly(f"ledger entry {target.id} cannot be deleted; add a reversal")
