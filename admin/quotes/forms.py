"""Forms of the quotes area: the list's filter, an answer, a decline, a bank transfer, figures.

An answer's unit prices are one field per line (`price-<line id>`), read by the view; the
service checks every value and names the field of each error, shown inline.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.validators import Optional as OptionalValidator

from admin.forms import options
from shop.forms import IntegerField, RupiahField, SafeForm
from shop.models import QuoteStatus
from shop.quotes import answers
from shop.quotes.statuses import LABELS


class QuoteFilterForm(SafeForm):
    """The list's status (GET); a status it does not know is ignored with a note."""

    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=options([("", _l("Semua status"))] + [(s.value, LABELS[s]) for s in QuoteStatus]),
        validators=[OptionalValidator()],
    )

    def chosen(self) -> QuoteStatus | None:
        if not self.status.data or self.status.errors:
            return None
        return QuoteStatus(self.status.data)


class AnswerForm(SafeForm):
    lead_time_days = IntegerField(
        _l("Lama pengerjaan (hari)"), minimum=0, maximum=answers.MAX_LEAD_DAYS,
        validators=[InputRequired()],
    )  # fmt: skip
    delivery_idr = RupiahField(_l("Ongkos kirim (Rp)"), validators=[InputRequired()])
    valid_until = DateField(_l("Berlaku sampai"), validators=[InputRequired()])
    notes = TextAreaField(_l("Catatan untuk pembeli"), validators=[Length(max=answers.MAX_TEXT)])


class DeclineForm(SafeForm):
    reason = TextAreaField(
        _l("Alasan penolakan"), validators=[DataRequired(), Length(max=answers.MAX_TEXT)]
    )


class TransferForm(SafeForm):
    reference = StringField(
        _l("Nomor referensi transfer"), validators=[DataRequired(), Length(max=80)]
    )
    transferred_on = DateField(_l("Tanggal transfer"), validators=[InputRequired()])
    amount_idr = RupiahField(_l("Jumlah diterima (Rp)"), validators=[InputRequired()])
    proof = FileField(_l("Bukti transfer (PDF, JPEG atau PNG, paling besar 5 MB)"))


class FiguresForm(SafeForm):
    class Meta:
        csrf = False

    date_from = DateField(_l("Dari tanggal"), validators=[OptionalValidator()], name="from")
    date_to = DateField(_l("Sampai tanggal"), validators=[OptionalValidator()], name="to")
