"""Forms of the till: opening a stand, closing it, giving items back."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length
from wtforms.validators import Optional as OptionalValidator

from admin.forms import options
from shop.forms import IntegerField, RupiahField, SafeForm


class OpenStandForm(SafeForm):
    where = RadioField(
        _l("Di mana"),
        choices=options([("showroom", _l("Showroom UPT")), ("event", _l("Pameran / acara"))]),
        default="showroom",
    )
    event_id = SelectField(
        _l("Acara yang sedang berlangsung"), coerce=str, choices=[], validate_choice=False
    )
    event_name = StringField(_l("Nama acara baru"), validators=[Length(max=160)])
    event_place = StringField(_l("Tempat"), validators=[Length(max=160)])
    starts_on = DateField(_l("Mulai"), validators=[OptionalValidator()])
    ends_on = DateField(_l("Selesai"), validators=[OptionalValidator()])
    opening_cash = RupiahField(_l("Uang kas awal (Rp)"), default=0, maximum=1_000_000_000)


class CloseStandForm(SafeForm):
    counted_cash = RupiahField(
        _l("Uang tunai yang dihitung (Rp)"), validators=[InputRequired()], maximum=1_000_000_000
    )
    note = StringField(_l("Catatan (wajib bila ada selisih)"), validators=[Length(max=300)])


class GiveBackForm(SafeForm):
    reason = StringField(_l("Alasan"), validators=[InputRequired(), Length(max=300)])


def quantity_field(label: Any, maximum: int) -> IntegerField:
    return IntegerField(label, minimum=0, maximum=maximum, default=0)
