"""Quote requests in the back office: the list, a facility's part with its answer or decline
form, the bank transfer of an accepted quote's order, and the quote figures.

Everyone reads within their scope (staff their facility, kanwil their region, central all);
only the facility's own staff answer or decline (`shop.quotes.answers`); a transfer is recorded
by central, or by the facility's staff when the order is theirs alone (`shop.quotes.transfers`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from admin.access import CENTRAL_OFFICE, EVERYONE, Section
from admin.helpers import me, now, page_number, storage
from admin.quotes.forms import AnswerForm, DeclineForm, FiguresForm, QuoteFilterForm, TransferForm
from shop.accounts import scoping
from shop.actions import attempt
from shop.core import clock, pagination
from shop.core.clock import Period
from shop.core.numbers import parse_amount_idr
from shop.core.storage import StorageError
from shop.models import OrderStatus, QuotePart, QuoteRequest, QuoteStatus, Role
from shop.ordering import orders
from shop.quotes import answers, figures, transfers
from shop.quotes.statuses import LABELS, InvalidFields
from shop.reporting.periods import EARLIEST, LATEST

reading = Section(EVERYONE)
answering = Section(Role.STAFF)
recording = Section(Role.STAFF, CENTRAL_OFFICE)

PER_PAGE = 30
UNPAID = (OrderStatus.PENDING_PAYMENT, OrderStatus.EXPIRED, OrderStatus.PAYMENT_FAILED)


@reading.get("/quotes")
def quote_list() -> ResponseReturnValue:
    form = QuoteFilterForm(formdata=request.args)
    form.validate()
    query = (
        select(QuotePart)
        .join(QuotePart.request)
        .where(scoping.facility_filter(me(), QuotePart.facility_id))
        .order_by(QuoteRequest.created_at.desc(), QuotePart.id.desc())
    )
    chosen = form.chosen()
    if chosen is not None:
        query = query.where(QuotePart.status == chosen)
    found = pagination.paginate(
        query, page=page_number(), per_page=PER_PAGE,
        load=(joinedload(QuotePart.request), joinedload(QuotePart.facility),
              selectinload(QuotePart.lines)),
    )  # fmt: skip
    return render_template(
        "admin/quotes/list.html", parts=found.items, pages=found, form=form, labels=LABELS
    )


def _render_detail(
    part: QuotePart,
    *,
    answer_form: AnswerForm | None = None,
    decline_form: DeclineForm | None = None,
    transfer_form: TransferForm | None = None,
    price_errors: dict[int, str] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    user = me()
    answerable = part.status is QuoteStatus.REQUESTED and answers.may_answer(user, part)
    order = part.order
    transfer = transfers.transfer_of(order.id) if order is not None else None
    recordable = (
        order is not None and transfer is None and order.status in UNPAID
        and transfers.may_record(user, order)
    )  # fmt: skip
    if answerable and answer_form is None:
        answer_form = AnswerForm(formdata=None, valid_until=clock.today(part.facility.timezone))
    if recordable and transfer_form is None:
        transfer_form = TransferForm(
            formdata=None, amount_idr=order.total_idr if order else None,
            transferred_on=clock.today(),
        )  # fmt: skip
    return render_template(
        "admin/quotes/detail.html", part=part, quote=part.request, labels=LABELS,
        answer_form=answer_form if answerable else None,
        decline_form=(decline_form or DeclineForm(formdata=None)) if answerable else None,
        transfer_form=transfer_form if recordable else None, transfer=transfer,
        price_errors=price_errors or {}, order=order, order_labels=orders.ORDER_STATUS_LABELS,
    ), status  # fmt: skip


@reading.get("/quotes/<int:part_id>")
def quote_detail(part_id: int) -> ResponseReturnValue:
    return _render_detail(answers.part_in_scope(me(), part_id))


def _prices(part: QuotePart) -> dict[int, int]:
    """Unit prices from the `price-<line id>` fields; an unreadable one is left out (and the
    service names it as missing)."""
    prices = {}
    for line in part.lines:
        value = parse_amount_idr(request.form.get(f"price-{line.id}", "").strip())
        if value is not None:
            prices[line.id] = value
    return prices


def _split_errors(form: Any, error: object) -> dict[int, str]:
    """Put each field error of `error` on its form field; return the per-line price errors."""
    price_errors: dict[int, str] = {}
    fields = error.errors if isinstance(error, InvalidFields) else {}
    for name, message in fields.items():
        if name.startswith("price-"):
            price_errors[int(name.removeprefix("price-"))] = str(message)
        elif name in form._fields:
            form[name].errors = [*form[name].errors, str(message)]
    if not fields and error is not None:
        flash(str(error), "error")
    return price_errors


@answering.post("/quotes/<int:part_id>/answer")
def quote_answer(part_id: int) -> ResponseReturnValue:
    part = answers.part_in_scope(me(), part_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _render_detail(part, answer_form=form, status=422)
    with attempt(flash_error=False) as outcome:
        answers.answer_part(
            part_id=part.id,
            answer=answers.Answer(
                lead_time_days=form.lead_time_days.data or 0,
                delivery_idr=form.delivery_idr.data or 0,
                valid_until=form.valid_until.data or date.min,
                unit_prices=_prices(part),
                notes=form.notes.data or "",
            ),
            actor=me(),
            now=now(),
        )
    if outcome.ok:
        flash(_l("Penawaran dikirim."), "success")
        return redirect(url_for("admin.quote_detail", part_id=part.id), 303)
    part = answers.part_in_scope(me(), part_id)
    errors = _split_errors(form, outcome.error)
    return _render_detail(part, answer_form=form, price_errors=errors, status=422)


@answering.post("/quotes/<int:part_id>/decline")
def quote_decline(part_id: int) -> ResponseReturnValue:
    part = answers.part_in_scope(me(), part_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _render_detail(part, decline_form=form, status=422)
    with attempt(flash_error=False) as outcome:
        answers.decline_part(part_id=part.id, reason=form.reason.data or "", actor=me(), now=now())
    if outcome.ok:
        flash(_l("Permintaan ditolak; pembeli akan membaca alasannya."), "success")
        return redirect(url_for("admin.quote_detail", part_id=part.id), 303)
    part = answers.part_in_scope(me(), part_id)
    _split_errors(form, outcome.error)
    return _render_detail(part, decline_form=form, status=422)


@recording.post("/quotes/<int:part_id>/transfer")
def quote_transfer(part_id: int) -> ResponseReturnValue:
    part = answers.part_in_scope(me(), part_id)
    if part.order_id is None:
        flash(_l("Penawaran ini belum diterima pembeli; belum ada pesanan untuk dibayar."), "error")
        return redirect(url_for("admin.quote_detail", part_id=part.id), 303)
    form = TransferForm()
    if not form.validate_on_submit():
        return _render_detail(part, transfer_form=form, status=422)
    upload: Any = form.proof.data
    proof = (
        transfers.Proof(filename=upload.filename or "", data=upload.read())
        if upload and getattr(upload, "filename", "")
        else None
    )
    with attempt(flash_error=False) as outcome:
        transfers.record_bank_transfer(
            order_id=part.order_id,
            details=transfers.TransferDetails(
                reference=form.reference.data or "",
                transferred_on=form.transferred_on.data or date.min,
                amount_idr=form.amount_idr.data or 0,
            ),
            proof=proof, actor=me(), storage=storage(), now=now(),
        )  # fmt: skip
    if outcome.ok:
        flash(_l("Transfer dicatat; pesanan sudah dibayar."), "success")
        return redirect(url_for("admin.quote_detail", part_id=part.id), 303)
    part = answers.part_in_scope(me(), part_id)
    _split_errors(form, outcome.error)
    return _render_detail(part, transfer_form=form, status=422)


@recording.get("/quotes/<int:part_id>/transfer-proof")
def quote_transfer_proof(part_id: int) -> ResponseReturnValue:
    """The transfer's proof, to those who may see the part, always as a download."""
    part = answers.part_in_scope(me(), part_id)
    transfer = transfers.transfer_of(part.order_id) if part.order_id else None
    if transfer is None:
        flash(_l("Belum ada bukti transfer untuk penawaran ini."), "error")
        return redirect(url_for("admin.quote_detail", part_id=part.id))
    try:
        data, content_type, name = transfers.read_proof(transfer, storage())
    except StorageError:
        flash(_l("Berkas bukti transfer tidak ditemukan di penyimpanan."), "error")
        return redirect(url_for("admin.quote_detail", part_id=part.id))
    response = Response(data, mimetype=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@reading.get("/quotes/figures")
def quote_figures() -> ResponseReturnValue:
    form = FiguresForm(formdata=request.args)
    form.validate()
    today = clock.today()
    start = form.date_from.data if not form.date_from.errors else None
    end = form.date_to.data if not form.date_to.errors else None
    start = start or date(today.year, 1, 1)
    end = end or today
    if end < start or start < EARLIEST or end > LATEST:
        flash(_l("Periode tidak dapat dibaca; yang tampil tahun ini."), "error")
        start, end = date(today.year, 1, 1), today
    shown = figures.quote_figures(user=me(), period=Period(start, end))
    return render_template("admin/quotes/figures.html", figures=shown, form=form)
