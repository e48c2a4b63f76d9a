"""Creating staff accounts and checking their passwords."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import select

from shop.accounts import passwords
from shop.core import audit
from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.database import db
from shop.models import Facility, Kanwil, Role, User

MIN_PASSWORD_LENGTH = 10
COMMON_PASSWORDS = frozenset(
    {
        "password123", "1234567890", "qwertyuiop", "passw0rd123", "admin12345", "rahasia123",
        "indonesia1", "indonesia123", "bismillah1", "sayangkamu", "etalase123", "lapas12345",
        "1q2w3e4r5t", "iloveyou12", "0123456789", "abcdefghij", "merdeka123",
    }
)  # fmt: skip


class AccountError(DomainError):
    """An account could not be created or changed."""


class DuplicateEmail(AccountError):
    pass


class UnknownScope(AccountError):
    pass


class WeakPassword(AccountError):
    pass


class InvalidEmail(AccountError):
    pass


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise InvalidEmail(_l("Alamat email tidak valid: %(reason)s", reason=str(error))) from None


def check_password_strength(password: str, *, email: str = "") -> None:
    """Refuse passwords that are short, common, of one kind of character, or hold the email."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(_l("Kata sandi minimal %(n)s karakter.", n=MIN_PASSWORD_LENGTH))
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 5:
        raise WeakPassword(_l("Kata sandi ini terlalu mudah ditebak. Pilih yang lain."))
    if password.isdigit() or password.isalpha():
        raise WeakPassword(_l("Kata sandi harus memuat huruf dan angka atau simbol."))
    local_part = email.split("@")[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        raise WeakPassword(_l("Kata sandi tidak boleh memuat nama email Anda."))


def hash_password(password: str) -> str:
    return passwords.hash_password(password)


def password_matches(user: User, password: str) -> bool:
    return passwords.password_matches(user.password_hash, password)


def create_user(
    *,
    email: str,
    name: str,
    role: Role | str,
    password: str,
    facility_slug: str | None = None,
    kanwil_code: str | None = None,
    actor: User | None = None,
    actor_label: str | None = None,
) -> User:
    """Create an account whose scope fits its role; nothing is written when a check fails."""
    try:
        role = Role(role)
    except ValueError:
        raise AccountError(
            _l("Peran tidak dikenal: %(role)s. Pilih staff, kanwil, central atau admin.", role=role)
        ) from None
    email = normalise_email(email)
    name = name.strip()
    if not name:
        raise AccountError(_l("Nama wajib diisi."))
    facility = _scope_facility(role, facility_slug)
    kanwil = _scope_kanwil(role, kanwil_code)
    check_password_strength(password, email=email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise DuplicateEmail(_l("Email %(email)s sudah dipakai akun lain.", email=email))
    user = User(
        email=email,
        name=name,
        role=role,
        facility=facility,
        kanwil=kanwil,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        actor=actor,
        actor_label=actor_label,
        action="user.create",
        obj=user,
        changes={
            "email": [None, email],
            "role": [None, role.value],
            "facility": [None, facility.slug if facility else None],
            "kanwil": [None, kanwil.code if kanwil else None],
        },
    )
    return user


def _scope_facility(role: Role, slug: str | None) -> Facility | None:
    if role is not Role.STAFF:
        if slug:
            raise AccountError(_l("Hanya akun staff yang terikat pada satu UPT."))
        return None
    if not slug:
        raise UnknownScope(_l("Akun staff membutuhkan UPT (--facility SLUG)."))
    facility = db.session.scalar(select(Facility).where(Facility.slug == slug))
    if facility is None:
        raise UnknownScope(_l("UPT dengan slug '%(slug)s' tidak ditemukan.", slug=slug))
    return facility


def _scope_kanwil(role: Role, code: str | None) -> Kanwil | None:
    if role is not Role.KANWIL:
        if code:
            raise AccountError(_l("Hanya akun kanwil yang terikat pada satu Kanwil."))
        return None
    if not code:
        raise UnknownScope(_l("Akun kanwil membutuhkan kode Kanwil (--kanwil KODE)."))
    kanwil = db.session.scalar(select(Kanwil).where(Kanwil.code == code.strip().upper()))
    if kanwil is None:
        raise UnknownScope(_l("Kanwil dengan kode '%(code)s' tidak ditemukan.", code=code))
    return kanwil


class InvalidResetLink(AccountError):
    pass


class WrongPassword(AccountError):
    pass


RESET_LINK_MAX_AGE = 72 * 3600
_RESET_SALT = "etalase.password-reset"
# Compared against when the email is unknown, so a login takes as long either way.
_DUMMY_HASH = passwords.hash_password("not-a-real-password-0")


def authenticate(*, email: str, password: str, now: datetime) -> User | None:
    """The active user with this email and password, or None; a success records the time."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        passwords.password_matches(_DUMMY_HASH, password)
        return None
    if not password_matches(user, password) or not user.is_active:
        return None
    user.last_login_at = now
    return user


def change_password(*, user: User, current_password: str, new_password: str) -> None:
    """Replace the user's own password after checking the current one."""
    if not password_matches(user, current_password):
        raise WrongPassword(_l("Kata sandi saat ini salah."))
    check_password_strength(new_password, email=user.email)
    user.password_hash = hash_password(new_password)
    end_sessions(user)
    audit.record(actor=user, action="user.password_change", obj=user, changes={})


def end_sessions(user: User) -> None:
    """Void every session cookie of the user: each carries the generation it was made with.

    The caller commits (and signs the current browser in again when it should stay).
    """
    user.session_generation += 1


def sign_out_everywhere(*, user: User) -> None:
    end_sessions(user)
    audit.record(actor=user, action="user.sign_out_everywhere", obj=user, changes={})


def user_for_session(identity: str) -> User | None:
    """The active user a session's login identity (`id.generation`) names, if still valid."""
    user_id, _dot, generation = identity.partition(".")
    if not (user_id.isascii() and user_id.isdigit() and len(user_id) <= 18):
        return None
    if not (generation.isascii() and generation.isdigit() and len(generation) <= 18):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_generation != int(generation):
        return None
    return user


def set_active(*, user: User, active: bool, actor: User) -> None:
    if user.id == actor.id and not active:
        raise AccountError(_l("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    if user.is_active == active:
        return
    audit.record(
        actor=actor, action="user.activate" if active else "user.deactivate", obj=user,
        changes={"is_active": [user.is_active, active]},
    )  # fmt: skip
    user.is_active = active


def start_password_reset(*, user: User, actor: User, secret_key: str) -> str:
    """Lock the account's password and return a token that sets a new one, usable once.

    The old password stops working at once. The token is signed over the new (random) password
    hash, so it is void as soon as a password is set with it, or the account is reset again.
    """
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    end_sessions(user)
    audit.record(actor=actor, action="user.password_reset", obj=user, changes={})
    return _reset_serializer(secret_key).dumps({"user": user.id, "hash": _hash_tag(user)})


def user_for_reset_token(*, token: str, secret_key: str) -> User:
    try:
        payload = _reset_serializer(secret_key).loads(token, max_age=RESET_LINK_MAX_AGE)
    except BadData:
        raise InvalidResetLink(
            _l("Tautan ini tidak berlaku lagi. Minta tautan baru kepada admin.")
        ) from None
    user = db.session.get(User, payload.get("user")) if isinstance(payload, dict) else None
    if user is None or not user.is_active or payload.get("hash") != _hash_tag(user):
        raise InvalidResetLink(_l("Tautan ini tidak berlaku lagi. Minta tautan baru kepada admin."))
    return user


def complete_password_reset(*, token: str, new_password: str, secret_key: str) -> User:
    user = user_for_reset_token(token=token, secret_key=secret_key)
    check_password_strength(new_password, email=user.email)
    user.password_hash = hash_password(new_password)
    end_sessions(user)
    audit.record(actor=user, action="user.password_set", obj=user, changes={})
    return user


def _hash_tag(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:24]


def _reset_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=_RESET_SALT)


def update_user(
    *, user: User, name: str, role: Role | str, facility_slug: str | None,
    kanwil_code: str | None, actor: User,
) -> None:  # fmt: skip
    """Change an account's name, role and scope (admins only; the view checks the role)."""
    role = Role(role)
    name = name.strip()
    if not name:
        raise AccountError(_l("Nama wajib diisi."))
    facility = _scope_facility(role, facility_slug)
    kanwil = _scope_kanwil(role, kanwil_code)
    before = _user_fields(user)
    user.name, user.role, user.facility, user.kanwil = name, role, facility, kanwil
    changes = audit.diff(before, _user_fields(user))
    if changes:
        audit.record(actor=actor, action="user.update", obj=user, changes=changes)


def _user_fields(user: User) -> dict[str, object]:
    return {
        "name": user.name,
        "role": user.role.value,
        "facility": user.facility.slug if user.facility else None,
        "kanwil": user.kanwil.code if user.kanwil else None,
    }
