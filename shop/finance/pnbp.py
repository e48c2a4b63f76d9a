"""PNBP deposits: recording and correcting them, and the position (accrued, deposited, owed).

The ledger accrues PNBP with every sale (`LedgerEntry.pnbp_idr`, negative on refunds and fees);
a unit pays it into the treasury through SIMPONI and records the deposit here with its proof.
The *position* for a period compares the two:

- accrued: the PNBP of the ledger entries whose facility-local day falls in the period;
- deposited: the deposits that count (`shop.models.pnbp.counting_clause`) whose `period_end`
  falls in the period. A deposit covers its own period (usually a month); counting it in the
  report period in which that period ends keeps each deposit in exactly one report period;
- outstanding: accrued minus deposited. Negative when more was deposited than accrued.

NTPN are unique among the deposits that count. A row's counting depends on other rows (whether a
correction replaced it), which no portable unique index can express over append-only rows, so the
check runs here, inside the writing transaction; on PostgreSQL the writers of deposits first take
one transaction-level advisory lock, so two of them cannot both pass the check.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from shop.accounts import scoping
from shop.core import audit, clock, pdf_safety, proofs
from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.core.numbers import parse_id
from shop.core.storage import Storage
from shop.database import db
from shop.models import Facility, Kanwil, LedgerEntry, PnbpDeposit, Role, User
from shop.models.pnbp import counting_clause
from shop.reporting.tables import Column, ColumnKind, ReportTable

RECORDERS = frozenset({Role.KANWIL, Role.CENTRAL, Role.ADMIN})
MAX_PROOF_BYTES = proofs.MAX_PROOF_BYTES
MAX_AMOUNT_IDR = 999_999_999_999_999
PROOF_PREFIX = "private/pnbp"
PROOF_TYPES = proofs.PROOF_TYPES
_ADVISORY_LOCK = 0x504E4250  # "PNBP"
_BILLING_CODE = re.compile(r"\d{15}")
_NTPN = re.compile(r"[A-Z0-9]{16}")


class DepositError(DomainError):
    """A deposit could not be recorded or corrected; nothing was written."""


class InvalidDeposit(DepositError):
    """Some fields are wrong: `errors` maps each field name to its message."""

    def __init__(self, errors: Mapping[str, Any]) -> None:
        self.errors = dict(errors)
        super().__init__(" ".join(str(message) for message in self.errors.values()))


class DuplicateNtpn(InvalidDeposit):
    def __init__(self) -> None:
        super().__init__({"ntpn": _l("NTPN ini sudah tercatat pada setoran lain.")})


class AlreadyCorrected(DepositError):
    def __init__(self, correction_id: int | None) -> None:
        if correction_id is None:
            super().__init__(_l("Setoran ini baru saja dikoreksi. Koreksi yang terbaru."))
            return
        super().__init__(
            _l(
                "Setoran ini sudah dikoreksi oleh setoran #%(id)s. Koreksi yang terbaru.",
                id=correction_id,
            )
        )


class AlreadyVoid(DepositError):
    def __init__(self) -> None:
        super().__init__(_l("Setoran ini sudah dibatalkan."))


class MayNotRecord(DepositError):
    def __init__(self) -> None:
        super().__init__(_l("Setoran PNBP dicatat oleh Kanwil atau kantor pusat."))


@dataclass(frozen=True)
class DepositDetails:
    """What the form says about a deposit, before it is checked."""

    period_start: date
    period_end: date
    billing_code: str
    ntpn: str
    amount_idr: int
    paid_on: date


@dataclass(frozen=True)
class Proof:
    """An uploaded proof of payment, as received: its type is read from `data`, not the name."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class _CheckedProof:
    filename: str
    data: bytes
    content_type: str
    extension: str


# --- Recording and correcting -------------------------------------------------------------


def record_deposit(
    *,
    actor: User,
    facility_id: int,
    details: DepositDetails,
    proof: Proof | None,
    note: str = "",
    storage: Storage,
    now: datetime,
) -> PnbpDeposit:
    """Record a paid deposit for a facility in the actor's scope, with its proof; commits."""
    _check_may_record(actor)
    facility = scoping.get_in_scope(actor, Facility, facility_id)
    values, checked = _checked(details, proof, facility=facility, now=now, proof_required=True)
    _lock()
    _check_ntpn_free(values["ntpn"], replacing=None)
    assert checked is not None
    deposit = PnbpDeposit(
        facility_id=facility.id, kanwil_id=facility.kanwil_id, is_void=False,
        note=note.strip()[:1000], recorded_by_id=actor.id, created_at=now, **values,
        **_proof_columns(checked, facility.id),
    )  # fmt: skip
    return _write(
        deposit, checked, storage, actor=actor, action="pnbp_deposit.record",
        changes={"facility_id": [None, facility.id], **_changes({}, deposit)},
    )  # fmt: skip


