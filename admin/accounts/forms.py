"""Forms of the sign-in, password and user pages.

Field errors are shown next to their field (inline).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    Length,
)
from wtforms.validators import Optional as OptionalValidator

from admin.forms import options
from shop.forms import SafeForm
from shop.models import Role


class LoginForm(SafeForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()


class PasswordChangeForm(SafeForm):
    current_password = PasswordField(_l("Kata sandi saat ini"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("Kata sandi baru"), validators=[DataRequired(), Length(min=10, max=200)]
    )
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("Kedua isian tidak sama."))],
    )


class PasswordSetForm(SafeForm):
    new_password = PasswordField(
        _l("Kata sandi baru"), validators=[DataRequired(), Length(min=10, max=200)]
    )
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("Kedua isian tidak sama."))],
    )


class UserForm(SafeForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Nama"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Peran"), choices=options((r.value, r.value) for r in Role))
    facility_slug = SelectField(_l("UPT (untuk staff)"), validators=[OptionalValidator()])
    kanwil_code = SelectField(_l("Kanwil (untuk kanwil)"), validators=[OptionalValidator()])
