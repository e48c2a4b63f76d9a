"""Bulk import from the web: a CSV of products (one row per variant) and a ZIP of photos."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from admin.access import EVERYONE, Section
from admin.catalogue.forms import ImportForm
from admin.forms import options
from admin.helpers import me, storage
from shop.accounts import scoping
from shop.actions import attempt
from shop.catalogue import importing
from shop.core.errors import DomainError
from shop.database import db
from shop.models import Facility, ImportRun, Role, User

REFRESH_SECONDS = 2

section = Section(EVERYONE)


@section.route("/import", methods=["GET", "POST"], endpoint="import_products")
def import_view() -> ResponseReturnValue:
    """The files are kept and the import queued at once; its page follows the job's progress."""
    user = me()
    form = ImportForm()
    form.facility_id.choices = options(
        (f.id, f.name) for f in db.session.scalars(scoping.facilities(user))
    )
    errors: list[importing.RowError] = []
    if form.validate_on_submit():
        csv_file, zip_file = form.csv_file.data, form.photos_zip.data
        with attempt() as outcome:
            facility = _facility_for(user, form.facility_id.data)
            if not csv_file or not csv_file.filename:
                raise DomainError(_l("Pilih berkas CSV."))
            run = importing.start_import(
                facility=facility, requested_by=user, csv_bytes=csv_file.read(),
                zip_bytes=zip_file.read() if zip_file and zip_file.filename else None,
                storage=storage(),
            )  # fmt: skip
        if isinstance(outcome.error, importing.ImportFailed):
            errors = outcome.error.errors
        if outcome.ok:
            return redirect(url_for("admin.import_run", run_id=run.id))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/import.html", form=form, errors=errors), status


@section.get("/import/<int:run_id>", endpoint="import_run")
def import_run_view(run_id: int) -> ResponseReturnValue:
    """Progress while the job runs (the page reloads itself, no script needed), then the result."""
    run = db.session.get(ImportRun, run_id)
    if run is None:
        abort(404)
    scoping.get_in_scope(me(), Facility, run.facility_id)
    return render_template("admin/import_run.html", run=run, refresh_seconds=REFRESH_SECONDS)


def _facility_for(user: User, facility_id: object) -> Facility:
    """The staff member's own facility, or the chosen one when the user may import for it."""
    if user.role is Role.STAFF:
        return user.facility
    try:
        return scoping.get_in_scope(user, Facility, facility_id)
    except scoping.OutOfScope:
        raise DomainError(_l("Pilih UPT dalam cakupan Anda.")) from None
