"""Admins manage facilities (UPT) and regional offices (Kanwil)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from admin.access import Section
from admin.facilities.forms import WEEKDAY_LABELS, FacilityForm, KanwilForm
from admin.facilities.profile import profile_from
from admin.forms import options
from admin.helpers import me
from shop.accounts import scoping
from shop.actions import attempt
from shop.database import db
from shop.facilities import profiles
from shop.models import Facility, Kanwil, Role

section = Section(Role.ADMIN)


@section.get("/facilities")
def facility_list() -> ResponseReturnValue:
    return render_template(
        "admin/facilities/list.html",
        facilities=db.session.scalars(scoping.facilities(me())).all(),
        kanwil=profiles.all_kanwil(),
        kanwil_form=KanwilForm(),
    )


@section.route("/facilities/new", methods=["GET", "POST"], defaults={"facility_id": None})
@section.route("/facilities/<int:facility_id>/edit", methods=["GET", "POST"])
def facility_edit(facility_id: int | None) -> ResponseReturnValue:
    facility = scoping.get_in_scope(me(), Facility, facility_id) if facility_id else None
    form = FacilityForm(obj=facility if request.method == "GET" else None)
    form.kanwil_id.choices = options((k.id, k.name) for k in profiles.all_kanwil())
    if request.method == "GET" and facility is not None:
        form.kind.data = facility.kind.value
        form.facility_class.data = facility.facility_class.value
        for entry, text in zip(form.hours, profiles.hours_as_text(facility), strict=True):
            entry.data = text
    if form.validate_on_submit():
        kanwil = db.session.get(Kanwil, form.kanwil_id.data)
        with attempt() as outcome:
            if kanwil is None:
                raise profiles.FacilityError(_l("Pilih Kanwil."))
            saved = profiles.save_facility(
                facility=facility,
                data=profiles.FacilityData(
                    name=form.name.data, kanwil=kanwil, kind=form.kind.data,
                    facility_class=form.facility_class.data, city=form.city.data,
                    is_active=form.is_active.data, profile=profile_from(form),
                ),
                actor=me(),
            )  # fmt: skip
        if outcome.ok:
            flash(_l("UPT %(name)s disimpan.", name=saved.name), "success")
            return redirect(url_for("admin.facility_list"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/facilities/form.html", form=form, facility=facility,
        weekdays=list(WEEKDAY_LABELS.values()),
    ), status  # fmt: skip


@section.post("/kanwil")
def kanwil_create() -> ResponseReturnValue:
    form = KanwilForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            profiles.create_kanwil(
                code=form.code.data, name=form.name.data, province=form.province.data,
                timezone=form.timezone.data, actor=me(),
            )  # fmt: skip
        if outcome.ok:
            flash(_l("Kanwil ditambahkan."), "success")
    else:
        flash(_l("Kode, nama dan provinsi Kanwil wajib diisi."), "error")
    return redirect(url_for("admin.facility_list"))
