"""PNBP in the back office: the position and the deposits for every role within its scope;
recording, correcting and voiding deposits for Kanwil users (their region), central and admin.

The service refuses staff too, and answers facilities outside the user's scope with a 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from admin.access import EVERYONE, REVIEWERS, Section
from admin.finance.forms import (
    CorrectionForm,
    DepositFilterForm,
    DepositForm,
    PositionFilterForm,
    VoidForm,
)
from admin.helpers import me, now, page_number, storage
from shop.accounts import scoping
from shop.actions import attempt
from shop.core import pagination
from shop.core.clock import Period
from shop.core.errors import DomainError
from shop.core.numbers import parse_id
from shop.core.storage import StorageError
from shop.database import db
from shop.finance import pnbp
from shop.models import Facility, PnbpDeposit

# Everyone sees the PNBP position and deposits of their scope; staff do not record them.
reading = Section(EVERYONE)
recording = Section(REVIEWERS)

PER_PAGE = 50


def this_month() -> tuple[date, date]:
    """The current month in WIB, the default period of the PNBP pages."""
    month = Period.this_month(now())
    return month.start, month.end


def _period(form: PositionFilterForm | DepositFilterForm) -> tuple[date, date]:
    start, end = this_month()
    chosen = (form.date_from.data or start, form.date_to.data or end)
    if chosen[1] < chosen[0]:
        form.date_to.errors = [
            *form.date_to.errors,
            _l("Tanggal akhir tidak boleh sebelum tanggal awal."),
        ]
        return start, end
    return chosen


@reading.get("/pnbp", endpoint="pnbp_position")
def position_view() -> ResponseReturnValue:
    user = me()
    form = PositionFilterForm(formdata=request.args)
    form.kanwil.choices = [(0, _l("Semua Kanwil"))] + [(k.id, k.name) for k in pnbp.kanwils(user)]
    form.validate()
    date_from, date_to = _period(form)
    form.date_from.data, form.date_to.data = date_from, date_to
    kanwil_id = (form.kanwil.data or None) if not form.kanwil.errors else None
    position = pnbp.position(user, date_from=date_from, date_to=date_to, kanwil_id=kanwil_id)
    period = {"from": date_from.isoformat(), "to": date_to.isoformat()}
    facility_links = [
        url_for("admin.pnbp_deposits", facility=line.id, **period) for line in position.facilities
    ]
    kanwil_links = [
        url_for("admin.pnbp_position", kanwil=line.id, **period) for line in position.kanwils
    ]
    return render_template(
        "admin/pnbp/position.html", form=form, position=position,
        facility_table=position.facility_table(), kanwil_table=position.kanwil_table(),
        facility_links=facility_links, kanwil_links=kanwil_links,
        may_record=me().role in pnbp.RECORDERS,
        export_args={**period, **({"kanwil": str(kanwil_id)} if kanwil_id else {})},
    )  # fmt: skip


@reading.get("/pnbp/deposits", endpoint="pnbp_deposits")
def deposit_list() -> ResponseReturnValue:
    user = me()
    form = DepositFilterForm(formdata=request.args)
    form.facility.choices = [(0, _l("Semua UPT"))] + [
        (f.id, f.name) for f in db.session.scalars(scoping.facilities(user))
    ]
    form.validate()
    selection = pnbp.DepositFilter(
        facility_id=(form.facility.data or None) if not form.facility.errors else None,
        date_from=form.date_from.data if not form.date_from.errors else None,
        date_to=form.date_to.data if not form.date_to.errors else None,
    )
    found = pagination.paginate(
        pnbp.deposits(user, selection), page=page_number(), per_page=PER_PAGE
    )
    return render_template(
        "admin/pnbp/deposits.html", form=form, deposits=found.items, pages=found,
        may_record=user.role in pnbp.RECORDERS,
    )  # fmt: skip


def render_detail(
    deposit: PnbpDeposit,
    *,
    correct_form: CorrectionForm | None = None,
    void_form: VoidForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    """The detail page; the entry views show it again with their form's errors."""
    may_correct = me().role in pnbp.RECORDERS and deposit.corrected_by is None
    if may_correct:
        correct_form = correct_form or CorrectionForm(formdata=None, obj=deposit)
        void_form = void_form or VoidForm(formdata=None)
    return render_template(
        "admin/pnbp/detail.html", deposit=deposit, chain=pnbp.history(deposit),
        latest=pnbp.head(deposit), correct_form=correct_form if may_correct else None,
        void_form=void_form if may_correct and not deposit.is_void else None,
    ), status  # fmt: skip


