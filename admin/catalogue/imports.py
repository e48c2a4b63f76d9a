"""Bulk import from the web: a CSV of products (one row per variant) and a ZIP of photos."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from admin.access import EVERYONE, Section
from admin.catalogue.forms import ImportForm
from admin.forms import options
from admin.helpers import me, now, storage
from shop.accounts import scoping
from shop.actions import attempt
from shop.catalogue import importing
from shop.core.errors import DomainError
from shop.database import db
from shop.models import Facility, Role

section = Section(EVERYONE)


@section.route("/import", methods=["GET", "POST"], endpoint="import_products")
def import_view() -> ResponseReturnValue:
    user = me()
    form = ImportForm()
    form.facility_id.choices = options(
        (f.id, f.name) for f in db.session.scalars(scoping.facilities(user))
    )
    errors: list[importing.RowError] = []
    if form.validate_on_submit():
        max_bytes = current_app.config["MAX_IMAGE_BYTES"]
        csv_file, zip_file = form.csv_file.data, form.photos_zip.data
        with attempt() as outcome:
            facility = (
                user.facility
                if user.role is Role.STAFF
                else scoping.get_in_scope(user, Facility, form.facility_id.data)
            )
            if not csv_file or not csv_file.filename:
                raise DomainError(_l("Pilih berkas CSV."))
            source = (
                importing.zip_source(zip_file.read(), max_bytes=max_bytes)
                if zip_file and zip_file.filename
                else (lambda _name: None)
            )
            report = importing.import_products(
                facility=facility, csv_bytes=csv_file.read(), photo_source=source, actor=user,
                storage=storage(), max_image_bytes=max_bytes, now=now(),
            )  # fmt: skip
        if isinstance(outcome.error, importing.ImportFailed):
            errors = outcome.error.errors
        if outcome.ok:
            flash(
                _l("Diimpor: %(p)s produk, %(v)s varian, %(f)s foto, sebagai draf.",
                   p=report.products, v=report.variants, f=report.photos),
                "success",
            )  # fmt: skip
            return redirect(url_for("admin.products", status="draft"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/import.html", form=form, errors=errors), status
