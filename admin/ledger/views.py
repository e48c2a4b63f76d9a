"""Split rules: the rule in force per facility, the national default and the history (Kanwil
users for their region, central and admin for all); adding a rule (central and admin only).

Saving needs a preview of exactly what is saved: the preview carries a fingerprint of the
fields, and a save whose fields differ from the previewed ones shows the new preview instead.
"""

from __future__ import annotations

import hashlib

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from admin.access import CENTRAL_OFFICE, REVIEWERS, Section
from admin.forms import options
from admin.helpers import me, now
from admin.ledger.forms import BASIS_LABELS, SplitRuleForm
from shop.accounts import scoping
from shop.core import clock, unit_of_work
from shop.database import db
from shop.ledger import split_rules

# Kanwil users read their region's split rules; only the central office adds rules.
reading = Section(REVIEWERS)
adding = Section(CENTRAL_OFFICE)


@reading.get("/split-rules", endpoint="split_rules")
def rule_list() -> ResponseReturnValue:
    user = me()
    return render_template(
        "admin/split_rules/list.html",
        overview=split_rules.overview(user, now=now()),
        may_add=user.role in split_rules.EDITORS,
    )


def fingerprint(draft: split_rules.Draft) -> str:
    return hashlib.sha256(repr(draft).encode()).hexdigest()[:32]


@adding.route("/split-rules/new", methods=["GET", "POST"], endpoint="split_rule_new")
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
