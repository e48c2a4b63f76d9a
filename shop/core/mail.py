"""Mail to buyers and facility staff, written to the outbox in the transaction that causes it.

`send` renders the mail (through the renderer the application installs with `use_renderer`, so
the core knows no template engine) and stores it as an `OutboxMail` row; its delivery is a job
deferred until the commit (`shop.core.outbox.deliver`). A change that rolls back leaves no mail;
a change that commits leaves one that is delivered, retried, or shown as failed to the admins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from email.utils import make_msgid
from typing import Any

from sqlalchemy import select

from shop.core import clock, jobs
from shop.database import db
from shop.models import OutboxMail, Role, User

DELIVER_JOB = "mail.deliver"
# A new mail is delivered by a job right after the commit; should that job be lost (Redis
# emptied, a worker killed), the outbox sweep takes the mail up once this has passed.
SWEEP_GRACE = timedelta(minutes=2)

_held_back: ContextVar[bool] = ContextVar("mail_held_back", default=False)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


# (template, locale, subject, context) -> the mail in that locale. The subject is a lazy text.
Renderer = Callable[[str, str, object, dict[str, Any]], Rendered]


class NoRenderer(RuntimeError):
    """A mail was sent before the application installed a renderer."""


def _no_renderer(
    template: str, _locale: str, _subject: object, _context: dict[str, Any]
) -> Rendered:
    raise NoRenderer(f"No mail renderer installed to render {template!r}")


_renderer: Renderer = _no_renderer


def use_renderer(renderer: Renderer) -> None:
    """Install what turns a template name and its context into a mail (done at start-up)."""
    global _renderer
    _renderer = renderer


@contextmanager
def held_back() -> Iterator[None]:
    """Send no mail inside: for the demo's sales history, written in bulk for made-up buyers."""
    token = _held_back.set(True)
    try:
        yield
    finally:
        _held_back.reset(token)


def send(
    *, to: list[str], subject: object, template: str, locale: str, **context: object
) -> OutboxMail | None:
    """Render `email/<template>.txt` and `.html` in `locale` into the outbox; delivered after
    the commit. Part of the caller's transaction: the caller commits (or rolls back) it."""
    if not to or _held_back.get():
        return None
    rendered = _renderer(template, locale, subject, dict(context))
    now = clock.now()
    mail = OutboxMail(
        template=template,
        recipients=", ".join(to),
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        locale=locale,
        message_id=make_msgid(domain="etalase.local"),
        attempts=0,
        last_error="",
        # When the sweep takes it up if the job after the commit never ran (a lost queue).
        next_attempt_at=now + SWEEP_GRACE,
        created_at=now,
    )
    db.session.add(mail)
    db.session.flush()
    jobs.defer(DELIVER_JOB, mail_id=mail.id)
    return mail


def staff_emails(facility_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(User.email).where(
                User.role == Role.STAFF, User.facility_id == facility_id, User.is_active.is_(True)
            )
        )
    )
