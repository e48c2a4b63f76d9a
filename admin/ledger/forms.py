"""Forms of the split rules pages: adding a rule."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from admin.forms import options
from shop.forms import IntegerField, SafeForm, coerce_id
from shop.ledger import split_rules
from shop.models import SplitBasis

BASIS_LABELS = {
    SplitBasis.SALES: _l("Dari harga jual"),
    SplitBasis.MARGIN: _l("Dari keuntungan (harga jual dikurangi HPP)"),
}


class SplitRuleForm(SafeForm):
    facility_id = SelectField(_l("Berlaku untuk"), coerce=coerce_id)
    first_day = DateField(_l("Berlaku mulai"), validators=[InputRequired()])
    basis = SelectField(
        _l("Dasar pembagian"),
        choices=options((b.value, label) for b, label in BASIS_LABELS.items()),
    )
    pnbp_pct = IntegerField(_l("PNBP (%)"), validators=[InputRequired(), NumberRange(0, 100)])
    premi_pct = IntegerField(_l("Premi (%)"), validators=[InputRequired(), NumberRange(0, 100)])
    capital_pct = IntegerField(
        _l("Modal produksi (%)"), validators=[InputRequired(), NumberRange(0, 100)]
    )
    source = TextAreaField(
        _l("Dasar hukum atau sumber"), validators=[DataRequired(), Length(max=2000)]
    )
    previewed = HiddenField()
    preview = SubmitField(_l("Pratinjau"))
    save = SubmitField(_l("Simpan aturan"))

    def draft(self) -> split_rules.Draft:
        return split_rules.Draft(
            facility_id=self.facility_id.data or None, first_day=self.first_day.data,
            basis=SplitBasis(self.basis.data), pnbp_pct=self.pnbp_pct.data,
            premi_pct=self.premi_pct.data, capital_pct=self.capital_pct.data,
            source=self.source.data,
        )  # fmt: skip
