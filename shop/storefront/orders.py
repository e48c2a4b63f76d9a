"""The buyer's order page, reached by the signed link from the confirmation mail."""

from __future__ import annotations

from flask import abort, redirect, render_template, request
from flask.typing import ResponseReturnValue
from wtforms import HiddenField

from shop import payments
from shop.actions import attempt
from shop.core import clock
from shop.forms import SafeForm
from shop.models import Order
from shop.ordering import orders
from shop.quotes.acceptance import BANK_TRANSFER
from shop.storefront import bp


class PayForm(SafeForm):
    t = HiddenField()


def _order_or_404(number: str, token: str) -> Order:
    order = orders.order_for_token(number=number, token=token)
    if order is None:
        abort(404)
    return order


@bp.get("/orders/<number>")
def order_page(number: str) -> ResponseReturnValue:
    token = request.args.get("t", "")
    order = _order_or_404(number, token)
    form = PayForm(t=token)
    return render_template(
        "shop/order.html",
        order=order,
        form=form,
        just_paid=request.args.get("paid") == "1",
        payable=order.status.value == "pending_payment"
        and order.expires_at > clock.now()
        and order.gateway != BANK_TRANSFER,
        order_labels=orders.ORDER_STATUS_LABELS,
        part_labels=orders.PART_STATUS_LABELS,
    )


@bp.post("/orders/<number>/pay")
def pay_order(number: str) -> ResponseReturnValue:
    form = PayForm()
    order = _order_or_404(number, form.t.data or "")
    if not form.validate_on_submit():
        abort(400)
    with attempt() as outcome:
        payment = payments.start_payment(order=order, now=clock.now())
    if not outcome.ok:
        return redirect(orders.order_url(order))
    return redirect(payment.url)
