"""Checkout: contact, address, a delivery choice per facility, then payment."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from shop import payments
from shop.actions import attempt
from shop.core import clock
from shop.core.numbers import parse_amount_idr, parse_id
from shop.facilities.regions import PROVINCES
from shop.formatting import current_locale_code
from shop.forms import SafeForm
from shop.models import DeliveryMethod
from shop.ordering import checkout, orders
from shop.payments import holds
from shop.storefront import bp
from shop.storefront.cart import current_cart


class CheckoutForm(SafeForm):
    name = StringField(validators=[DataRequired(), Length(max=120)])
    email = StringField(validators=[DataRequired(), Email(), Length(max=254)])
    phone = StringField(validators=[DataRequired(), Length(max=32)])
    address_line = TextAreaField(validators=[DataRequired(), Length(max=500)])
    city = StringField(validators=[DataRequired(), Length(max=80)])
    province = SelectField(
        choices=[SelectChoice("", _l("Pilih provinsi")), *(SelectChoice(p, p) for p in PROVINCES)],
        validators=[DataRequired()],
    )
    postal_code = StringField(
        validators=[
            Optional(),
            Regexp(r"^\s*\d{5}\s*$", message=_l("Kode pos terdiri dari 5 angka.")),
        ]
    )
    quoted_total_idr = HiddenField()


def _deliveries() -> dict[int, DeliveryMethod]:
    chosen: dict[int, DeliveryMethod] = {}
    for key, value in request.form.items():
        facility_id = (
            parse_id(key.removeprefix("delivery-")) if key.startswith("delivery-") else None
        )
        if facility_id is not None and value in {m.value for m in DeliveryMethod}:
            chosen[facility_id] = DeliveryMethod(value)
    return chosen


@bp.route("/checkout", methods=["GET", "POST"])
def checkout_page() -> ResponseReturnValue:
    cart = current_cart()
    form = CheckoutForm()
    deliveries = _deliveries()
    offer = checkout.quote(
        cart=cart,
        city=form.city.data or "",
        province=form.province.data or "",
        deliveries=deliveries,
    )
    if not offer.parts:
        flash(_("Keranjang Anda kosong."), "error")
        return redirect(url_for("shop.cart"))
    status = 200
    problems: list[str] = []
    if request.method == "POST" and request.form.get("action") == "place":
        if form.validate_on_submit() and cart is not None:
            quoted = form.quoted_total_idr.data
            holds.release_earlier_orders(cart=cart, now=clock.now())
            gateway = payments.configured_gateway_name()
            with attempt(flash_error=False) as outcome:
                order = checkout.place_order(
                    cart=cart,
                    buyer=checkout.BuyerDetails(
                        name=form.name.data or "",
                        email=form.email.data or "",
                        phone=form.phone.data or "",
                        address_line=form.address_line.data or "",
                        city=form.city.data or "",
                        province=form.province.data or "",
                        postal_code=form.postal_code.data or "",
                    ),
                    deliveries=deliveries,
                    expected_total_idr=parse_amount_idr(quoted or "") or -1,
                    gateway=gateway,
                    check_amount=payments.gateway_named(gateway).check_amount,
                    locale=current_locale_code(),
                    now=clock.now(),
                    client_address=request.remote_addr or "",
                    limits=_hold_limits(),
                )
            if outcome.ok:
                return _pay(order)
            problems.append(outcome.message)
            status = 422
        else:
            status = 422
    form.quoted_total_idr.data = str(offer.total_idr)
    return render_template("shop/checkout.html", form=form, offer=offer, problems=problems), status


def _hold_limits() -> checkout.HoldLimits:
    config = current_app.config
    return checkout.HoldLimits(
        max_units_per_variant=config["CHECKOUT_MAX_UNITS_PER_VARIANT"],
        max_open_orders_per_address=config["CHECKOUT_MAX_OPEN_ORDERS_PER_ADDRESS"],
        max_open_orders_per_email=config["CHECKOUT_MAX_OPEN_ORDERS_PER_EMAIL"],
    )


def _pay(order) -> ResponseReturnValue:  # type: ignore[no-untyped-def]
    with attempt() as outcome:
        payment = payments.start_payment(order=order, now=clock.now())
    if not outcome.ok:
        return redirect(orders.order_url(order))
    return redirect(payment.url)