def correct_deposit(
    *,
    actor: User,
    deposit: PnbpDeposit,
    details: DepositDetails | None,
    reason: str,
    proof: Proof | None = None,
    storage: Storage,
    now: datetime,
) -> PnbpDeposit:
    """Replace `deposit` by a corrected copy (`details`), or void it (`details=None`); commits.

    Without a new `proof` the correction keeps the proof of the deposit it corrects.
    """
    _check_may_record(actor)
    deposit = get_deposit(actor, deposit.id)
    if deposit.corrected_by is not None:
        raise AlreadyCorrected(deposit.corrected_by.id)
    reason = reason.strip()
    errors: dict[str, Any] = {}
    if not reason:
        errors["reason"] = _l("Tulis alasan koreksi.")
    if details is None:
        if deposit.is_void:
            raise AlreadyVoid()
        if errors:
            raise InvalidDeposit(errors)
        correction = PnbpDeposit(
            facility_id=deposit.facility_id, kanwil_id=deposit.kanwil_id,
            period_start=deposit.period_start, period_end=deposit.period_end, amount_idr=0,
            is_void=True, note=reason[:1000], corrects_id=deposit.id, recorded_by_id=actor.id,
            created_at=now,
        )  # fmt: skip
        return _write(
            correction, None, storage, actor=actor, action="pnbp_deposit.void",
            changes={"corrects_id": [None, deposit.id], **_changes(deposit, correction)},
        )  # fmt: skip
    try:
        values, checked = _checked(
            details, proof, facility=deposit.facility, now=now,
            proof_required=deposit.proof_key is None,
        )  # fmt: skip
    except InvalidDeposit as error:
        raise InvalidDeposit({**errors, **error.errors}) from None
    if errors:
        raise InvalidDeposit(errors)
    _lock()
    _check_ntpn_free(values["ntpn"], replacing=deposit)
    kept_proof = {
        "proof_key": deposit.proof_key,
        "proof_content_type": deposit.proof_content_type,
        "proof_filename": deposit.proof_filename,
    }
    correction = PnbpDeposit(
        facility_id=deposit.facility_id, kanwil_id=deposit.kanwil_id, is_void=False,
        note=reason[:1000], corrects_id=deposit.id, recorded_by_id=actor.id, created_at=now,
        **values, **(_proof_columns(checked, deposit.facility_id) if checked else kept_proof),
    )  # fmt: skip
    return _write(
        correction, checked, storage, actor=actor, action="pnbp_deposit.correct",
        changes={"corrects_id": [None, deposit.id], **_changes(deposit, correction)},
    )  # fmt: skip


def _check_may_record(actor: User) -> None:
    if actor.role not in RECORDERS:
        raise MayNotRecord()


def _checked(
    details: DepositDetails,
    proof: Proof | None,
    *,
    facility: Facility,
    now: datetime,
    proof_required: bool,
) -> tuple[dict[str, Any], _CheckedProof | None]:
    """The cleaned column values and proof, or `InvalidDeposit` naming every wrong field."""
    errors: dict[str, Any] = {}
    billing_code = re.sub(r"[\s-]", "", details.billing_code or "")
    ntpn = re.sub(r"[\s-]", "", details.ntpn or "").upper()
    if details.period_end < details.period_start:
        errors["period_end"] = _l("Akhir periode tidak boleh sebelum awal periode.")
    if not _BILLING_CODE.fullmatch(billing_code):
        errors["billing_code"] = _l("Kode billing SIMPONI terdiri dari 15 angka.")
    if not _NTPN.fullmatch(ntpn):
        errors["ntpn"] = _l("NTPN terdiri dari 16 huruf atau angka.")
    if not 0 < details.amount_idr <= MAX_AMOUNT_IDR:
        errors["amount_idr"] = _l("Jumlah setoran harus lebih dari Rp0.")
    today = clock.local_date(now, facility.timezone)
    if details.paid_on > today:
        errors["paid_on"] = _l("Tanggal bayar tidak boleh di masa depan.")
    checked = None
    if proof is not None and proof.data:
        try:
            checked = _check_proof(proof)
        except InvalidDeposit as error:
            errors.update(error.errors)
    elif proof_required:
        errors["proof"] = _l("Unggah bukti setor (PDF, JPEG atau PNG).")
    if errors:
        raise InvalidDeposit(errors)
    values = {
        "period_start": details.period_start,
        "period_end": details.period_end,
        "billing_code": billing_code,
        "ntpn": ntpn,
        "amount_idr": details.amount_idr,
        "paid_on": details.paid_on,
    }
    return values, checked


