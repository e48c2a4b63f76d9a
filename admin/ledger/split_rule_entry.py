"""Adding a split rule (central and admin): the form, a preview on last month's sales, saving.

Saving needs a preview of exactly what is saved: the preview carries a fingerprint of the
fields, and a save whose fields differ from the previewed ones shows the new preview instead.
"""

from __future__ import annotations

import hashlib

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from admin import bp
from admin.forms import options
from admin.helpers import me, now
from shop.accounts import scoping
from shop.core import clock, unit_of_work
from shop.database import db
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


def fingerprint(draft: split_rules.Draft) -> str:
    return hashlib.sha256(repr(draft).encode()).hexdigest()[:32]


@bp.route("/split-rules/new", methods=["GET", "POST"], endpoint="split_rule_new")
def rule_new() -> ResponseReturnValue:
    user = me()
    form = SplitRuleForm()
    form.facility_id.choices = options(
        [(0, _l("Nasional (semua UPT tanpa aturan sendiri)"))]
        + [(f.id, f.name) for f in db.session.scalars(scoping.facilities(user))]
    )
    if not form.is_submitted():
        form.first_day.data = clock.local_date(now())
    preview = None
    status = 200
    if form.validate_on_submit():
        draft = form.draft()
        try:
            split_rules.check(draft, now=now())
            if form.save.data and form.previewed.data == fingerprint(draft):
                split_rules.add(draft, actor=user, now=now())
                unit_of_work.commit()
                flash(_l("Aturan pembagian disimpan."), "success")
                return redirect(url_for("admin.split_rules"))
            preview = split_rules.preview(draft, now=now())
            form.previewed.data = fingerprint(draft)
        except split_rules.RuleError as error:
            for name, message in error.errors.items():
                getattr(form, name).errors = [message]
            status = 422
    elif form.is_submitted():
        status = 422
    return render_template(
        "admin/split_rules/new.html", form=form, preview=preview, basis_labels=BASIS_LABELS
    ), status
