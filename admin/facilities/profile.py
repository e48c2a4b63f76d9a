"""Staff edit their own facility's public profile: description, showroom, hours, contact."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from admin.access import Section
from admin.facilities.forms import WEEKDAY_LABELS, FacilityProfileForm
from admin.helpers import me
from shop.actions import attempt
from shop.facilities import profiles
from shop.models import Role

section = Section(Role.STAFF)


def profile_from(form: FacilityProfileForm) -> profiles.Profile:
    return profiles.Profile(
        description=form.description.data or "", address=form.address.data or "",
        phone=form.phone.data or "", email=form.email.data or "",
        hours=tuple(entry.data or "" for entry in form.hours),
    )  # fmt: skip


@section.route("/facility", methods=["GET", "POST"], endpoint="facility_profile")
def facility_profile_edit() -> ResponseReturnValue:
    facility = me().facility
    form = FacilityProfileForm(obj=facility if request.method == "GET" else None)
    if request.method == "GET":
        for entry, text in zip(form.hours, profiles.hours_as_text(facility), strict=True):
            entry.data = text
    if form.validate_on_submit():
        with attempt(error_to=form.hours) as outcome:
            profiles.update_profile(facility=facility, profile=profile_from(form), actor=me())
        if outcome.ok:
            flash(_l("Profil UPT disimpan."), "success")
            return redirect(url_for("admin.facility_profile"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/facilities/profile.html",
        form=form,
        facility=facility,
        weekdays=list(WEEKDAY_LABELS.values()),
    ), status