def _check_proof(proof: Proof) -> _CheckedProof:
    """The proof's real type, read from its bytes: a renamed file is refused."""
    if len(proof.data) > MAX_PROOF_BYTES:
        raise InvalidDeposit(
            {
                "proof": _l(
                    "Bukti setor terlalu besar (%(size)s MB). Batasnya %(limit)s MB.",
                    size=round(len(proof.data) / 1_048_576, 1),
                    limit=f"{MAX_PROOF_BYTES / 1_048_576:g}",
                )
            }
        )
    extension = proofs.sniff(proof.data)
    if extension is None:
        raise InvalidDeposit(
            {"proof": _l("Bukti setor harus berkas PDF, JPEG atau PNG yang utuh.")}
        )
    if extension == "pdf":
        _check_pdf_is_passive(proof.data)
    name = proof.filename.replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]
    return _CheckedProof(
        name or f"bukti.{extension}", proof.data, PROOF_TYPES[extension], extension
    )


def _check_pdf_is_passive(data: bytes) -> None:
    try:
        pdf_safety.check_pdf(data)
    except pdf_safety.UnsafePdf as error:
        if str(error) == "unreadable":
            message = _l("Bukti setor harus berkas PDF, JPEG atau PNG yang utuh.")
        else:
            message = _l(
                "PDF ini memuat skrip, aksi otomatis, peluncuran program atau lampiran (%(what)s)."
                " Cetak ulang sebagai PDF biasa, lalu unggah.",
                what=str(error).lstrip("/"),
            )
        raise InvalidDeposit({"proof": message}) from None


def _proof_columns(checked: _CheckedProof, facility_id: int) -> dict[str, str]:
    return {
        "proof_key": f"{PROOF_PREFIX}/{facility_id}/{uuid.uuid4().hex}.{checked.extension}",
        "proof_content_type": checked.content_type,
        "proof_filename": checked.filename,
    }


def _lock() -> None:
    """Serialise the writers of deposits on PostgreSQL, for the NTPN check (see module doc)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(_ADVISORY_LOCK)))


def _check_ntpn_free(ntpn: str, *, replacing: PnbpDeposit | None) -> None:
    query = sa.select(PnbpDeposit.id).where(PnbpDeposit.ntpn == ntpn, counting_clause())
    if replacing is not None:
        query = query.where(PnbpDeposit.id != replacing.id)
    if db.session.scalar(query.limit(1)) is not None:
        raise DuplicateNtpn()


def _write(
    deposit: PnbpDeposit,
    proof: _CheckedProof | None,
    storage: Storage,
    *,
    actor: User,
    action: str,
    changes: dict[str, Any],
) -> PnbpDeposit:
    """Insert, store the new proof and audit (the caller commits); a failure here leaves
    neither the row nor the proof file behind."""
    stored = False
    try:
        db.session.add(deposit)
        db.session.flush()
        if proof is not None and deposit.proof_key:
            storage.save(deposit.proof_key, proof.data, proof.content_type)
            stored = True
        audit.record(actor=actor, action=action, obj=deposit, changes=changes)
    except IntegrityError:
        db.session.rollback()
        _forget(storage, deposit, stored)
        if deposit.corrects_id is not None:
            raise AlreadyCorrected(None) from None
        raise
    except BaseException:
        db.session.rollback()
        _forget(storage, deposit, stored)
        raise
    return deposit


def _forget(storage: Storage, deposit: PnbpDeposit, stored: bool) -> None:
    if stored and deposit.proof_key:
        storage.delete(deposit.proof_key)


_AUDITED = ("period_start", "period_end", "billing_code", "ntpn", "amount_idr", "paid_on")


def _changes(before: PnbpDeposit | dict[str, Any], after: PnbpDeposit) -> dict[str, Any]:
    def fields(row: PnbpDeposit | dict[str, Any]) -> dict[str, Any]:
        if isinstance(row, dict):
            return row
        return {name: getattr(row, name) for name in (*_AUDITED, "is_void", "proof_key")}

    return audit.diff(fields(before), fields(after))


# --- Reading deposits ---------------------------------------------------------------------


def get_deposit(user: User, deposit_id: Any) -> PnbpDeposit:
    """The deposit if `user` may see its facility; `OutOfScope` (a 404) otherwise."""
    deposit_id = parse_id(deposit_id)
    if deposit_id is None:
        raise scoping.OutOfScope()
    found = db.session.scalar(
        sa.select(PnbpDeposit).where(
            PnbpDeposit.id == deposit_id, scoping.facility_filter(user, PnbpDeposit.facility_id)
        )
    )
    if found is None:
        raise scoping.OutOfScope()
    return found


def history(deposit: PnbpDeposit) -> list[PnbpDeposit]:
    """The whole chain the deposit belongs to, the original first and the counting head last."""
    first = deposit
    while first.corrects is not None:
        first = first.corrects
    chain = [first]
    while chain[-1].corrected_by is not None:
        chain.append(chain[-1].corrected_by)  # type: ignore[arg-type]
    return chain


def head(deposit: PnbpDeposit) -> PnbpDeposit:
    """The latest row of the deposit's chain: the one a new correction must correct."""
    return history(deposit)[-1]


