"""The audit trail, filtered: who changed what, before and after."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue

from admin.access import CENTRAL_OFFICE, Section
from admin.helpers import page_number
from admin.reporting.forms import AuditFilterForm
from shop.core import clock
from shop.reporting import audit_trail

section = Section(CENTRAL_OFFICE)

PER_PAGE = 50


@section.get("/audit", endpoint="audit_log")
def audit_log_view() -> ResponseReturnValue:
    form = AuditFilterForm(formdata=request.args)
    form.validate()
    since = (
        clock.start_of_day(form.since.data) if form.since.data and not form.since.errors else None
    )
    found = audit_trail.search(
        action=form.action.data or "", actor=form.actor.data or "",
        object_type=form.object_type.data or "", object_id=form.object_id.data or "",
        since=since, page=page_number(), per_page=PER_PAGE,
    )  # fmt: skip
    return render_template("admin/audit.html", form=form, events=found.items, pages=found)
