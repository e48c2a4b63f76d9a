"""Partner keys of the public API: the central office makes one (shown once), sees each key's
use per day, and revokes a key at once when a partner leaves or a key leaks."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Email, Length

from admin.access import CENTRAL_OFFICE, Section
from admin.helpers import me, now
from shop.core import clock, unit_of_work
from shop.database import db
from shop.forms import SafeForm
from shop.models import PartnerKey
from shop.partners import keys, usage

USAGE_DAYS = 30


class PartnerKeyForm(SafeForm):
    name = StringField(_l("Nama mitra"), validators=[DataRequired(), Length(max=120)])
    contact = EmailField(_l("Surel kontak"), validators=[DataRequired(), Email(), Length(max=254)])


# Keys open the catalogue to outside programs on the central office's word alone.
section = Section(CENTRAL_OFFICE)


def _list_page(form: PartnerKeyForm, *, new_key: keys.NewKey | None = None, status: int = 200):
    return render_template(
        "admin/partners/list.html",
        form=form,
        keys=keys.all_keys(),
        today=usage.requests_today(now=now()),
        new_key=new_key,
    ), status


@section.get("/partners", endpoint="partner_keys")
def partner_keys_view() -> ResponseReturnValue:
    return _list_page(PartnerKeyForm())


@section.post("/partners", endpoint="partner_key_create")
def partner_key_create_view() -> ResponseReturnValue:
    form = PartnerKeyForm()
    if not form.validate_on_submit():
        return _list_page(form, status=422)
    try:
        made = keys.create_key(
            name=form.name.data or "", contact=form.contact.data or "", actor=me(), now=now()
        )
    except keys.PartnerKeyError as error:
        unit_of_work.rollback()
        flash(str(error), "error")
        return _list_page(form, status=422)
    unit_of_work.commit()
    # Shown on this answer only (never stored, never redirected to): the partner copies it now.
    return _list_page(PartnerKeyForm(formdata=None), new_key=made)


@section.get("/partners/<int:key_id>", endpoint="partner_key_detail")
def partner_key_detail_view(key_id: int) -> ResponseReturnValue:
    key = db.session.get(PartnerKey, key_id)
    if key is None:
        return render_template("errors/404.html", code=404), 404
    return render_template(
        "admin/partners/detail.html",
        key=key,
        days=usage.usage_per_day(key, until=clock.local_date(now()), days=USAGE_DAYS),
    )


@section.post("/partners/<int:key_id>/revoke", endpoint="partner_key_revoke")
def partner_key_revoke_view(key_id: int) -> ResponseReturnValue:
    if db.session.get(PartnerKey, key_id) is None:
        return render_template("errors/404.html", code=404), 404
    try:
        keys.revoke_key(key_id=key_id, actor=me(), now=now())
    except keys.PartnerKeyError as error:
        unit_of_work.rollback()
        flash(str(error), "error")
    else:
        unit_of_work.commit()
        flash(_l("Kunci dicabut: permintaan dengan kunci ini kini ditolak."), "success")
    return redirect(url_for("admin.partner_key_detail", key_id=key_id))
