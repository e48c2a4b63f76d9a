"""The cart pages: add from a product page, change quantities, remove."""

from __future__ import annotations

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

from shop import security
from shop.actions import attempt
from shop.extensions import csrf, db
from shop.forms import IntegerField, SafeForm
from shop.models import Cart, ProductVariant
from shop.ordering import cart as carts
from shop.storefront import bp
from shop.storefront import catalogue as catalogue_views

CART_COOKIE = "etalase_cart"
CART_COOKIE_AGE = 30 * 24 * 3600


class AddToCartForm(SafeForm):
    """On every product page, which is public and cached: no CSRF token (it would need a
    session); the POST is checked for coming from this site instead (`add_to_cart`)."""

    class Meta:
        csrf = False

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


def _product_page_again(variant_id: int | None) -> ResponseReturnValue:
    """An add that failed shows the product page again, with the message, in this response:
    a redirect to it could be answered from the browser's cache, without the message."""
    variant = db.session.get(ProductVariant, variant_id) if variant_id else None
    if variant is None:
        return redirect(url_for("shop.cart"))
    return catalogue_views.product(variant.product.slug), 422


@csrf.exempt
@bp.post("/cart/items")
def add_to_cart() -> ResponseReturnValue:
    if current_app.config["WTF_CSRF_ENABLED"] and not security.is_same_site_post():
        message = _(
            "Permintaan ditolak: formulir keranjang hanya dapat dikirim dari halaman Etalase"
            " sendiri. Buka halaman produk di situs ini, lalu coba lagi."
        )
        return render_template("errors/403.html", code=403, message=message), 403
    form = AddToCartForm()
    if not form.validate_on_submit():
        flash(_("Pilih produk dan jumlah antara 1 dan 99."), "error")
        return _product_page_again(form.variant_id.data)
    with attempt() as outcome:
        carts.add_item(
            cart=current_cart(create=True),  # type: ignore[arg-type]
            variant_id=form.variant_id.data,  # type: ignore[arg-type]
            quantity=form.quantity.data,  # type: ignore[arg-type]
        )
    if not outcome.ok:
        return _product_page_again(form.variant_id.data)
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
