"""A bank transfer paid for a quote's order, recorded in the back office with its proof.

Recording it is the order's payment: the order and its parts turn paid, the held stock is
sold, and the ledger gets the sales and delivery of each facility through the ledger's own
posting, with the gateway `bank_transfer` and the order's channel (b2b). A completed payment
attempt of gateway `bank_transfer` stands for it, so the database's one-completed-attempt
index and the ledger's one-sale-per-line index refuse a second recording as they refuse a
second gateway payment; `QuoteTransfer.order_id` is unique as well.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from shop.core import audit, clock, pdf_safety, proofs
from shop.core.i18n import lazy_gettext as _l
from shop.core.money import rupiah
from shop.core.storage import Storage, StorageError
from shop.database import db
from shop.ledger import posting as ledger
from shop.models import (
    AttemptStatus,
    FacilityOrderStatus,
    Order,
    OrderStatus,
    PaymentAttempt,
    QuotePart,
    QuoteTransfer,
    Role,
    User,
)
from shop.ordering import checkout, order_mail, orders
from shop.quotes.acceptance import BANK_TRANSFER
from shop.quotes.statuses import InvalidFields, QuoteError, lock_request

PROOF_PREFIX = "private/quotes"
RECORDERS = frozenset({Role.STAFF, Role.CENTRAL, Role.ADMIN})


class TransferError(QuoteError):
    """The transfer cannot be recorded; nothing was written."""


class InvalidTransfer(InvalidFields):
    """A transfer with wrong fields."""


@dataclass(frozen=True)
class TransferDetails:
    reference: str
    transferred_on: date
    amount_idr: int


@dataclass(frozen=True)
class Proof:
    filename: str
    data: bytes


def quote_order(order_id: int) -> Order | None:
    """The order if it was made from a quote (only those are paid by recorded transfer)."""
    part_id = db.session.scalar(select(QuotePart.id).where(QuotePart.order_id == order_id))
    return db.session.get(Order, order_id) if part_id is not None else None


def may_record(user: User, order: Order) -> bool:
    """Central and admin for any quote order; a facility's staff when every part is theirs."""
    if user.role in (Role.CENTRAL, Role.ADMIN):
        return True
    return user.role is Role.STAFF and all(p.facility_id == user.facility_id for p in order.parts)


def record_bank_transfer(
    *,
    order_id: int,
    details: TransferDetails,
    proof: Proof | None,
    actor: User,
    storage: Storage,
    now: datetime,
) -> QuoteTransfer:
    """Record the transfer and pay the order with it; the caller commits.

    Refused, writing nothing, when the order is paid already (or money is on its way through
    the gateway), the amount is not the order's total, the proof is not a whole PDF, JPEG or
    PNG, or (an order whose hold ran out) its stock is gone.
    """
    quote_part_request = db.session.scalar(
        select(QuotePart.quote_request_id).where(QuotePart.order_id == order_id)
    )
    if quote_part_request is None:
        raise TransferError(_l("Pesanan ini bukan pesanan dari penawaran."))
    lock_request(quote_part_request)
    order = orders.lock_order(order_id)
    if not may_record(actor, order):
        raise TransferError(_l("Transfer untuk pesanan beberapa UPT dicatat oleh kantor pusat."))
    if order.status is OrderStatus.PAID:
        raise TransferError(_l("Pesanan %(number)s sudah dibayar.", number=order.number))
    if order.status is OrderStatus.AWAITING_PAYMENT:
        raise TransferError(
            _l("Pembayaran pesanan ini sedang diproses layanan pembayaran; tunggu hasilnya.")
        )
    checked = _checked(details, proof, order=order, now=now)
    released = order.status in (OrderStatus.EXPIRED, OrderStatus.PAYMENT_FAILED)
    if released and not checkout.take_released_stock_again(order, now=now):
        raise TransferError(
            _l(
                "Stok pesanan ini sudah dilepas dan tidak cukup lagi. Tambah stok dulu,"
                " lalu catat transfernya."
            )
        )
    order.gateway = BANK_TRANSFER
    for attempt in order.attempts:
        if attempt.status is AttemptStatus.OPEN:
            # A later payment of that session is a duplicate, refunded (shop.payments.events).
            attempt.status = AttemptStatus.EXPIRED
    attempt = PaymentAttempt(
        order=order, gateway=BANK_TRANSFER, idempotency_key=f"bank-{secrets.token_urlsafe(24)}",
        status=AttemptStatus.COMPLETED, amount_idr=order.total_idr, expires_at=now, fee_idr=0,
        payment_intent_id=None,
    )  # fmt: skip
    db.session.add(attempt)
    orders.move_order(order, OrderStatus.PAID, actor=actor)
    order.paid_at = now
    for part in order.parts:
        orders.move_part(part, FacilityOrderStatus.PAID, actor=actor)
    checkout.commit_reservations(order)
    ledger.record_payment(
        order=order,
        attempt=attempt,
        details=ledger.PaymentDetails(
            payment_intent_id=None,
            charge_id=None,
            balance_transaction_id=None,
            amount_idr=order.total_idr,
            fee_idr=0,
        ),
        occurred_at=now,
    )
    extension, content_type, data = checked
    transfer = QuoteTransfer(
        quote_request_id=quote_part_request, order_id=order.id, amount_idr=details.amount_idr,
        reference=details.reference.strip(), transferred_on=details.transferred_on,
        proof_key=f"{PROOF_PREFIX}/{order.id}/{uuid.uuid4().hex}.{extension}",
        proof_content_type=content_type, proof_filename=_filename(proof, extension),
        recorded_by_id=actor.id, recorded_at=now,
    )  # fmt: skip
    db.session.add(transfer)
    db.session.flush()
    audit.record(
        actor=actor, action="quote.bank_transfer", obj=transfer,
        changes={"order": [None, order.number], "amount_idr": [None, details.amount_idr],
                 "reference": [None, transfer.reference]},
    )  # fmt: skip
    order_mail.send_order_paid(order=order)
    try:
        storage.save(transfer.proof_key, data, content_type)
    except StorageError as error:
        raise TransferError(_l("Bukti transfer tidak dapat disimpan; coba lagi.")) from error
    return transfer


