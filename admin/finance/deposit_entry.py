"""Recording, correcting and voiding PNBP deposits: Kanwil users (for their region), central, admin.

An area of its own, so the role guard (`admin.access.AREA_ROLES`) refuses staff with a 403;
the service refuses them too, and answers facilities outside the user's scope with a 404.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from admin import bp
from admin.finance.deposit_forms import CorrectionForm, DepositForm, VoidForm
from admin.finance.deposits import render_detail
from admin.helpers import me, now, storage
from shop.accounts import scoping
from shop.actions import attempt
from shop.core.errors import DomainError
from shop.core.numbers import parse_id
from shop.database import db
from shop.finance import pnbp
from shop.models import Facility


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


@bp.route("/pnbp/deposits/new", methods=["GET", "POST"], endpoint="pnbp_deposit_new")
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


@bp.post("/pnbp/deposits/<int:deposit_id>/correct", endpoint="pnbp_deposit_correct")
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


@bp.post("/pnbp/deposits/<int:deposit_id>/void", endpoint="pnbp_deposit_void")
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
