"""Work asked for from the report and finance pages: large exports and reconciliation runs."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale

from shop.core import unit_of_work
from shop.core.storage import storage_from_config
from shop.database import db
from shop.exporting import runs
from shop.finance import reconciliation_runs
from shop.jobs import job
from shop.models import ReportExport


@job(runs.BUILD_JOB)
def build_export(*, export_id: int) -> None:
    """Build the file in the language of the user who asked (titles, headers, totals label)."""
    export = db.session.get(ReportExport, export_id)
    if export is None:
        return
    with force_locale(export.locale):
        runs.build_export(
            export_id=export_id,
            storage=storage_from_config(current_app.config),
            retention_days=current_app.config["EXPORT_RETENTION_DAYS"],
            save_progress=unit_of_work.commit,
        )


@job(reconciliation_runs.RUN_JOB)
def reconcile(*, run_id: int) -> None:
    reconciliation_runs.run(run_id=run_id, save_progress=unit_of_work.commit)
