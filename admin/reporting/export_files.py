"""Large report exports: the page that waits for the job, then offers the file.

Only the user who asked sees either (anyone else gets a 404, whatever their role): the file
holds what that user's scope shows, and its link is not to be passed around.
"""

from __future__ import annotations

from flask import Response, abort, render_template
from flask.typing import ResponseReturnValue

from admin.access import EVERYONE, Section
from admin.helpers import me, now, storage
from shop.exporting import runs
from shop.models import JobState, ReportExport

REFRESH_SECONDS = 3

section = Section(EVERYONE)


def _own(export_id: int) -> ReportExport:
    export = runs.own_export(me(), export_id)
    if export is None:
        abort(404)
    return export


@section.get("/reports/exports/<int:export_id>", endpoint="reports_export_status")
def export_status(export_id: int) -> ResponseReturnValue:
    """Says "sedang disiapkan" while the job runs (the page reloads itself), then the file."""
    export = _own(export_id)
    expired = export.expires_at is not None and export.expires_at <= now()
    return render_template(
        "admin/reports/export_status.html", export=export, expired=expired,
        refresh_seconds=REFRESH_SECONDS,
    )  # fmt: skip


@section.get("/reports/exports/<int:export_id>/file", endpoint="reports_export_file")
def export_file(export_id: int) -> ResponseReturnValue:
    export = _own(export_id)
    if export.state is not JobState.DONE:
        abort(404)
    try:
        data = runs.file_of(export, storage=storage(), now=now())
    except runs.ExportExpired:
        page = render_template(
            "admin/reports/export_status.html", export=export, expired=True,
            refresh_seconds=REFRESH_SECONDS,
        )  # fmt: skip
        return page, 410
    response = Response(data, mimetype=runs.CONTENT_TYPES[export.fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
