"""Quote requests for institutions: the form (from a product page or the cart), and the buyer's
page at its secret link, where every facility's answer shows and answered offers are accepted.

The product page only links here (a plain link: the cached public page gets no cookie); the
form itself has a session for its CSRF token, as the checkout does.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from shop import payments
from shop.actions import attempt
from shop.core import clock
from shop.core.numbers import parse_id, parse_int
from shop.database import db
from shop.facilities.regions import PROVINCES
from shop.formatting import current_locale_code
from shop.forms import SafeForm
from shop.models import ProductVariant, QuoteRequest
from shop.ordering import cart as carts
from shop.ordering import orders
from shop.quotes import acceptance, requests, statuses
from shop.quotes.statuses import InvalidFields
from shop.storefront import bp
from shop.storefront.cart import current_cart

MAX_LINES = requests.MAX_ITEMS


class QuoteRequestForm(SafeForm):
    organisation = StringField(validators=[DataRequired(), Length(max=160)])
    contact_name = StringField(validators=[DataRequired(), Length(max=120)])
    email = StringField(validators=[DataRequired(), Email(), Length(max=254)])
    phone = StringField(validators=[DataRequired(), Length(max=32)])
    npwp = StringField(validators=[Optional(), Length(max=32)])
    address_line = TextAreaField(validators=[DataRequired(), Length(max=500)])
    city = StringField(validators=[DataRequired(), Length(max=80)])
    province = SelectField(
        choices=[SelectChoice("", _l("Pilih provinsi")), *(SelectChoice(p, p) for p in PROVINCES)],
        validators=[DataRequired()],
    )
    postal_code = StringField(validators=[Optional(), Length(max=10)])
    wished_date = DateField(validators=[Optional()])
    notes = TextAreaField(validators=[Optional(), Length(max=requests.MAX_NOTES)])


class AcceptForm(SafeForm):
    payment = RadioField(
        choices=[
            SelectChoice(acceptance.PaymentChoice.ONLINE.value, _l("Bayar online sekarang")),
            SelectChoice(
                acceptance.PaymentChoice.BANK_TRANSFER.value, _l("Transfer bank (dicatat petugas)")
            ),
        ],
        default=acceptance.PaymentChoice.ONLINE.value,
        validators=[DataRequired()],
    )


@dataclass(frozen=True)
class FormLine:
    variant: ProductVariant
    quantity: int | None


def _variants(ids: list[int]) -> list[ProductVariant]:
    """The variants for sale among `ids`, in the order asked, each once."""
    unique = list(dict.fromkeys(ids))[:MAX_LINES]
    found = {
        v.id: v
        for v in db.session.scalars(select(ProductVariant).where(ProductVariant.id.in_(unique)))
    }
    return [found[i] for i in unique if i in found and carts.is_for_sale(found[i])]


def _lines_to_show() -> list[FormLine]:
    """GET: the variants a product page (`?variant=`) or the cart (`?from=cart`) names;
    POST: the variants the form carried, with the quantities typed."""
    if request.method == "POST":
        ids = [i for i in (parse_id(v) for v in request.form.getlist("variant")) if i]
        return [
            FormLine(v, parse_int(request.form.get(f"qty-{v.id}", "").strip(), minimum=0,
                                  maximum=requests.MAX_QUANTITY))
            for v in _variants(ids)
        ]  # fmt: skip
    if request.args.get("from") == "cart":
        summary = carts.summarise(current_cart())
        return [
            FormLine(line.variant, line.quantity)
            for group in summary.groups
            for line in group.lines
            if line.for_sale
        ][:MAX_LINES]
    ids = [i for i in (parse_id(v) for v in request.args.getlist("variant")) if i]
    variants = _variants(ids)
    return [FormLine(v, 1 if len(variants) == 1 else None) for v in variants]


@bp.route("/quotes/new", methods=["GET", "POST"])
def quote_new() -> ResponseReturnValue:
    form = QuoteRequestForm()
    lines = _lines_to_show()
    item_errors: list[str] = []
    status = 200
    if request.method == "POST":
        status = 422
        if any(line.quantity is None for line in lines):
            item_errors.append(_("Isi jumlah setiap barang dengan angka 0 sampai 100.000."))
        if form.validate_on_submit() and not item_errors:
            with attempt(flash_error=False) as outcome:
                created = requests.request_quote(
                    requester=requests.Requester(
                        organisation=form.organisation.data or "",
                        contact_name=form.contact_name.data or "",
                        email=form.email.data or "", phone=form.phone.data or "",
                        address_line=form.address_line.data or "", city=form.city.data or "",
                        province=form.province.data or "",
                        postal_code=form.postal_code.data or "", npwp=form.npwp.data or "",
                        wished_date=form.wished_date.data, notes=form.notes.data or "",
                    ),
                    items=[requests.Item(line.variant.id, line.quantity or 0) for line in lines],
                    locale=current_locale_code(),
                    now=clock.now(),
                )  # fmt: skip
            if outcome.ok:
                return redirect(url_for("shop.quote_page", token=created.token, new=1), 303)
            _show_errors(form, outcome.error, item_errors)
    return render_template(
        "shop/quote_new.html", form=form, lines=lines, item_errors=item_errors
    ), status


def _show_errors(form: QuoteRequestForm, error: object, item_errors: list[str]) -> None:
    fields = error.errors if isinstance(error, InvalidFields) else {"items": str(error)}
    for name, message in fields.items():
        if name in form._fields:
            form[name].errors = [*form[name].errors, str(message)]
        else:
            item_errors.append(str(message))


def _request_or_404(token: str) -> QuoteRequest:
    found = requests.find_by_token(token)
    if found is None:
        abort(404)
    return found


@bp.get("/quotes/<token>")
def quote_page(token: str) -> ResponseReturnValue:
    quote = _request_or_404(token)
    return _render_quote(quote, AcceptForm())


def _render_quote(quote: QuoteRequest, form: AcceptForm, status: int = 200) -> ResponseReturnValue:
    now = clock.now()
    return (
        render_template(
            "shop/quote.html",
            quote=quote,
            form=form,
            just_sent=request.args.get("new") == "1",
            labels=statuses.LABELS,
            open_ids={p.id for p in quote.parts if acceptance.is_open(p, now=now)},
            order_links={
                p.order_id: orders.order_url(p.order) for p in quote.parts if p.order is not None
            },
        ),
        status,
        {"Cache-Control": "private, no-store"},
    )


@bp.post("/quotes/<token>/accept")
def quote_accept(token: str) -> ResponseReturnValue:
    quote = _request_or_404(token)
    form = AcceptForm()
    if not form.validate_on_submit():
        flash(_("Pilih cara pembayaran."), "error")
        return _render_quote(quote, form, 422)
    part_ids = [i for i in (parse_id(v) for v in request.form.getlist("part")) if i]
    gateway = payments.configured_gateway_name()
    with attempt() as outcome:
        accepted = acceptance.accept(
            request_id=quote.id,
            part_ids=part_ids,
            payment=acceptance.PaymentChoice(form.payment.data),
            gateway=gateway,
            check_amount=payments.gateway_named(gateway).check_amount,
            now=clock.now(),
        )
    if not outcome.ok:
        return redirect(url_for("shop.quote_page", token=quote.token), 303)
    order = accepted.order
    payable = order.gateway != acceptance.BANK_TRANSFER and order.status.value == "pending_payment"
    if not payable:
        return redirect(orders.order_url(order), 303)
    with attempt() as started:
        payment = payments.start_payment(order=order, now=clock.now())
    if not started.ok:
        return redirect(orders.order_url(order), 303)
    return redirect(payment.url, 303)
