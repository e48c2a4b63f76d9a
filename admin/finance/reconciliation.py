"""The Stripe reconciliation page: a period, the totals of both sides, and what differs.

Central and admin only: it reads the whole national ledger and Stripe's account.
"""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue

from admin.access import CENTRAL_OFFICE, Section
from admin.finance.forms import ReconciliationForm
from admin.helpers import now
from shop.core import clock
from shop.finance import reconciliation
from shop.finance.reconciliation import CATEGORY_LABELS, DIFFERENCE_LABELS, DifferenceKind

section = Section(CENTRAL_OFFICE)


@section.get("/reconciliation", endpoint="reconciliation")
def reconciliation_view() -> ResponseReturnValue:
    asked = "from" in request.args or "to" in request.args
    form = ReconciliationForm(formdata=request.args if asked else None)
    if not asked:
        today = clock.local_date(now())
        form.first_day.data, form.last_day.data = today.replace(day=1), today
    page: dict[str, object] = {"form": form, "result": None, "error": None}
    if not reconciliation.stripe_configured():
        page["error"] = str(reconciliation.StripeNotConfigured())
        return _render(page)
    if not asked:
        return _render(page)
    if not form.validate():
        return _render(page), 422
    try:
        page["result"] = reconciliation.reconcile(
            first_day=form.first_day.data, last_day=form.last_day.data
        )
    except reconciliation.StripeUnreadable as error:
        page["error"] = str(error)
    except reconciliation.ReconciliationError as error:
        page["error"] = str(error)
        return _render(page), 422
    return _render(page)


def _render(page: dict[str, object]) -> str:
    return render_template(
        "admin/reconciliation.html",
        **page,
        kinds=list(DifferenceKind),
        kind_labels=DIFFERENCE_LABELS,
        category_labels=CATEGORY_LABELS,
    )
