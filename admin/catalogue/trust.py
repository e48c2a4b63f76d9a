"""Central's switch: facilities whose products publish without review."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from admin.access import CENTRAL_OFFICE, Section
from admin.helpers import me
from shop.accounts import scoping
from shop.catalogue import review
from shop.core import unit_of_work
from shop.database import db
from shop.models import Facility

section = Section(CENTRAL_OFFICE)


@section.get("/review-settings")
def review_settings() -> ResponseReturnValue:
    facilities = db.session.scalars(scoping.facilities(me())).all()
    return render_template("admin/facilities/trust.html", facilities=facilities)


@section.post("/review-settings/<int:facility_id>/<state>")
def review_exempt_set(facility_id: int, state: str) -> ResponseReturnValue:
    facility = scoping.get_in_scope(me(), Facility, facility_id)
    review.set_review_exempt(facility=facility, exempt=state == "on", actor=me())
    unit_of_work.commit()
    if facility.review_exempt:
        flash(_l("%(name)s kini bebas pemeriksaan.", name=facility.name), "success")
    else:
        flash(
            _l("Produk %(name)s kembali diperiksa sebelum tayang.", name=facility.name), "success"
        )
    return redirect(url_for("admin.review_settings"))
