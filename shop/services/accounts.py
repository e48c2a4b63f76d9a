"""Creating staff accounts and checking their passwords."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from shop.database import db
from shop.models import Facility, Kanwil, Role, User
from shop.services import audit
from shop.services.errors import DomainError

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
    return generate_password_hash(password, method="scrypt")


def password_matches(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


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
    db.session.commit()
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
