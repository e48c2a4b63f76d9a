"""The cart pages: add from a product page, change quantities, remove."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    after_this_request,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response
from wtforms import HiddenField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from shop.actions import attempt
from shop.forms import IntegerField, SafeForm
from shop.models import Cart
from shop.ordering import cart as carts
from shop.storefront import bp

CART_COOKIE = "etalase_cart"
CART_COOKIE_AGE = 30 * 24 * 3600


class AddToCartForm(SafeForm):
    variant_id = IntegerField(validators=[DataRequired()])
    quantity = IntegerField(default=1, validators=[InputRequired(), NumberRange(min=1, max=99)])


class QuantityForm(SafeForm):
    quantity = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=99)])


class RemoveForm(SafeForm):
    confirm = HiddenField(default="1")


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="cart")


def current_cart(*, create: bool = False) -> Cart | None:
    """The visitor's cart from the signed cookie; a new one (and its cookie) when asked."""
    raw = request.cookies.get(CART_COOKIE)
    if raw:
        try:
            found = carts.find_cart(str(_serializer().loads(raw)))
        except BadSignature:
            found = None
        if found is not None:
            return found
    if not create:
        return None
    cart = carts.new_cart()
    signed = _serializer().dumps(cart.token)

    @after_this_request
    def remember(response: Response) -> Response:
        response.set_cookie(
            CART_COOKIE,
            str(signed),
            max_age=CART_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
        return response

    return cart


def _back_to_product() -> str:
    """Where an add that failed returns: the page it came from, if on this site."""
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if referrer and parts.netloc == request.host and parts.path.startswith("/"):
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return url_for("shop.cart")


@bp.post("/cart/items")
def add_to_cart() -> ResponseReturnValue:
    form = AddToCartForm()
    if not form.validate_on_submit():
        flash(_("Pilih produk dan jumlah antara 1 dan 99."), "error")
        return redirect(_back_to_product())
    with attempt() as outcome:
        carts.add_item(
            cart=current_cart(create=True),  # type: ignore[arg-type]
            variant_id=form.variant_id.data,  # type: ignore[arg-type]
            quantity=form.quantity.data,  # type: ignore[arg-type]
        )
    if not outcome.ok:
        return redirect(_back_to_product())
    flash(_("Produk masuk keranjang."), "success")
    return redirect(url_for("shop.cart"))


@bp.get("/cart")
def cart() -> ResponseReturnValue:
    return render_template(
        "shop/cart.html",
        summary=carts.summarise(current_cart()),
        quantity_form=QuantityForm(),
        remove_form=RemoveForm(),
    )


@bp.post("/cart/items/<int:variant_id>")
def change_quantity(variant_id: int) -> ResponseReturnValue:
    form = QuantityForm()
    found = current_cart()
    if found is None:
        return redirect(url_for("shop.cart"))
    if not form.validate_on_submit():
        flash(_("Jumlah harus antara 0 dan 99."), "error")
        return redirect(url_for("shop.cart"))
    with attempt():
        carts.set_quantity(cart=found, variant_id=variant_id, quantity=form.quantity.data or 0)
    return redirect(url_for("shop.cart"))


@bp.post("/cart/items/<int:variant_id>/remove")
def remove_from_cart(variant_id: int) -> ResponseReturnValue:
    form = RemoveForm()
    found = current_cart()
    if found is not None and form.validate_on_submit():
        with attempt() as outcome:
            carts.remove_item(cart=found, variant_id=variant_id)
        if outcome.ok:
            flash(_("Produk dihapus dari keranjang."), "success")
    return redirect(url_for("shop.cart"))
