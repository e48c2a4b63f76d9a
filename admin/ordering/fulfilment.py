"""Facility orders to fulfil: the list, a part's detail, its packing slip, its moves and refunds.

Thin views over `shop.ordering.fulfilment` and `shop.payments.refunds`: the services check
who may handle a part (`orders.check_may_handle`), move it, mail the buyer and write the ledger.
"""

from __future__ import annotations

import secrets

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from admin.access import CENTRAL_OFFICE, Section
from admin.helpers import me, now, page_number
from admin.ordering.forms import UNLISTED, PartFilterForm, PartMoveForm, RefundForm
from shop.accounts import scoping
from shop.accounts.scoping import OutOfScope
from shop.actions import attempt
from shop.core import pagination
from shop.core.numbers import parse_int
from shop.formatting import rupiah
from shop.models import FacilityOrder, FacilityOrderStatus, RefundStatus, Role
from shop.ordering import fulfilment, orders
from shop.payments import refunds

# Kanwil users do not handle orders (`orders.check_may_handle`), so they do not see them.
section = Section(Role.STAFF, CENTRAL_OFFICE)

PER_PAGE = 30
MOVE_LABELS = {
    FacilityOrderStatus.PACKED: _l("Tandai sudah dikemas"),
    FacilityOrderStatus.SHIPPED: _l("Tandai sudah dikirim"),
    FacilityOrderStatus.DELIVERED: _l("Tandai sudah diterima"),
    FacilityOrderStatus.READY_FOR_PICKUP: _l("Tandai siap diambil"),
    FacilityOrderStatus.PICKED_UP: _l("Tandai sudah diambil"),
}


def _part(facility_order_id: int) -> FacilityOrder:
    """A paid part in the user's scope; unpaid or cancelled parts are nobody's work."""
    part = scoping.get_in_scope(me(), FacilityOrder, facility_order_id)
    if part.status in (FacilityOrderStatus.PENDING_PAYMENT, FacilityOrderStatus.CANCELLED):
        raise OutOfScope()
    return part


@section.get("/orders")
def fulfilment_list() -> ResponseReturnValue:
    form = PartFilterForm(formdata=request.args)
    form.validate()
    query = fulfilment.parts_where(
        scope=scoping.facility_filter(me(), FacilityOrder.facility_id),
        statuses=form.chosen_statuses(),
    )
    found = pagination.paginate(
        query, page=page_number(), per_page=PER_PAGE,
        load=(contains_eager(FacilityOrder.order), joinedload(FacilityOrder.facility),
              selectinload(FacilityOrder.lines)),
    )  # fmt: skip
    return render_template(
        "admin/orders/list.html",
        parts=found.items,
        pages=found,
        form=form,
        labels=orders.PART_STATUS_LABELS,
        statuses=[s for s in FacilityOrderStatus if s not in UNLISTED],
    )


@section.get("/orders/<int:facility_order_id>")
def fulfilment_detail(facility_order_id: int) -> ResponseReturnValue:
    part = _part(facility_order_id)
    refund_form = RefundForm(idempotency_key=secrets.token_urlsafe(24))
    return render_template(
        "admin/orders/detail.html", part=part, order=part.order,
        labels=orders.PART_STATUS_LABELS, moves=fulfilment.next_moves(part),
        move_labels=MOVE_LABELS, move_form=PartMoveForm(), refund_form=refund_form,
        refundable=part.status in orders.REFUNDABLE_STATUSES,
    )  # fmt: skip


@section.get("/orders/<int:facility_order_id>/slip")
def fulfilment_slip(facility_order_id: int) -> ResponseReturnValue:
    part = _part(facility_order_id)
    return render_template("admin/orders/slip.html", slip=fulfilment.packing_slip(part))


@section.post("/orders/<int:facility_order_id>/move")
def fulfilment_move(facility_order_id: int) -> ResponseReturnValue:
    part = _part(facility_order_id)
    form = PartMoveForm()
    if not form.validate_on_submit():
        flash(_l("Formulir tidak sah atau kedaluwarsa. Muat ulang halaman dan coba lagi."), "error")
        return redirect(url_for("admin.fulfilment_detail", facility_order_id=part.id)), 303
    try:
        target = FacilityOrderStatus(form.to.data)
    except ValueError:
        flash(_l("Status tujuan tidak dikenal."), "error")
        return redirect(url_for("admin.fulfilment_detail", facility_order_id=part.id)), 303
    with attempt() as outcome:
        fulfilment.advance(
            facility_order=part, to=target, actor=me(), now=now(),
            courier=form.courier.data or "", tracking_number=form.tracking_number.data or "",
        )  # fmt: skip
    if outcome.ok:
        flash(_l("Status kini: %(status)s.", status=orders.PART_STATUS_LABELS[target]), "success")
    return redirect(url_for("admin.fulfilment_detail", facility_order_id=part.id)), 303


def _quantities(part: FacilityOrder) -> dict[int, int]:
    """Units per line from the `qty-<line id>` fields; blank means none."""
    quantities = {}
    for line in part.lines:
        quantity = parse_int(request.form.get(f"qty-{line.id}", "").strip() or "0")
        if quantity is None:
            raise refunds.RefundError(_l("Isi jumlah dengan bilangan bulat 0 atau lebih."))
        quantities[line.id] = quantity
    return quantities


@section.post("/orders/<int:facility_order_id>/refund")
def fulfilment_refund(facility_order_id: int) -> ResponseReturnValue:
    part = _part(facility_order_id)
    form = RefundForm()
    if not form.validate_on_submit():
        flash(_l("Formulir tidak sah atau kedaluwarsa. Muat ulang halaman dan coba lagi."), "error")
        return redirect(url_for("admin.fulfilment_detail", facility_order_id=part.id)), 303
    with attempt(flash_error=False) as outcome:
        refund = refunds.refund_facility_order(
            facility_order=part, quantities=None if form.whole.data else _quantities(part),
            include_shipping=bool(form.include_shipping.data), restock=bool(form.restock.data),
            reason=form.reason.data or "", idempotency_key=form.idempotency_key.data,
            actor=me(), now=now(),
        )  # fmt: skip
    if not outcome.ok:
        flash(_l("Dana tidak dikembalikan: %(error)s", error=outcome.message), "error")
    else:
        amount = rupiah(refund.amount_idr)
        if refund.status is RefundStatus.FAILED:
            flash(
                _l("Pengembalian dana %(amount)s ditolak layanan pembayaran.", amount=amount),
                "error",
            )
        elif refund.status is RefundStatus.PENDING:
            flash(
                _l("Pengembalian dana %(amount)s dikirim, menunggu konfirmasi.", amount=amount),
                "success",
            )
        else:
            flash(_l("Dana %(amount)s telah dikembalikan.", amount=amount), "success")
    return redirect(url_for("admin.fulfilment_detail", facility_order_id=part.id)), 303