@dataclass(frozen=True)
class DepositFilter:
    facility_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def deposits(user: User, selection: DepositFilter) -> sa.Select[tuple[PnbpDeposit]]:
    """Every row in scope (replaced and void ones included), newest first, by `period_end`."""
    query = (
        sa.select(PnbpDeposit)
        .where(scoping.facility_filter(user, PnbpDeposit.facility_id))
        .options(selectinload(PnbpDeposit.facility), selectinload(PnbpDeposit.corrected_by))
        .order_by(PnbpDeposit.period_end.desc(), PnbpDeposit.id.desc())
    )
    if selection.facility_id is not None:
        query = query.where(PnbpDeposit.facility_id == selection.facility_id)
    if selection.date_from is not None:
        query = query.where(PnbpDeposit.period_end >= selection.date_from)
    if selection.date_to is not None:
        query = query.where(PnbpDeposit.period_end <= selection.date_to)
    return query


def kanwils(user: User) -> list[Kanwil]:
    """The regional offices whose facilities `user` may see, for choosing a region."""
    in_scope = sa.select(Facility.kanwil_id).where(scoping.facility_filter(user, Facility.id))
    return list(
        db.session.scalars(sa.select(Kanwil).where(Kanwil.id.in_(in_scope)).order_by(Kanwil.name))
    )


def read_proof(deposit: PnbpDeposit, storage: Storage) -> tuple[bytes, str, str]:
    """The proof's bytes, content type and a download name; the caller checked the scope."""
    if not deposit.proof_key or not deposit.proof_content_type:
        raise scoping.OutOfScope()
    extension = deposit.proof_key.rsplit(".", 1)[-1]
    name = f"bukti-setor-pnbp-{deposit.ntpn or deposit.id}.{extension}"
    return storage.read(deposit.proof_key), deposit.proof_content_type, name


# --- The position -------------------------------------------------------------------------


@dataclass(frozen=True)
class PositionLine:
    """Accrued, deposited and outstanding PNBP of one facility, one Kanwil or the nation."""

    id: int | None
    name: str
    kanwil_name: str
    accrued_idr: int
    deposited_idr: int
    outstanding_idr: int


@dataclass(frozen=True)
class PnbpPosition:
    date_from: date
    date_to: date
    facilities: list[PositionLine]
    kanwils: list[PositionLine]
    national: PositionLine
    caption: tuple[str, ...] = field(default_factory=tuple)

    def facility_table(self) -> ReportTable:
        return ReportTable(
            name="pnbp-per-upt",
            title=str(_l("Posisi PNBP per UPT")),
            columns=[
                Column("facility", str(_l("UPT"))),
                Column("kanwil", str(_l("Kanwil"))),
                *_money_columns(),
            ],
            rows=[(line.name, line.kanwil_name, *_money(line)) for line in self.facilities],
            totals=(str(_l("Jumlah")), "", *_money(self.national)),
            caption=self.caption,
        )

    def kanwil_table(self) -> ReportTable:
        return ReportTable(
            name="pnbp-per-kanwil",
            title=str(_l("Posisi PNBP per Kanwil")),
            columns=[Column("kanwil", str(_l("Kanwil"))), *_money_columns()],
            rows=[(line.name, *_money(line)) for line in self.kanwils],
            totals=(str(_l("Nasional")), *_money(self.national)),
            caption=self.caption,
        )


