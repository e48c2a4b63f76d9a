"""The till at /admin/pos: staff open a stand, sell from the phone (online or not), close it.

The till page works offline: a service worker (`/admin/pos/sw.js`, scope `/admin/pos/`)
keeps it and its assets, and static/js/till.js queues each sale on the phone with a UUID
until `till_sync` answers. That endpoint is JSON only and exempt from the form token (a token
would expire while a phone is offline for hours); it is protected instead by the same-site
check of the cart form (`Origin`, else `Referer`, must be this site), a JSON content type that
no cross-site form can send, and the SameSite=Lax session cookie (docs/security.md).
"""

from __future__ import annotations

from pathlib import Path

import segno
from flask import (
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from admin.access import Section
from admin.forms import options
from admin.helpers import me, now
from admin.tills.forms import CloseStandForm, GiveBackForm, OpenStandForm
from shop import security
from shop.accounts import scoping
from shop.actions import attempt
from shop.core import clock, unit_of_work
from shop.core.errors import DomainError
from shop.core.numbers import parse_int
from shop.database import db
from shop.extensions import csrf
from shop.models import Role, SaleEvent, Stand, StandSale, StandSaleStatus
from shop.tills import returns, selling, stands
from shop.tills.errors import TillError

section = Section(Role.STAFF)
# The service worker's script: no data in it, and a browser fetches it on its own schedule.
worker = Section(public=True)
WORKER = Path(__file__).resolve().parents[2] / "static" / "js" / "till-sw.js"
# The till page may use the camera (to read labels); every other page may not.
TILL_PERMISSIONS = security.PERMISSIONS_POLICY.replace("camera=()", "camera=(self)")


@section.route("/pos", methods=["GET", "POST"])
def till_home() -> ResponseReturnValue:
    staff = me()
    today = clock.local_date(now(), staff.facility.timezone)
    running = stands.events_running(on=today)
    form = OpenStandForm()
    form.event_id.choices = options(
        [("", _("— acara baru —")), *[(str(e.id), f"{e.name} · {e.place}") for e in running]]
    )
    if request.method == "GET":
        form.starts_on.data = form.ends_on.data = today
    if form.validate_on_submit():
        with attempt(error_to=form.where) as outcome:
            stand = _open(form)
        if outcome.ok:
            return redirect(url_for("admin.till_stand", stand_id=stand.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/tills/home.html", form=form, stands=stands.stands_of(staff.facility_id)
    ), status


def _open(form: OpenStandForm) -> Stand:
    staff = me()
    if form.where.data != "event":
        return stands.open_stand(
            actor=staff, now=now(), opening_cash_idr=form.opening_cash.data or 0
        )
    if form.event_id.data:
        event = db.session.get(SaleEvent, parse_int(form.event_id.data, minimum=1) or 0)
        if event is None:
            raise TillError(_l("Acara itu tidak ditemukan."))
        return stands.open_stand(
            actor=staff, now=now(), event=event, opening_cash_idr=form.opening_cash.data or 0
        )
    if form.starts_on.data is None or form.ends_on.data is None:
        raise TillError(_l("Isi tanggal mulai dan selesai acara."))
    new = stands.NewEvent(
        form.event_name.data or "", form.event_place.data or "", form.starts_on.data,
        form.ends_on.data,
    )  # fmt: skip
    return stands.open_stand(
        actor=staff, now=now(), new_event=new, opening_cash_idr=form.opening_cash.data or 0
    )


@section.get("/pos/stands/<int:stand_id>")
def till_stand(stand_id: int) -> ResponseReturnValue:
    stand = scoping.get_in_scope(me(), Stand, stand_id)
    sales = selling.sales_of(stand)
    response = Response(
        render_template(
            "admin/tills/stand.html",
            stand=stand,
            rejected=[s for s in sales if s.status is StandSaleStatus.REJECTED],
            recent=[s for s in sales if s.status is not StandSaleStatus.REJECTED][:10],
            expected_cash=stands.expected_cash(stand),
        )
    )
    response.headers["Permissions-Policy"] = TILL_PERMISSIONS
    return response


@section.get("/pos/stands/<int:stand_id>/catalogue.json")
def till_catalogue(stand_id: int) -> ResponseReturnValue:
    stand = scoping.get_in_scope(me(), Stand, stand_id)
    return jsonify(items=selling.catalogue(stand.facility_id), at=now().isoformat())


@csrf.exempt
@section.post("/pos/stands/<int:stand_id>/sales")
def till_sync(stand_id: int) -> ResponseReturnValue:
    """One queued sale from the phone: recorded once, answered the same every time."""
    if current_app.config["WTF_CSRF_ENABLED"] and not security.is_same_site_post():
        return jsonify(error=_("Penjualan harus dikirim dari halaman kasir Etalase.")), 403
    stand = scoping.get_in_scope(me(), Stand, stand_id)
    if not request.is_json:
        return jsonify(error=_("Data penjualan tidak valid.")), 415
    try:
        sale = selling.record_sale(
            stand=stand,
            request=selling.parse(request.get_json(silent=True)),
            actor=me(),
            now=now(),
        )
        answer = selling.result(sale)
        answer["receipt_url"] = url_for("admin.till_sale", sale_id=sale.id)
        unit_of_work.commit()
    except DomainError as error:
        unit_of_work.rollback()
        return jsonify(error=str(error)), 422
    return jsonify(answer)


@section.get("/pos/sales/<int:sale_id>")
def till_sale(sale_id: int) -> ResponseReturnValue:
    sale = scoping.get_in_scope(me(), StandSale, sale_id)
    link = url_for("shop.receipt", token=sale.receipt_token, _external=True)
    qr = segno.make(link, error="m").svg_inline(scale=4, border=2)
    return render_template(
        "admin/tills/sale.html", sale=sale, link=link, qr=qr, form=GiveBackForm(),
        lines_left=selling.lines_left(sale),
    )  # fmt: skip


@section.post("/pos/sales/<int:sale_id>/void")
def till_void(sale_id: int) -> ResponseReturnValue:
    sale = scoping.get_in_scope(me(), StandSale, sale_id)
    form = GiveBackForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            returns.void_sale(sale=sale, reason=form.reason.data, actor=me(), now=now())
        if outcome.ok:
            flash(_l("Penjualan %(n)s dibatalkan; stok dikembalikan.", n=sale.number), "success")
    else:
        flash(_l("Tulis alasan pembatalan atau pengembalian."), "error")
    return redirect(url_for("admin.till_sale", sale_id=sale_id))


@section.post("/pos/sales/<int:sale_id>/return")
def till_return(sale_id: int) -> ResponseReturnValue:
    sale = scoping.get_in_scope(me(), StandSale, sale_id)
    form = GiveBackForm()
    quantities = {
        line.id: parse_int(
            request.form.get(f"line-{line.id}", "0") or "0", minimum=0, maximum=10**6
        )
        for line in sale.lines
    }
    if any(q is None for q in quantities.values()):
        flash(_l("Jumlah yang dikembalikan melebihi yang dibeli."), "error")
    elif form.validate_on_submit():
        with attempt() as outcome:
            returns.return_items(
                sale=sale, quantities={k: v or 0 for k, v in quantities.items()},
                reason=form.reason.data, actor=me(), now=now(),
            )  # fmt: skip
        if outcome.ok:
            flash(_l("Pengembalian barang dicatat."), "success")
    else:
        flash(_l("Tulis alasan pembatalan atau pengembalian."), "error")
    return redirect(url_for("admin.till_sale", sale_id=sale_id))


@section.route("/pos/stands/<int:stand_id>/close", methods=["GET", "POST"])
def till_close(stand_id: int) -> ResponseReturnValue:
    stand = scoping.get_in_scope(me(), Stand, stand_id)
    form = CloseStandForm()
    if stand.is_open and form.validate_on_submit():
        with attempt(error_to=form.counted_cash) as outcome:
            stands.close_stand(
                stand=stand, counted_cash_idr=form.counted_cash.data, note=form.note.data or "",
                actor=me(), now=now(),
            )  # fmt: skip
        if outcome.ok:
            flash(_l("Stan ditutup."), "success")
            return redirect(url_for("admin.till_close", stand_id=stand.id))
    status = 422 if request.method == "POST" and stand.is_open else 200
    expected = stand.expected_cash_idr if not stand.is_open else stands.expected_cash(stand)
    return render_template(
        "admin/tills/close.html", stand=stand, form=form, expected=expected
    ), status


@worker.get("/pos/sw.js")
def till_worker() -> ResponseReturnValue:
    """The service worker, served from /admin/pos/ so that its scope is the till and no more."""
    response = Response(WORKER.read_text(encoding="utf-8"), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response
