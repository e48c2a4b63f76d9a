"""Mail to buyers and facility staff: SMTP when configured, else .eml files in the outbox."""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from shop.database import db
from shop.models import Role, User

log = logging.getLogger("etalase.mail")
_held_back: ContextVar[bool] = ContextVar("mail_held_back", default=False)


@contextmanager
def held_back() -> Iterator[None]:
    """Send no mail inside: for the demo's sales history, written in bulk for made-up buyers."""
    token = _held_back.set(True)
    try:
        yield
    finally:
        _held_back.reset(token)


def send(*, to: list[str], subject: str, template: str, locale: str, **context: object) -> None:
    """Render `email/<template>.txt` and `.html` in `locale` and send them.

    A mail that cannot be sent is logged, never raised: the order it is about is already
    committed and must not be undone by a mail server being down.
    """
    if not to or _held_back.get():
        return
    config = current_app.config
    with force_locale(locale):
        message = EmailMessage()
        message["Subject"] = str(subject)
        message["From"] = config["MAIL_DEFAULT_SENDER"]
        message["To"] = ", ".join(to)
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain="etalase.local")
        message.set_content(render_template(f"email/{template}.txt", **context))
        message.add_alternative(
            render_template(f"email/{template}.html", **context), subtype="html"
        )
    try:
        if config["MAIL_SERVER"]:
            _send_smtp(message)
        else:
            _write_outbox(message, Path(config["MAIL_OUTBOX_DIR"]))
    except (OSError, smtplib.SMTPException):
        log.exception("mail %r to %s could not be sent", message["Subject"], to)


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def _write_outbox(message: EmailMessage, outbox: Path) -> None:
    outbox.mkdir(parents=True, exist_ok=True)
    (outbox / f"{uuid.uuid4().hex}.eml").write_bytes(bytes(message))


def staff_emails(facility_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(User.email).where(
                User.role == Role.STAFF, User.facility_id == facility_id, User.is_active.is_(True)
            )
        )
    )
