"""Forms of the finance pages: PNBP filters, recording, correcting or voiding a deposit, and the
period of a Stripe reconciliation.

The formats (15-digit billing code, 16-character NTPN, amount, dates) are checked by
`shop.finance.pnbp`, whose errors name the field they belong to, so they show inline here.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, Field, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError
from wtforms.validators import Optional as OptionalValidator

from shop.forms import RupiahField, SafeForm, coerce_id

PROOF_LABEL = _l("Bukti setor (PDF, JPEG atau PNG, paling besar 5 MB)")


class PositionFilterForm(SafeForm):
    class Meta:
        csrf = False

    date_from = DateField(_l("Dari tanggal"), validators=[OptionalValidator()], name="from")
    date_to = DateField(_l("Sampai tanggal"), validators=[OptionalValidator()], name="to")
    kanwil = SelectField(_l("Kanwil"), coerce=coerce_id, validators=[OptionalValidator()])


class DepositFilterForm(SafeForm):
    class Meta:
        csrf = False

    facility = SelectField(_l("UPT"), coerce=coerce_id, validators=[OptionalValidator()])
    date_from = DateField(
        _l("Periode berakhir sejak"), validators=[OptionalValidator()], name="from"
    )
    date_to = DateField(_l("Periode berakhir sampai"), validators=[OptionalValidator()], name="to")


class _DepositFields(SafeForm):
    period_start = DateField(_l("Awal periode"), validators=[InputRequired()])
    period_end = DateField(_l("Akhir periode"), validators=[InputRequired()])
    billing_code = StringField(
        _l("Kode billing SIMPONI"), validators=[DataRequired(), Length(max=40)]
    )
    ntpn = StringField(_l("NTPN"), validators=[DataRequired(), Length(max=40)])
    amount_idr = RupiahField(_l("Jumlah disetor (Rp)"), validators=[InputRequired()])
    paid_on = DateField(_l("Tanggal bayar"), validators=[InputRequired()])


class DepositForm(_DepositFields):
    # Any id is accepted here: the service answers a facility outside the scope with a 404.
    facility_id = SelectField(
        _l("UPT"), coerce=coerce_id, validate_choice=False, validators=[InputRequired()]
    )
    proof = FileField(PROOF_LABEL)
    note = TextAreaField(_l("Catatan"), validators=[Length(max=1000)])


class CorrectionForm(_DepositFields):
    proof = FileField(_l("Bukti setor baru (kosongkan untuk memakai bukti yang ada)"))
    reason = TextAreaField(_l("Alasan koreksi"), validators=[DataRequired(), Length(max=1000)])


class VoidForm(SafeForm):
    reason = TextAreaField(_l("Alasan pembatalan"), validators=[DataRequired(), Length(max=1000)])


class ReconciliationForm(SafeForm):
    """The period of a Stripe reconciliation: days in Asia/Jakarta, both included."""

    first_day = DateField(_l("Dari tanggal"), validators=[InputRequired()], name="from")
    last_day = DateField(_l("Sampai tanggal"), validators=[InputRequired()], name="to")

    def validate_last_day(self, field: Field) -> None:
        if self.first_day.data and field.data and field.data < self.first_day.data:
            raise ValidationError(_l("Tanggal akhir tidak boleh sebelum tanggal awal."))
