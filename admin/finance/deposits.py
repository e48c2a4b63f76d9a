"""PNBP in the back office, for every role within its scope: the position and the deposits.

Recording and correcting deposits lives in `admin.deposit_entry`, an area of its own so the one
role guard (`admin.access.AREA_ROLES`) keeps staff out of it.
"""

from __future__ import annotations

from datetime import date

from flask import Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from admin import bp
from admin.finance.deposit_forms import (
    CorrectionForm,
    DepositFilterForm,
    PositionFilterForm,
    VoidForm,
)
from admin.helpers import me, now, page_number, storage
from shop.accounts import scoping
from shop.core.clock import Period
from shop.core.storage import StorageError
from shop.database import db
from shop.finance import pnbp
from shop.models import PnbpDeposit

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


@bp.get("/pnbp", endpoint="pnbp_position")
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
    status = 422 if form.errors else 200
    return render_template(
        "admin/pnbp/position.html", form=form, position=position,
        facility_table=position.facility_table(), kanwil_table=position.kanwil_table(),
        facility_links=facility_links, kanwil_links=kanwil_links,
        may_record=me().role in pnbp.RECORDERS,
        export_args={**period, **({"kanwil": str(kanwil_id)} if kanwil_id else {})},
    ), status  # fmt: skip


@bp.get("/pnbp/deposits", endpoint="pnbp_deposits")
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
    query = pnbp.deposits(user, selection)
    total = db.session.scalar(query.with_only_columns(db.func.count()).order_by(None)) or 0
    page = page_number()
    rows = db.session.scalars(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return render_template(
        "admin/pnbp/deposits.html", form=form, deposits=rows, total=total, page=page,
        per_page=PER_PAGE, may_record=user.role in pnbp.RECORDERS,
    ), 422 if form.errors else 200  # fmt: skip


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


@bp.get("/pnbp/deposits/<int:deposit_id>", endpoint="pnbp_deposit")
def deposit_detail(deposit_id: int) -> ResponseReturnValue:
    return render_detail(pnbp.get_deposit(me(), deposit_id))


@bp.get("/pnbp/deposits/<int:deposit_id>/proof", endpoint="pnbp_proof")
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
