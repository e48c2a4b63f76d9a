"""Forms of the label printing screens."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, SelectMultipleField
from wtforms.validators import DataRequired, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from admin.forms import options
from shop.catalogue.label_sheets import Layout
from shop.forms import IntegerField, SafeForm, coerce_id

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
