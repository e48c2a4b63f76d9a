"""The Stripe reconciliation page: a period, run as a job, then the totals of both sides and what
differs.

Central and admin only: it reads the whole national ledger and Stripe's account. Asking posts the
period; the run's own page waits for the job (it reloads itself) and then shows the result, kept
in the database, or why it could not run (Stripe unreachable or refusing).
"""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from admin.access import CENTRAL_OFFICE, Section
from admin.finance.forms import ReconciliationForm
from admin.helpers import me, now
from shop.actions import attempt
from shop.core import clock
from shop.database import db
from shop.finance import reconciliation, reconciliation_runs
from shop.finance.reconciliation import CATEGORY_LABELS, DIFFERENCE_LABELS, DifferenceKind
from shop.models import ReconciliationRun

REFRESH_SECONDS = 2

section = Section(CENTRAL_OFFICE)


@section.route("/reconciliation", methods=["GET", "POST"], endpoint="reconciliation")
def reconciliation_view() -> ResponseReturnValue:
    """The form (this month by default) and the last runs; posting it queues a run."""
    form = ReconciliationForm()
    if not form.is_submitted():
        today = clock.local_date(now())
        form.first_day.data, form.last_day.data = today.replace(day=1), today
    error = None
    if not reconciliation.stripe_configured():
        error = str(reconciliation.StripeNotConfigured())
    elif form.validate_on_submit():
        with attempt(flash_error=False) as outcome:
            run = reconciliation_runs.start(
                first_day=form.first_day.data, last_day=form.last_day.data, requested_by=me()
            )
        if outcome.ok:
            return redirect(url_for("admin.reconciliation_run", reconciliation_id=run.id), 303)
        error = outcome.message
    page = render_template(
        "admin/reconciliation.html", form=form, error=error, runs=reconciliation_runs.recent()
    )
    return page, 422 if form.is_submitted() else 200


@section.get("/reconciliation/<int:reconciliation_id>", endpoint="reconciliation_run")
def reconciliation_run_view(reconciliation_id: int) -> ResponseReturnValue:
    run = db.session.get(ReconciliationRun, reconciliation_id)
    if run is None:
        abort(404)
    return render_template(
        "admin/reconciliation_run.html",
        run=run,
        result=reconciliation_runs.result_of(run),
        refresh_seconds=REFRESH_SECONDS,
        kinds=list(DifferenceKind),
        kind_labels=DIFFERENCE_LABELS,
        category_labels=CATEGORY_LABELS,
    )
