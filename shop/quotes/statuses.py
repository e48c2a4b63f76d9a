"""A quote part's statuses: the allowed moves, their labels, and the one function that moves."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from shop.core import audit, locks
from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.database import db
from shop.models import QuotePart, QuoteRequest, QuoteStatus, User

Q = QuoteStatus
MOVES: dict[QuoteStatus, frozenset[QuoteStatus]] = {
    Q.REQUESTED: frozenset({Q.ANSWERED, Q.DECLINED}),
    Q.ANSWERED: frozenset({Q.ACCEPTED, Q.EXPIRED}),
    Q.DECLINED: frozenset(),
    # Accepted again, into a new order, when the first order ended unpaid (`acceptance.lapsed`).
    Q.ACCEPTED: frozenset({Q.ACCEPTED}),
    Q.EXPIRED: frozenset(),
}
LABELS = {
    Q.REQUESTED: _l("Menunggu jawaban UPT"),
    Q.ANSWERED: _l("Penawaran diberikan"),
    Q.DECLINED: _l("Ditolak UPT"),
    Q.ACCEPTED: _l("Diterima"),
    Q.EXPIRED: _l("Kedaluwarsa"),
}


class QuoteError(DomainError):
    """A quote cannot be changed that way; nothing was written."""


class InvalidFields(QuoteError):
    """Some fields are wrong: `errors` maps each form field's name to its message."""

    def __init__(self, errors: Mapping[str, Any]) -> None:
        self.errors = dict(errors)
        super().__init__(" ".join(str(message) for message in self.errors.values()))


class WrongStatus(QuoteError):
    """The part is not in a status that allows the move (someone else was quicker)."""


def move(
    part: QuotePart,
    to: QuoteStatus,
    *,
    actor: User | None = None,
    actor_label: str | None = None,
    changes: dict[str, list[object]] | None = None,
) -> None:
    """Move the part (the caller holds its request's lock) and audit it, or raise WrongStatus."""
    if to not in MOVES[part.status]:
        raise WrongStatus(
            _l(
                'Bagian %(facility)s berstatus "%(status)s" dan tidak dapat diubah lagi.',
                facility=part.facility.name,
                status=LABELS[part.status],
            )
        )
    audit.record(
        actor=actor,
        actor_label=actor_label,
        action="quote_part.status",
        obj=part,
        changes={"status": [part.status.value, to.value], **(changes or {})},
    )
    part.status = to


def lock_request(request_id: int) -> QuoteRequest:
    """Lock, then read: the request and all its parts, re-read inside the lock.

    Every change of a quote takes the request's lock first (then its parts'), so two facilities
    answering at once, or two accepts, are decided one after the other on fresh rows.
    """
    (request,) = locks.lock_rows(QuoteRequest, [request_id])
    part_ids = list(
        db.session.scalars(select(QuotePart.id).where(QuotePart.quote_request_id == request_id))
    )
    locks.lock_rows(QuotePart, part_ids)
    db.session.expire(request, ["parts"])
    return request
