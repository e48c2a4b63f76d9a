"""Forms of products, photos, stock and imports.

Field errors are shown next to their field (inline).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
)
from wtforms.validators import Optional as OptionalValidator
from wtforms.widgets import CheckboxInput, ListWidget

from admin.forms import options
from shop.catalogue.label_sheets import Layout
from shop.forms import IntegerField, RupiahField, SafeForm, coerce_id
from shop.models import ProductStatus, StockReason


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


class ImportForm(SafeForm):
    facility_id = SelectField(_l("UPT"), coerce=coerce_id, validators=[OptionalValidator()])
    csv_file = FileField(_l("Berkas CSV"))
    photos_zip = FileField(_l("ZIP foto (opsional)"))


class ProductFilterForm(SafeForm):
    """The product list's search and status (GET); a status it does not know is ignored."""

    class Meta:
        csrf = False

    q = StringField(_l("Cari nama atau SKU"), filters=[lambda value: (value or "")[:100]])
    status = SelectField(
        _l("Status"),
        choices=options([("", _l("Semua status"))] + [(s.value, s.value) for s in ProductStatus]),
        validators=[OptionalValidator()],
    )

    def chosen_status(self) -> ProductStatus | None:
        return (
            ProductStatus(self.status.data) if self.status.data and not self.status.errors else None
        )


MAX_COPIES = 240
LAYOUT_CHOICES = options(
    [
        (Layout.A4.value, _l("Lembar A4 (24 label 70x37 mm)")),
        (Layout.THERMAL.value, _l("Label termal 50x30 mm")),
    ]
)


class LabelBatchForm(SafeForm):
    """A facility's products (all, or those ticked), in one layout, so many copies each."""

    facility = SelectField(
        _l("UPT"), coerce=coerce_id, validators=[DataRequired(message=_l("Pilih UPT."))]
    )
    products = SelectMultipleField(
        _l("Produk (kosongkan untuk semua produk UPT ini)"),
        coerce=coerce_id,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    layout = RadioField(_l("Tata letak"), choices=LAYOUT_CHOICES, default=Layout.A4.value)
    copies = IntegerField(
        _l("Salinan per varian"),
        default=1,
        validators=[
            NumberRange(min=1, max=MAX_COPIES, message=_l("Salinan antara 1 dan 240.")),
        ],
    )
