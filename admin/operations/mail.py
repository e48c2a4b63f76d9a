"""The mail outbox: every mail the site sent or is trying to send, the failures first to see,
and "Kirim lagi" for one that did not go out.

Admins and the central office: mail to buyers and staff of every facility.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import Length
from wtforms.validators import Optional as OptionalValidator

from admin.access import CENTRAL_OFFICE, Section
from admin.forms import options
from admin.helpers import me, now, page_number
from shop.core import outbox, unit_of_work
from shop.database import db
from shop.forms import SafeForm
from shop.models import MailStatus, OutboxMail

PER_PAGE = 50
STATUS_LABELS = {
    MailStatus.PENDING: _l("Menunggu"),
    MailStatus.SENT: _l("Terkirim"),
    MailStatus.FAILED: _l("Gagal"),
}


class MailFilterForm(SafeForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validators=[OptionalValidator()])
    recipient = StringField(_l("Penerima"), validators=[Length(max=254)])
    template = SelectField(_l("Jenis surat"), validators=[OptionalValidator()])


# Mail to buyers and staff of every facility, and sending it again: the central office.
section = Section(CENTRAL_OFFICE)


@section.get("/mail", endpoint="mail_list")
def mail_list_view() -> ResponseReturnValue:
    form = MailFilterForm(formdata=request.args)
    form.status.choices = options(
        [("", _l("Semua"))] + [(s.value, STATUS_LABELS[s]) for s in MailStatus]
    )
    form.template.choices = options([("", _l("Semua"))] + [(t, t) for t in outbox.templates()])
    form.validate()
    status = MailStatus(form.status.data) if form.status.data and not form.status.errors else None
    found = outbox.search(
        status=status,
        recipient="" if form.recipient.errors else form.recipient.data or "",
        template="" if form.template.errors else form.template.data or "",
        page=page_number(),
        per_page=PER_PAGE,
    )
    return render_template(
        "admin/mail/list.html", form=form, mails=found.items, total=found.total, pages=found,
        counts=outbox.counts(), labels=STATUS_LABELS,
    )  # fmt: skip


@section.get("/mail/<int:mail_id>", endpoint="mail_detail")
def mail_detail_view(mail_id: int) -> ResponseReturnValue:
    mail = db.session.get(OutboxMail, mail_id)
    if mail is None:
        return render_template("errors/404.html", code=404), 404
    return render_template("admin/mail/detail.html", mail=mail, labels=STATUS_LABELS)


@section.post("/mail/<int:mail_id>/send-again", endpoint="mail_send_again")
def mail_send_again_view(mail_id: int) -> ResponseReturnValue:
    if db.session.get(OutboxMail, mail_id) is None:
        return render_template("errors/404.html", code=404), 404
    try:
        outbox.send_again(mail_id=mail_id, actor=me(), now=now())
    except outbox.AlreadySent as error:
        unit_of_work.rollback()
        flash(str(error), "error")
    else:
        unit_of_work.commit()
        flash(_l("Surat dijadwalkan untuk dikirim lagi."), "success")
    return redirect(url_for("admin.mail_detail", mail_id=mail_id))
