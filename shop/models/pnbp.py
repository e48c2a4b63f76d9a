"""PNBP deposits: what a facility paid into the state treasury through SIMPONI, with its proof.

A deposit is recorded once a SIMPONI billing code (15 digits) has been paid and the payment proof
number NTPN (16 letters and digits) is known. Deposits are append-only, like the ledger:

- A mistake is fixed by a *correction*: a new row whose `corrects_id` names the row it replaces.
  The replaced row stays, visible in the history, but no longer counts. `corrects_id` is unique,
  so a row is corrected at most once; correcting again means correcting the correction, and a
  chain of corrections always ends in one row, its *head*, the only one of the chain that counts.
- A deposit entered by mistake is corrected by a *void* row (`is_void`): amount 0, no billing
  code, NTPN, payment date or proof, only the reason in `note`. A void head counts nothing; it
  can itself be corrected, to put a deposit back.

So a deposit *counts* when it is not void and no row corrects it (`counting_clause`). A void row
and a correction keep the facility and Kanwil of the row they correct.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship

from shop.core import clock
from shop.models.base import Base

if TYPE_CHECKING:
    from shop.models.accounts import User
    from shop.models.facilities import Facility, Kanwil


class PnbpDeposit(Base):
    """One PNBP deposit of a facility for a period, or a correction or voiding of one."""

    __tablename__ = "pnbp_deposit"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id", ondelete="RESTRICT"))
    # Copied from the facility, so regional sums need no join and survive a facility moving.
    kanwil_id: Mapped[int] = mapped_column(sa.ForeignKey("kanwil.id", ondelete="RESTRICT"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    billing_code: Mapped[str | None] = mapped_column(sa.String(15))
    ntpn: Mapped[str | None] = mapped_column(sa.String(16), index=True)
    amount_idr: Mapped[int] = mapped_column(sa.BigInteger)
    paid_on: Mapped[date | None]
    is_void: Mapped[bool] = mapped_column(default=False)
    # The proof of payment, under a private storage prefix, never served by a public URL.
    proof_key: Mapped[str | None] = mapped_column(sa.String(255))
    proof_content_type: Mapped[str | None] = mapped_column(sa.String(50))
    proof_filename: Mapped[str | None] = mapped_column(sa.String(255))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    corrects_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("pnbp_deposit.id", ondelete="RESTRICT"), unique=True
    )
    # RESTRICT, not SET NULL: the database would otherwise rewrite an append-only row.
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="RESTRICT")
    )
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    facility: Mapped[Facility] = relationship()
    kanwil: Mapped[Kanwil] = relationship()
    recorded_by: Mapped[User | None] = relationship()
    corrects: Mapped[PnbpDeposit | None] = relationship(
        remote_side=[id], back_populates="corrected_by"
    )
    corrected_by: Mapped[PnbpDeposit | None] = relationship(back_populates="corrects")

    __table_args__ = (
        sa.CheckConstraint("period_end >= period_start", name="period_order"),
        sa.CheckConstraint(
            "(is_void AND amount_idr = 0 AND corrects_id IS NOT NULL AND billing_code IS NULL"
            " AND ntpn IS NULL AND paid_on IS NULL AND proof_key IS NULL)"
            " OR (NOT is_void AND amount_idr > 0 AND billing_code IS NOT NULL"
            " AND ntpn IS NOT NULL AND paid_on IS NOT NULL AND proof_key IS NOT NULL)",
            name="void_or_complete",
        ),
        sa.CheckConstraint("length(billing_code) = 15", name="billing_code_length"),
        sa.CheckConstraint("length(ntpn) = 16", name="ntpn_length"),
        sa.Index("ix_pnbp_deposit_facility_period_end", "facility_id", "period_end"),
        sa.Index("ix_pnbp_deposit_kanwil_period_end", "kanwil_id", "period_end"),
    )

    @property
    def counts(self) -> bool:
        return not self.is_void and self.corrected_by is None

    def __repr__(self) -> str:
        return f"<PnbpDeposit {self.id} {self.amount_idr} facility={self.facility_id}>"


def counting_clause() -> sa.ColumnElement[bool]:
    """WHERE clause for deposits that count: not void, and not replaced by a correction."""
    correction = aliased(PnbpDeposit)
    return sa.and_(
        PnbpDeposit.is_void.is_(False),
        ~sa.exists().where(correction.corrects_id == PnbpDeposit.id),
    )


class DepositIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete a recorded deposit (the database refuses it
    too: triggers of migration 0010)."""


@event.listens_for(PnbpDeposit, "before_update")
def _refuse_update(mapper: Any, _connection: Any, target: PnbpDeposit) -> None:
    # A correction added to a loaded row marks that row dirty through the relationship alone;
    # only a changed column is a change of the deposit.
    state = sa.inspect(target)
    if not any(state.attrs[c.key].history.has_changes() for c in mapper.column_attrs):
        return
    raise DepositIsAppendOnly(f"deposit {target.id} cannot be changed; record a correction")


@event.listens_for(PnbpDeposit, "before_delete")
def _refuse_delete(_mapper: Any, _connection: Any, target: PnbpDeposit) -> None:
    raise DepositIsAppendOnly(f"deposit {target.id} cannot be deleted; record a correction")
