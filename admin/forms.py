"""The back office's forms. Field errors are shown next to their field (inline)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    ValidationError,
)
from wtforms.validators import Optional as OptionalValidator

from shop.forms import IntegerField, RupiahField, SafeForm, coerce_id
from shop.models import WEEKDAYS, FacilityClass, FacilityKind, Role, StockReason, TimeZone


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class LoginForm(SafeForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()


class PasswordChangeForm(SafeForm):
    current_password = PasswordField(_l("Kata sandi saat ini"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("Kata sandi baru"), validators=[DataRequired(), Length(min=10, max=200)]
    )
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("Kedua isian tidak sama."))],
    )


class PasswordSetForm(SafeForm):
    new_password = PasswordField(
        _l("Kata sandi baru"), validators=[DataRequired(), Length(min=10, max=200)]
    )
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("Kedua isian tidak sama."))],
    )


class VariantForm(Form):
    variant_id = HiddenField()
    sku = StringField(_l("SKU"), validators=[DataRequired(), Length(max=64)])
    option_label = StringField(_l("Pilihan (ukuran, warna)"), validators=[Length(max=80)])
    price_idr = RupiahField(
        _l("Harga (Rp)"), validators=[InputRequired(), NumberRange(min=1, max=999_999_999)]
    )
    hpp_idr = RupiahField(
        _l("HPP / biaya produksi (Rp)"), validators=[OptionalValidator(), NumberRange(min=0)]
    )
    stock = IntegerField(
        _l("Stok awal"),
        default=0,
        validators=[OptionalValidator(), NumberRange(min=0, max=100_000)],
    )
    low_stock_threshold = IntegerField(
        _l("Tandai menipis pada stok"), default=2,
        validators=[OptionalValidator(), NumberRange(min=0, max=100_000)],
    )  # fmt: skip


class ProductForm(SafeForm):
    facility_id = SelectField(_l("UPT"), coerce=coerce_id, validators=[OptionalValidator()])
    name = StringField(_l("Nama produk"), validators=[DataRequired(), Length(max=160)])
    category_id = SelectField(_l("Kategori"), coerce=coerce_id, validators=[DataRequired()])
    workshop_id = SelectField(
        _l("Bengkel kerja"), coerce=coerce_id, validators=[OptionalValidator()]
    )
    description = TextAreaField(_l("Deskripsi"), validators=[Length(max=5000)])
    weight_grams = IntegerField(
        _l("Berat kirim (gram)"), validators=[InputRequired(), NumberRange(min=1, max=1_000_000)]
    )
    made_to_order = BooleanField(_l("Dibuat sesuai pesanan"))
    lead_time_days = IntegerField(
        _l("Lama pengerjaan (hari)"), validators=[OptionalValidator(), NumberRange(min=1, max=365)]
    )
    pirt_number = StringField(_l("Nomor PIRT (pangan)"), validators=[Length(max=40)])
    halal_certificate = StringField(_l("Sertifikat halal (pangan)"), validators=[Length(max=60)])
    shelf_life_days = IntegerField(
        _l("Masa simpan (hari, pangan)"),
        validators=[OptionalValidator(), NumberRange(min=1, max=3650)],
    )
    is_flagship = BooleanField(_l("Produk unggulan"))
    variants = FieldList(FormField(VariantForm), min_entries=1, max_entries=20)
    add_variant = SubmitField(_l("Tambah varian"))
    save = SubmitField(_l("Simpan"))

    def validate_lead_time_days(self, field: Field) -> None:
        if self.made_to_order.data and not field.data:
            from wtforms.validators import ValidationError

            raise ValidationError(_l("Isi lama pengerjaan untuk produk pesanan."))


class PhotoUploadForm(SafeForm):
    photos = MultipleFileField(_l("Foto (JPEG, PNG, WebP atau HEIC)"))
    alt_text = StringField(
        _l("Teks alternatif (apa yang tampak di foto)"),
        validators=[DataRequired(message=_l("Teks alternatif wajib diisi.")), Length(max=300)],
    )


class AltTextForm(SafeForm):
    alt_text = StringField(
        _l("Teks alternatif"),
        validators=[DataRequired(message=_l("Teks alternatif wajib diisi.")), Length(max=300)],
    )


class SubmitForReviewForm(SafeForm):
    no_faces = BooleanField(_l("Tidak ada wajah warga binaan yang terlihat."))
    no_names = BooleanField(_l("Tidak ada nama warga binaan, di foto maupun di teks."))
    no_identifying_details = BooleanField(
        _l("Tidak ada nomor register, perkara atau ciri lain yang mengenali seseorang.")
    )
    photos_where_allowed = BooleanField(_l("Foto diambil di tempat yang diizinkan."))
    no_people = BooleanField(_l("LPKA: tidak ada orang sama sekali di foto (UU 11/2012)."))


class StockAdjustForm(SafeForm):
    reason = SelectField(_l("Alasan"), validators=[DataRequired()])
    quantity = IntegerField(
        _l("Jumlah (+ menambah, - mengurangi)"),
        validators=[InputRequired(), NumberRange(min=-100_000, max=100_000)],
    )
    note = StringField(_l("Catatan"), validators=[Length(max=300)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reason.choices = options(
            (r.value, label) for r, label in stock_reason_labels().items()
        )


def stock_reason_labels() -> dict[StockReason, Any]:
    return {
        StockReason.PRODUCED: _l("Produksi baru"),
        StockReason.SOLD_SHOWROOM: _l("Terjual di showroom"),
        StockReason.SOLD_FAIR: _l("Terjual di pameran"),
        StockReason.DAMAGED: _l("Rusak"),
        StockReason.CORRECTION: _l("Koreksi (hitung ulang)"),
    }


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


class UserForm(SafeForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Nama"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Peran"), choices=options((r.value, r.value) for r in Role))
    facility_slug = SelectField(_l("UPT (untuk staff)"), validators=[OptionalValidator()])
    kanwil_code = SelectField(_l("Kanwil (untuk kanwil)"), validators=[OptionalValidator()])


class ImportForm(SafeForm):
    facility_id = SelectField(_l("UPT"), coerce=coerce_id, validators=[OptionalValidator()])
    csv_file = FileField(_l("Berkas CSV"))
    photos_zip = FileField(_l("ZIP foto (opsional)"))


class AuditFilterForm(SafeForm):
    class Meta:
        csrf = False

    action = StringField(_l("Aksi"))
    actor = StringField(_l("Pelaku (email)"))
    object_type = StringField(_l("Jenis objek"))
    object_id = StringField(_l("ID objek"))
    since = DateField(_l("Sejak tanggal"), validators=[OptionalValidator()])


class ReconciliationForm(SafeForm):
    """The period of a Stripe reconciliation: days in Asia/Jakarta, both included."""

    class Meta:
        csrf = False

    first_day = DateField(_l("Dari tanggal"), validators=[InputRequired()], name="from")
    last_day = DateField(_l("Sampai tanggal"), validators=[InputRequired()], name="to")

    def validate_last_day(self, field: Field) -> None:
        if self.first_day.data and field.data and field.data < self.first_day.data:
            raise ValidationError(_l("Tanggal akhir tidak boleh sebelum tanggal awal."))


WEEKDAY_LABELS = dict(
    zip(
        WEEKDAYS,
        (_l("Senin"), _l("Selasa"), _l("Rabu"), _l("Kamis"), _l("Jumat"), _l("Sabtu"),
         _l("Minggu")),
        strict=True,
    )
)  # fmt: skip


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
