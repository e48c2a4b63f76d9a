"""The demo gateway's payment page: a clearly marked simulation of Stripe Checkout."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template
from flask.typing import ResponseReturnValue
from wtforms import SubmitField

from shop import payments
from shop.actions import attempt as change
from shop.core import clock
from shop.forms import SafeForm
from shop.models import PaymentAttempt
from shop.ordering import orders
from shop.payments import events
from shop.storefront import bp


class DemoPaymentForm(SafeForm):
    pay = SubmitField()
    fail = SubmitField()
    cancel = SubmitField()


def _demo_attempt(key: str) -> PaymentAttempt:
    attempt = payments.find_attempt(idempotency_key=key)
    if (
        attempt is None
        or attempt.gateway != "demo"
        or current_app.config["ETALASE_ENV"] == "production"
    ):
        abort(404)
    return attempt


@bp.get("/demo-pay/<key>")
def demo_payment(key: str) -> ResponseReturnValue:
    attempt = _demo_attempt(key)
    return render_template(
        "shop/demo_pay.html",
        attempt=attempt,
        order=attempt.order,
        form=DemoPaymentForm(),
        order_link=orders.order_url(attempt.order),
    )


@bp.post("/demo-pay/<key>")
def demo_payment_outcome(key: str) -> ResponseReturnValue:
    attempt = _demo_attempt(key)
    form = DemoPaymentForm()
    if not form.validate_on_submit():
        abort(400)
    outcome = "pay" if form.pay.data else "fail" if form.fail.data else "cancel"
    order = attempt.order
    with change():
        events.simulate_demo_payment(attempt=attempt, outcome=outcome, now=clock.now())
    return redirect(orders.order_url(order, paid=outcome == "pay"))
