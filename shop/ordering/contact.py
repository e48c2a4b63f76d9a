"""Checking and normalising a buyer's contact details."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l


class InvalidContact(DomainError):
    """A phone number or email address cannot be used."""


_SEPARATORS = re.compile(r"[\s\-.()/]")


def normalise_phone(raw: str) -> str:
    """An Indonesian number in E.164 form: `0812-3456-7890`, `62812…`, `+62 21 555…` -> `+62…`."""
    digits = _SEPARATORS.sub("", raw.strip())
    if digits.startswith("+62"):
        national = digits[3:]
    elif digits.startswith("62"):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        national = ""
    if not (national.isdigit() and national[0] != "0" and 8 <= len(national) <= 12):
        raise InvalidContact(
            _l("Nomor telepon tidak valid. Contoh: 0812 3456 7890 atau +62 812 3456 7890.")
        )
    return "+62" + national


def normalise_buyer_email(raw: str) -> str:
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise InvalidContact(_l("Alamat email tidak valid.")) from None
