"""Forms of the audit trail and the reports: GET filters, never a 500.

An unreadable filter value is dropped with a message (or an error next to its field) and the
page is shown without it.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional as OptionalValidator

from admin.forms import IdField, options
from shop.forms import SafeForm
from shop.models import FacilityKind, SalesChannel
from shop.reporting.periods import (
    ENTRY_KINDS,
    NO_CATEGORY,
    Period,
    PeriodOutOfRange,
    ReportFilters,
    ReportQuery,
    checked_period,
)


class AuditFilterForm(SafeForm):
    class Meta:
        csrf = False

    action = StringField(_l("Aksi"), filters=[lambda value: (value or "").strip()[:100]])
    actor = StringField(_l("Pelaku (email)"), filters=[lambda value: (value or "").strip()[:254]])
    object_type = StringField(_l("Jenis objek"), filters=[lambda value: (value or "").strip()[:60]])
    object_id = StringField(_l("ID objek"), filters=[lambda value: (value or "").strip()[:60]])
    since = DateField(_l("Sejak tanggal"), validators=[OptionalValidator()])


UNKNOWN_FILTER = _l("Saringan tidak dikenal diabaikan.")


class ReportFilterForm(SafeForm):
    """The period and filters of every report page (`from`, `to`, `kanwil`, `kind`, ...) and
    the drill-down's cursors; `query()` gives what was asked for, minus what was unreadable."""

    class Meta:
        csrf = False

    date_from = DateField(validators=[OptionalValidator()], name="from")
    date_to = DateField(validators=[OptionalValidator()], name="to")
    kanwil = IdField()
    facility = IdField()
    top_category = IdField()
    product = IdField()
    event = IdField()
    category = StringField()
    kind = SelectField(
        choices=options([("", "")] + [(kind.value, kind.label) for kind in FacilityKind]),
        validators=[OptionalValidator()],
    )
    entry_kind = SelectField(
        choices=options([("", "")] + [(kind, kind) for kind in ENTRY_KINDS]),
        validators=[OptionalValidator()],
    )
    channel = SelectField(
        choices=options([("", "")] + [(channel.value, channel.value) for channel in SalesChannel]),
        validators=[OptionalValidator()],
    )
    after = StringField()
    before = StringField()

    def query(self, *, now: datetime) -> ReportQuery:
        self.validate()
        messages: list[str] = []
        period = self._period(now, messages)
        ids = {
            name: self._valid(name)
            for name in ("kanwil", "facility", "top_category", "product", "event")
        }
        if any(self[name].errors for name in (*ids, "kind", "entry_kind", "channel")):
            messages.append(str(UNKNOWN_FILTER))
        raw_category = (self.category.data or "").strip()
        no_category = raw_category == NO_CATEGORY
        category_id = None
        if raw_category and not no_category:
            category_id = IdField.parse(raw_category)
            if category_id is None:
                messages.append(str(UNKNOWN_FILTER))
        kind = self._valid("kind")
        channel = self._valid("channel")
        filters = ReportFilters(
            kanwil_id=ids["kanwil"],
            facility_id=ids["facility"],
            facility_kind=FacilityKind(kind) if kind else None,
            category_id=category_id,
            top_category_id=ids["top_category"],
            no_category=no_category,
            entry_kind=self._valid("entry_kind") or None,
            product_id=ids["product"],
            channel=SalesChannel(channel) if channel else None,
            event_id=ids["event"],
        )
        return ReportQuery(period=period, filters=filters, messages=list(dict.fromkeys(messages)))

    def _valid(self, name: str) -> object:
        field = self[name]
        return None if field.errors else field.data

    def _period(self, now: datetime, messages: list[str]) -> Period:
        default = Period.this_month(now)
        if self.date_from.errors or self.date_to.errors:
            messages.append(
                str(_l("Tanggal tidak terbaca (pakai TTTT-BB-HH); laporan memakai bulan ini."))
            )
            return default
        start: date | None = self.date_from.data
        end: date | None = self.date_to.data
        if start is None and end is None:
            return default
        try:
            return checked_period(start or default.start, end or default.end)
        except PeriodOutOfRange as error:
            messages.append(str(error))
            return default