def _money_columns() -> list[Column]:
    return [
        Column("accrued_idr", str(_l("PNBP terutang")), ColumnKind.IDR),
        Column("deposited_idr", str(_l("Disetor")), ColumnKind.IDR),
        Column("outstanding_idr", str(_l("Belum disetor")), ColumnKind.IDR),
    ]


def _money(line: PositionLine) -> tuple[int, int, int]:
    return line.accrued_idr, line.deposited_idr, line.outstanding_idr


def position(
    user: User, *, date_from: date, date_to: date, kanwil_id: int | None = None
) -> PnbpPosition:
    """The PNBP position of the period (days inclusive) in the user's scope, optionally one Kanwil.

    Each figure is one SQL aggregate: facility lines group by facility, Kanwil lines by the
    Kanwil copied on the ledger entries and deposits, and the national line sums everything, so
    the lines add up to the national total by construction.
    """
    # The entries are summed per facility (and the Kanwil on them) first: the lines below then
    # group a few hundred partial sums, not every entry of the period (sums of sums are exact).
    accrued = (
        sa.select(
            LedgerEntry.facility_id.label("facility_id"),
            LedgerEntry.kanwil_id.label("kanwil_id"),
            sa.cast(sa.func.sum(LedgerEntry.pnbp_idr), sa.BigInteger).label("accrued"),
            sa.literal(0, sa.BigInteger).label("deposited"),
        )
        .where(
            LedgerEntry.local_date.between(date_from, date_to),
            scoping.facility_filter(user, LedgerEntry.facility_id),
        )
        .group_by(LedgerEntry.facility_id, LedgerEntry.kanwil_id)
    )
    deposited = sa.select(
        PnbpDeposit.facility_id,
        PnbpDeposit.kanwil_id,
        sa.literal(0, sa.BigInteger),
        PnbpDeposit.amount_idr,
    ).where(
        PnbpDeposit.period_end.between(date_from, date_to),
        counting_clause(),
        scoping.facility_filter(user, PnbpDeposit.facility_id),
    )
    if kanwil_id is not None:
        accrued = accrued.where(LedgerEntry.kanwil_id == kanwil_id)
        deposited = deposited.where(PnbpDeposit.kanwil_id == kanwil_id)
    movements = sa.union_all(accrued, deposited).subquery("movements")
    sums = (
        _sum(movements.c.accrued),
        _sum(movements.c.deposited),
        _sum(movements.c.accrued - movements.c.deposited),
    )
    facility_rows = db.session.execute(
        sa.select(Facility.id, Facility.name, Kanwil.name, *sums)
        .select_from(movements)
        .join(Facility, Facility.id == movements.c.facility_id)
        .join(Kanwil, Kanwil.id == Facility.kanwil_id)
        .group_by(Facility.id, Facility.name, Kanwil.name)
        .order_by(Kanwil.name, Facility.name)
    ).all()
    kanwil_rows = db.session.execute(
        sa.select(Kanwil.id, Kanwil.name, sa.literal(""), *sums)
        .select_from(movements)
        .join(Kanwil, Kanwil.id == movements.c.kanwil_id)
        .group_by(Kanwil.id, Kanwil.name)
        .order_by(Kanwil.name)
    ).all()
    national = db.session.execute(sa.select(*sums).select_from(movements)).one()
    return PnbpPosition(
        date_from=date_from,
        date_to=date_to,
        facilities=[PositionLine(*row) for row in facility_rows],
        kanwils=[PositionLine(*row) for row in kanwil_rows],
        national=PositionLine(None, str(_l("Nasional")), "", *national),
        caption=(str(_l("Periode %(start)s s.d. %(end)s", start=date_from, end=date_to)),),
    )


def _sum(column: Any) -> sa.ColumnElement[int]:
    """SUM as an integer (PostgreSQL sums BIGINT into NUMERIC) and 0 over no rows."""
    return sa.func.coalesce(sa.cast(sa.func.sum(column), sa.BigInteger), 0)
