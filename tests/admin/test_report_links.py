"""The report tables' links, built without a route lookup per cell, are what url_for writes."""

from datetime import UTC, date, datetime

from flask import request, url_for

from admin.reporting.forms import ReportFilterForm
from admin.reporting.reports import _linker, _series_linker
from shop.reporting.tables import ColumnKind

ARGS = {"from": "2026-01-01", "to": "2026-12-31", "kanwil": "3", "kind": "lapas"}


def test_links_are_what_url_for_writes(app):
    with app.test_request_context("/admin/reports", query_string=ARGS):
        form = ReportFilterForm(formdata=request.args)
        query = form.query(now=datetime(2026, 12, 1, tzinfo=UTC))
        link, base = _linker(query), query.args()
        assert link({"facility": "7"}, None) == url_for(
            "admin.reports_facility", report_facility_id=7, **base
        )
        assert link({"kanwil": "3"}, None) == url_for("admin.reports_facilities", **base)
        assert link({"category": "none"}, None) == url_for(
            "admin.reports_entries", **{**base, "category": "none"}
        )
        assert link({"kind": "rutan"}, "with_sales") == url_for(
            "admin.reports_facilities", **{**base, "kind": "rutan"}
        )
        assert link({}, "refunds_idr") == url_for(
            "admin.reports_entries", **{**base, "entry_kind": "refunds"}
        )
        assert link({}, "name") is None
        day = _series_linker(query)(date(2026, 3, 1), ColumnKind.MONTH, "gross_idr")
        assert day == url_for(
            "admin.reports_entries",
            **{**query.filters.args(), "from": "2026-03-01", "to": "2026-03-31",
               "entry_kind": "sale"},
        )  # fmt: skip