@reading.get("/pnbp/deposits/<int:deposit_id>", endpoint="pnbp_deposit")
def deposit_detail(deposit_id: int) -> ResponseReturnValue:
    return render_detail(pnbp.get_deposit(me(), deposit_id))


@reading.get("/pnbp/deposits/<int:deposit_id>/proof", endpoint="pnbp_proof")
def deposit_proof(deposit_id: int) -> ResponseReturnValue:
    """The proof, to the users who may see the deposit only, always as a download."""
    deposit = pnbp.get_deposit(me(), deposit_id)
    try:
        data, content_type, name = pnbp.read_proof(deposit, storage())
    except StorageError:
        abort(404)
    response = Response(data, mimetype=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _details(form: DepositForm | CorrectionForm) -> pnbp.DepositDetails:
    return pnbp.DepositDetails(
        period_start=form.period_start.data, period_end=form.period_end.data,
        billing_code=form.billing_code.data, ntpn=form.ntpn.data,
        amount_idr=form.amount_idr.data, paid_on=form.paid_on.data,
    )  # fmt: skip


def _proof(form: DepositForm | CorrectionForm) -> pnbp.Proof | None:
    upload: Any = form.proof.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    return pnbp.Proof(filename=upload.filename, data=upload.read())


def _show_errors(form: FlaskForm, error: DomainError | None) -> None:
    """Each message next to its field; one without a field above the form."""
    fields = getattr(error, "errors", {})
    for name, message in fields.items():
        getattr(form, name).errors = [message]
    if not fields:
        flash(str(error), "error")


@recording.route("/pnbp/deposits/new", methods=["GET", "POST"], endpoint="pnbp_deposit_new")
def deposit_new() -> ResponseReturnValue:
    user = me()
    form = DepositForm()
    form.facility_id.choices = [
        (f.id, f.name) for f in db.session.scalars(scoping.facilities(user))
    ]
    if request.method == "GET" and parse_id(request.args.get("facility", "")) is not None:
        form.facility_id.data = scoping.get_in_scope(user, Facility, request.args["facility"]).id
    if form.validate_on_submit():
        with attempt(flash_error=False) as outcome:
            deposit = pnbp.record_deposit(
                actor=user, facility_id=form.facility_id.data, details=_details(form),
                proof=_proof(form), note=form.note.data or "", storage=storage(), now=now(),
            )  # fmt: skip
        if outcome.ok:
            flash(_l("Setoran PNBP dicatat."), "success")
            return redirect(url_for("admin.pnbp_deposit", deposit_id=deposit.id))
        _show_errors(form, outcome.error)
    status = 422 if request.method == "POST" else 200
    return render_template("admin/pnbp/new.html", form=form), status


@recording.post("/pnbp/deposits/<int:deposit_id>/correct", endpoint="pnbp_deposit_correct")
def deposit_correct(deposit_id: int) -> ResponseReturnValue:
    deposit = pnbp.get_deposit(me(), deposit_id)
    form = CorrectionForm()
    if form.validate_on_submit():
        with attempt(flash_error=False) as outcome:
            correction = pnbp.correct_deposit(
                actor=me(), deposit=deposit, details=_details(form), reason=form.reason.data,
                proof=_proof(form), storage=storage(), now=now(),
            )  # fmt: skip
        if outcome.ok:
            flash(_l("Koreksi dicatat; setoran lama tidak dihitung lagi."), "success")
            return redirect(url_for("admin.pnbp_deposit", deposit_id=correction.id))
        _show_errors(form, outcome.error)
    return render_detail(deposit, correct_form=form, status=422)


@recording.post("/pnbp/deposits/<int:deposit_id>/void", endpoint="pnbp_deposit_void")
def deposit_void(deposit_id: int) -> ResponseReturnValue:
    deposit = pnbp.get_deposit(me(), deposit_id)
    form = VoidForm()
    if form.validate_on_submit():
        with attempt(flash_error=False) as outcome:
            void = pnbp.correct_deposit(
                actor=me(), deposit=deposit, details=None, reason=form.reason.data,
                storage=storage(), now=now(),
            )  # fmt: skip
        if outcome.ok:
            flash(_l("Setoran dibatalkan; tidak dihitung lagi."), "success")
            return redirect(url_for("admin.pnbp_deposit", deposit_id=void.id))
        _show_errors(form, outcome.error)
    return render_detail(deposit, void_form=form, status=422)
