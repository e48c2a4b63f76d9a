"""Forms of fulfilment: the list's status filter, moving a part, refunding it.

Field errors are shown next to their field (inline).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.validators import Optional as OptionalValidator

from admin.forms import options
from shop.forms import SafeForm
from shop.models import FacilityOrderStatus

# Unpaid and cancelled parts are nobody's work: the list never shows them.
UNLISTED = (FacilityOrderStatus.PENDING_PAYMENT, FacilityOrderStatus.CANCELLED)


class PartMoveForm(SafeForm):
    """One fulfilment step; shipping also asks for the courier and the tracking number."""

    to = HiddenField(validators=[DataRequired()])
    courier = StringField(_l("Kurir"), validators=[Length(max=60)])
    tracking_number = StringField(_l("Nomor resi"), validators=[Length(max=80)])


class RefundForm(SafeForm):
    """Refund a part; `idempotency_key` is made when the form is shown, so a repeat refunds once."""

    idempotency_key = HiddenField(validators=[DataRequired(), Length(max=80)])
    whole = BooleanField(_l("Kembalikan seluruh bagian pesanan ini (semua baris dan ongkos kirim)"))
    include_shipping = BooleanField(_l("Termasuk ongkos kirim"))
    restock = BooleanField(_l("Kembalikan barang ke stok"))
    reason = TextAreaField(_l("Alasan"), validators=[Length(max=500)])


class PartFilterForm(SafeForm):
    """The fulfilment list's status (GET); a status it does not know is ignored."""

    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=options(
            [("", _l("Semua status"))]
            + [(s.value, s.value) for s in FacilityOrderStatus if s not in UNLISTED]
        ),
        validators=[OptionalValidator()],
    )

    def chosen_statuses(self) -> list[FacilityOrderStatus]:
        if not self.status.data or self.status.errors:
            return []
        return [FacilityOrderStatus(self.status.data)]
