"""Events seen from above: each fair's sales across every facility that had a stand there.

Central and admin see every facility at the event; a Kanwil sees the facilities of its region.
The figures are sums of the ledger entries of the stands' sales (returns netted), so they
agree with the reports.
"""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from admin.access import CENTRAL_OFFICE, Section
from admin.helpers import me, now
from shop.accounts.scoping import OutOfScope
from shop.core import clock
from shop.database import db
from shop.models import Role, SaleEvent
from shop.tills import events

section = Section(Role.KANWIL, CENTRAL_OFFICE)


@section.get("/pos/events")
def till_events() -> ResponseReturnValue:
    return render_template("admin/tills/events.html", events=events.events(me()))


@section.get("/pos/events/<int:event_id>")
def till_event(event_id: int) -> ResponseReturnValue:
    event = db.session.get(SaleEvent, event_id)
    if event is None:
        raise OutOfScope()
    rows = events.facilities_at(event, me())
    # The reports of the event's sales: from its first day to its last, or to today for a
    # stand still selling after it.
    last_day = max(event.ends_on, clock.local_date(now()))
    report_args = {
        "event": str(event.id),
        "from": event.starts_on.isoformat(),
        "to": last_day.isoformat(),
    }
    return render_template(
        "admin/tills/event.html", event=event, rows=rows, stands=events.stands_at(event, me()),
        total=sum(row.amount_idr for row in rows), report_args=report_args,
    )  # fmt: skip
