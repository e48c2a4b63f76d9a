"""Delivering one mail of the outbox (`shop.core.outbox`) with the application's mail settings."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from shop.core import clock, mail, outbox
from shop.jobs import job


def transport() -> outbox.Transport:
    """SMTP when MAIL_SERVER is set, else .eml files in MAIL_OUTBOX_DIR."""
    config = current_app.config
    if config["MAIL_SERVER"]:
        return outbox.smtp_transport(
            host=config["MAIL_SERVER"],
            port=config["MAIL_PORT"],
            username=config["MAIL_USERNAME"],
            password=config["MAIL_PASSWORD"],
            use_tls=config["MAIL_USE_TLS"],
        )
    return outbox.directory_transport(Path(config["MAIL_OUTBOX_DIR"]))


@job(mail.DELIVER_JOB)
def deliver(*, mail_id: int) -> None:
    outbox.deliver(
        mail_id=mail_id,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        transport=transport(),
        now=clock.now(),
        retry_delays=current_app.config["MAIL_RETRY_DELAYS"],
    )
