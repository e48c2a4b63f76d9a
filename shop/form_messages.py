"""Form error messages in the visitor's language.

WTForms ships no Indonesian catalogue, so its English messages ("This field is required.")
appeared on Indonesian pages. Every message WTForms and Flask-WTF can raise is written here in
Indonesian through Flask-Babel, with the English original as its translation in
translations/en. `install()` makes every form use them (WTForms' `Meta.get_translations`
hook); `localise()` translates the few that Flask-WTF raises without gettext (the CSRF ones).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

MESSAGES: dict[str, Any] = {
    "Invalid field name '%s'.": _l("Nama isian '%s' tidak dikenal."),
    "Field must be equal to %(other_name)s.": _l("Isian harus sama dengan %(other_name)s."),
    "Field must be at least %(min)d character long.": _l("Isian minimal %(min)d karakter."),
    "Field must be at least %(min)d characters long.": _l("Isian minimal %(min)d karakter."),
    "Field cannot be longer than %(max)d character.": _l("Isian maksimal %(max)d karakter."),
    "Field cannot be longer than %(max)d characters.": _l("Isian maksimal %(max)d karakter."),
    "Field must be exactly %(max)d character long.": _l("Isian harus tepat %(max)d karakter."),
    "Field must be exactly %(max)d characters long.": _l("Isian harus tepat %(max)d karakter."),
    "Field must be between %(min)d and %(max)d characters long.": _l(
        "Isian harus %(min)d sampai %(max)d karakter."
    ),
    "Number must be at least %(min)s.": _l("Angka minimal %(min)s."),
    "Number must be at most %(max)s.": _l("Angka maksimal %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l("Angka harus antara %(min)s dan %(max)s."),
    "Date must be at least %(min)s.": _l("Tanggal paling awal %(min)s."),
    "Date must be at most %(max)s.": _l("Tanggal paling akhir %(max)s."),
    "Date must be between %(min)s and %(max)s.": _l("Tanggal harus antara %(min)s dan %(max)s."),
    "This field is required.": _l("Wajib diisi."),
    "Invalid input.": _l("Isian tidak valid."),
    "Invalid email address.": _l("Alamat email tidak valid."),
    "Invalid IP address.": _l("Alamat IP tidak valid."),
    "Invalid Mac address.": _l("Alamat MAC tidak valid."),
    "Invalid URL.": _l("URL tidak valid."),
    "Invalid UUID.": _l("UUID tidak valid."),
    "Invalid value, must be one of: %(values)s.": _l(
        "Nilai tidak valid, harus salah satu dari: %(values)s."
    ),
    "Invalid value, can't be any of: %(values)s.": _l(
        "Nilai tidak valid, tidak boleh salah satu dari: %(values)s."
    ),
    "This field cannot be edited.": _l("Isian ini tidak dapat diubah."),
    "This field is disabled and cannot have a value.": _l(
        "Isian ini dinonaktifkan dan tidak boleh berisi nilai."
    ),
    "Invalid CSRF Token.": _l("Formulir kedaluwarsa. Muat ulang halaman lalu coba lagi."),
    "CSRF token missing.": _l("Formulir kedaluwarsa. Muat ulang halaman lalu coba lagi."),
    "CSRF failed.": _l("Formulir kedaluwarsa. Muat ulang halaman lalu coba lagi."),
    "CSRF token expired.": _l("Formulir kedaluwarsa. Muat ulang halaman lalu coba lagi."),
    "The CSRF token is missing.": _l("Formulir kedaluwarsa. Muat ulang halaman lalu coba lagi."),
    "The CSRF session token is missing.": _l(
        "Formulir kedaluwarsa. Muat ulang halaman lalu coba lagi."
    ),
    "The CSRF token has expired.": _l("Formulir kedaluwarsa. Muat ulang halaman lalu coba lagi."),
    "The CSRF token is invalid.": _l("Formulir kedaluwarsa. Muat ulang halaman lalu coba lagi."),
    "The CSRF tokens do not match.": _l("Formulir kedaluwarsa. Muat ulang halaman lalu coba lagi."),
    "Invalid Choice: could not coerce.": _l("Pilihan tidak valid."),
    "Choices cannot be None.": _l("Pilihan tidak valid."),
    "Not a valid choice.": _l("Pilih salah satu dari daftar."),
    "Invalid choice(s): one or more data inputs could not be coerced.": _l(
        "Satu atau lebih pilihan tidak valid."
    ),
    "'%(value)s' is not a valid choice for this field.": _l(
        "'%(value)s' bukan pilihan yang valid."
    ),
    "'%(value)s' are not valid choices for this field.": _l(
        "'%(value)s' bukan pilihan yang valid."
    ),
    "Not a valid datetime value.": _l("Tanggal dan jam tidak valid."),
    "Not a valid date value.": _l("Tanggal tidak valid."),
    "Not a valid time value.": _l("Jam tidak valid."),
    "Not a valid week value.": _l("Minggu tidak valid."),
    "Not a valid integer value.": _l("Isi dengan bilangan bulat."),
    "Not a valid decimal value.": _l("Isi dengan angka."),
    "Not a valid float value.": _l("Isi dengan angka."),
    "File does not have an approved extension.": _l("Jenis berkas ini tidak diterima."),
    "File does not have an approved extension: {extensions}": _l(
        "Jenis berkas ini tidak diterima. Yang diterima: {extensions}"
    ),
}


class FormTranslations:
    """The `gettext`/`ngettext` pair WTForms asks its messages from."""

    def gettext(self, string: str) -> str:
        return localise(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return localise(singular if n == 1 else plural)


def localise(message: Any) -> str:
    """`message` in the visitor's language when it is one of the known form messages."""
    text = str(message)
    return str(MESSAGES.get(text, text))


_TRANSLATIONS = FormTranslations()


def install() -> None:
    """Make every FlaskForm (storefront and back office) speak the visitor's language."""
    FlaskForm.Meta.get_translations = lambda self, form: _TRANSLATIONS  # type: ignore[method-assign]
