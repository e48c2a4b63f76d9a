"""Forms of facility profiles, the registry and delivery rates.

Field errors are shown next to their field (inline).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
)
from wtforms.validators import Optional as OptionalValidator

from admin.forms import options
from shop.forms import RupiahField, SafeForm, coerce_id
from shop.models import WEEKDAYS, FacilityClass, FacilityKind, TimeZone


class FacilityProfileForm(SafeForm):
    description = TextAreaField(_l("Deskripsi untuk publik"), validators=[Length(max=5000)])
    address = TextAreaField(_l("Alamat showroom"), validators=[Length(max=500)])
    phone = StringField(_l("Telepon"), validators=[Length(max=32)])
    email = EmailField(
        _l("Email kontak"), validators=[OptionalValidator(), Email(), Length(max=254)]
    )
    hours = FieldList(StringField(), min_entries=7, max_entries=7)


class FacilityForm(FacilityProfileForm):
    name = StringField(_l("Nama UPT"), validators=[DataRequired(), Length(max=160)])
    kanwil_id = SelectField(_l("Kanwil"), coerce=coerce_id, validators=[DataRequired()])
    kind = SelectField(_l("Jenis"), choices=options((k.value, k.label) for k in FacilityKind))
    facility_class = SelectField(
        _l("Kelas"), choices=options((c.value, c.value) for c in FacilityClass)
    )
    city = StringField(_l("Kota"), validators=[DataRequired(), Length(max=80)])
    is_active = BooleanField(_l("Aktif (tampil di toko)"), default=True)


class KanwilForm(SafeForm):
    code = StringField(_l("Kode"), validators=[DataRequired(), Length(max=16)])
    name = StringField(_l("Nama"), validators=[DataRequired(), Length(max=120)])
    province = StringField(_l("Provinsi"), validators=[DataRequired(), Length(max=80)])
    timezone = SelectField(
        _l("Zona waktu"),
        choices=options((t.value, f"{t.abbreviation} ({t.value})") for t in TimeZone),
    )


WEEKDAY_LABELS = dict(
    zip(
        WEEKDAYS,
        (_l("Senin"), _l("Selasa"), _l("Rabu"), _l("Kamis"), _l("Jumat"), _l("Sabtu"),
         _l("Minggu")),
        strict=True,
    )
)  # fmt: skip


class RateTableForm(SafeForm):
    pickup_enabled = BooleanField(_l("Ambil sendiri di showroom"))
    courier_enabled = BooleanField(_l("Kirim dengan kurir"))
    same_city_per_kg_idr = RupiahField(
        _l("Satu kota (Rp per kg)"), validators=[InputRequired(), NumberRange(min=0)]
    )
    same_province_per_kg_idr = RupiahField(
        _l("Satu provinsi (Rp per kg)"), validators=[InputRequired(), NumberRange(min=0)]
    )
    other_province_per_kg_idr = RupiahField(
        _l("Provinsi lain (Rp per kg)"), validators=[InputRequired(), NumberRange(min=0)]
    )
    minimum_charge_idr = RupiahField(
        _l("Ongkos minimum (Rp)"), validators=[InputRequired(), NumberRange(min=0)]
    )
