"""The mail templates (templates/email/), rendered for the core's outbox in the reader's locale.

The core stores a mail rendered (`shop.core.mail.send`) but knows no template engine: the
application installs `render` as its renderer at start-up.
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import force_locale

from shop.core import mail


def render(template: str, locale: str, subject: object, context: dict[str, Any]) -> mail.Rendered:
    """`email/<template>.txt` and `.html`, and the subject, in `locale`."""
    with force_locale(locale):
        return mail.Rendered(
            subject=str(subject),
            text=render_template(f"email/{template}.txt", **context),
            html=render_template(f"email/{template}.html", **context),
        )


def install() -> None:
    mail.use_renderer(render)
