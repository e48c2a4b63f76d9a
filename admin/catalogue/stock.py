"""Stock of one variant: adjust with a reason, and see every movement that made the number."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from admin.access import EVERYONE, Section
from admin.catalogue.forms import StockAdjustForm, stock_reason_labels
from admin.helpers import me, now
from shop.accounts import scoping
from shop.actions import attempt
from shop.catalogue import stock
from shop.models import ProductVariant, StockReason

section = Section(EVERYONE)


def _labels() -> dict[str, object]:
    labels: dict[str, object] = {r.value: label for r, label in stock_reason_labels().items()}
    labels[StockReason.INITIAL.value] = _l("Stok awal")
    labels[StockReason.IMPORTED.value] = _l("Impor CSV")
    labels[StockReason.SOLD_ONLINE.value] = _l("Terjual online")
    labels[StockReason.RELEASED.value] = _l("Pesanan tak dibayar, stok kembali")
    labels[StockReason.REFUND.value] = _l("Pengembalian dana")
    labels[StockReason.SOLD_STAND.value] = _l("Terjual di stan (kasir)")
    labels[StockReason.STAND_RETURN.value] = _l("Dikembalikan di stan (kasir)")
    return labels


@section.route("/variants/<int:variant_id>/stock", methods=["GET", "POST"])
def variant_stock(variant_id: int) -> ResponseReturnValue:
    variant = scoping.get_in_scope(me(), ProductVariant, variant_id)
    form = StockAdjustForm()
    if form.validate_on_submit():
        with attempt(error_to=form.quantity) as outcome:
            stock.adjust_stock(
                variant=variant, quantity=form.quantity.data, reason=form.reason.data,
                actor=me(), now=now(), note=form.note.data or "",
            )  # fmt: skip
        if outcome.ok:
            flash(_l("Stok %(sku)s kini %(n)s.", sku=variant.sku, n=variant.stock), "success")
            return redirect(url_for("admin.variant_stock", variant_id=variant.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/stock/variant.html", variant=variant, form=form,
        movements=stock.movements_of(variant), labels=_labels(),
    ), status  # fmt: skip
