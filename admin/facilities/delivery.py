"""Staff set how their facility hands over orders: pickup, courier, and the courier's rates."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from admin.access import Section
from admin.facilities.forms import RateTableForm
from admin.helpers import me
from shop.actions import attempt
from shop.facilities import delivery
from shop.models import Role

section = Section(Role.STAFF)

RATE_FIELDS = (
    "same_city_per_kg_idr",
    "same_province_per_kg_idr",
    "other_province_per_kg_idr",
    "minimum_charge_idr",
)


@section.route("/delivery", methods=["GET", "POST"], endpoint="delivery_rates")
def delivery_rates_edit() -> ResponseReturnValue:
    facility = me().facility
    table = delivery.rate_table_for(facility)
    form = RateTableForm(obj=table if request.method == "GET" else None)
    if request.method == "GET" and table is None:
        form.pickup_enabled.data = True
        for name in RATE_FIELDS:
            form[name].data = 0
    if form.validate_on_submit():
        data = delivery.RateTableInput(
            pickup_enabled=bool(form.pickup_enabled.data),
            courier_enabled=bool(form.courier_enabled.data),
            **{name: int(form[name].data or 0) for name in RATE_FIELDS},
        )
        with attempt(error_to=form.courier_enabled) as outcome:
            delivery.set_rate_table(facility=facility, data=data, actor=me())
        if outcome.ok:
            flash(_l("Tarif pengiriman disimpan."), "success")
            return redirect(url_for("admin.delivery_rates"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/delivery.html", form=form, facility=facility), status
