"""Partner keys: made by the central office, shown once, stored as a hash, revoked for good.

A key reads `etl_` and 43 URL-safe characters (32 random bytes). Only its SHA-256 is stored,
so a copy of the database gives nobody a working key; the prefix kept beside it lets the
office and the partner tell keys apart.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from shop.core import audit
from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.core.locks import lock_rows
from shop.database import db
from shop.models import PartnerKey, User

KEY_PREFIX = "etl_"
SHOWN_PREFIX = 8  # "etl_" and four characters of the secret
MAX_KEY_LENGTH = 100  # anything longer is not one of ours; not worth hashing


class PartnerKeyError(DomainError):
    """A partner key cannot be made or changed as asked."""


@dataclass(frozen=True)
class NewKey:
    """A key just made: `secret` is the only time the key itself exists outside the partner."""

    key: PartnerKey
    secret: str


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(*, name: str, contact: str, actor: User, now: datetime) -> NewKey:
    """Make a key for a partner; the caller shows `secret` once and commits."""
    name, contact = " ".join(name.split()), contact.strip()
    if not name:
        raise PartnerKeyError(_l("Nama mitra wajib diisi."))
    if not contact:
        raise PartnerKeyError(_l("Kontak mitra wajib diisi."))
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = PartnerKey(
        name=name[:120],
        contact=contact[:254],
        prefix=secret[:SHOWN_PREFIX],
        key_hash=hash_key(secret),
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    db.session.add(key)
    db.session.flush()
    audit.record(
        actor=actor,
        action="partner_key.create",
        obj=key,
        changes={"name": key.name, "contact": key.contact, "prefix": key.prefix},
    )
    return NewKey(key=key, secret=secret)


def revoke_key(*, key_id: int, actor: User, now: datetime) -> PartnerKey:
    """Revoke a key at once and for good; revoking it again is refused with a message."""
    locked = lock_rows(PartnerKey, [key_id])
    if not locked:
        raise PartnerKeyError(_l("Kunci mitra tidak ditemukan."))
    key = locked[0]
    if key.revoked_at is not None:
        raise PartnerKeyError(_l("Kunci ini sudah dicabut."))
    key.revoked_at = now
    key.revoked_by_id = actor.id
    audit.record(actor=actor, action="partner_key.revoke", obj=key, changes={"prefix": key.prefix})
    return key


def key_for_secret(secret: str) -> PartnerKey | None:
    """The key `secret` is, revoked or not; None when it is no key of ours."""
    if not secret.startswith(KEY_PREFIX) or len(secret) > MAX_KEY_LENGTH:
        return None
    return db.session.scalar(sa.select(PartnerKey).where(PartnerKey.key_hash == hash_key(secret)))


def all_keys() -> list[PartnerKey]:
    """Every key, active ones first, newest first."""
    return list(
        db.session.scalars(
            sa.select(PartnerKey).order_by(
                PartnerKey.revoked_at.is_not(None),
                PartnerKey.created_at.desc(),
                PartnerKey.id.desc(),
            )
        )
    )