def read_proof(transfer: QuoteTransfer, storage: Storage) -> tuple[bytes, str, str]:
    """The proof's bytes, type and file name (raises StorageError when the file is gone)."""
    return (
        storage.read(transfer.proof_key),
        transfer.proof_content_type,
        transfer.proof_filename,
    )


def transfer_of(order_id: int) -> QuoteTransfer | None:
    return db.session.scalar(select(QuoteTransfer).where(QuoteTransfer.order_id == order_id))


def _checked(
    details: TransferDetails, proof: Proof | None, *, order: Order, now: datetime
) -> tuple[str, str, bytes]:
    errors: dict[str, object] = {}
    reference = details.reference.strip()
    if not reference or len(reference) > 80:
        errors["reference"] = _l("Isi nomor referensi transfer dari bank.")
    if details.amount_idr != order.total_idr:
        errors["amount_idr"] = _l(
            "Jumlah transfer harus sama dengan total pesanan (%(total)s).",
            total=rupiah(order.total_idr),
        )
    placed = clock.local_date(order.placed_at)
    if not placed <= details.transferred_on <= clock.local_date(now):
        errors["transferred_on"] = _l("Tanggal transfer antara tanggal pesanan dan hari ini.")
    checked: tuple[str, str, bytes] | None = None
    if proof is None or not proof.data:
        errors["proof"] = _l("Unggah bukti transfer (PDF, JPEG atau PNG).")
    elif len(proof.data) > proofs.MAX_PROOF_BYTES:
        errors["proof"] = _l("Bukti transfer terlalu besar; batasnya 5 MB.")
    else:
        extension = proofs.sniff(proof.data)
        if extension is None:
            errors["proof"] = _l("Bukti transfer harus berkas PDF, JPEG atau PNG yang utuh.")
        else:
            try:
                if extension == "pdf":
                    pdf_safety.check_pdf(proof.data)
                checked = (extension, proofs.PROOF_TYPES[extension], proof.data)
            except pdf_safety.UnsafePdf:
                errors["proof"] = _l(
                    "PDF ini rusak atau memuat skrip, aksi otomatis atau lampiran. Cetak ulang"
                    " sebagai PDF biasa, lalu unggah."
                )
    if errors or checked is None:
        raise InvalidTransfer(errors)
    return checked


def _filename(proof: Proof | None, extension: str) -> str:
    name = (proof.filename if proof else "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:200] or f"bukti-transfer.{extension}"
