"""What every form of the site shares, storefront and back office alike.

`SafeForm` refuses control characters (NUL and the rest of C0/C1 except tab and line breaks) in
every text field, with a message on the field, so none reaches the database. `IntegerField`
reads only ASCII digits within a range the database can hold (`shop.core.numbers`).
`IdConverter` replaces Flask's `<int:...>` so an id in a URL is range-checked before any query.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter, Map
from wtforms import Field
from wtforms import IntegerField as _WTFormsIntegerField
from wtforms.fields import FieldList, FormField

from shop.core.numbers import MAX_ID, MAX_QUANTITY, parse_amount_idr, parse_int
from shop.core.text import has_control_characters


class IdConverter(IntegerConverter):
    """`<int:...>` for ids: 1 to 10 ASCII digits within PostgreSQL's `integer` range."""

    regex = r"[0-9]{1,10}"

    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int = 1, max: int = MAX_ID):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max)


def coerce_id(value: Any) -> int:
    """`coerce=` for select fields of ids (0 is some lists' "all"): huge or non-ASCII numbers
    are an invalid choice."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    parsed = parse_int(value if isinstance(value, str) else "", minimum=0, maximum=MAX_ID)
    if parsed is None:
        raise ValueError("not an id")
    return parsed


class IntegerField(_WTFormsIntegerField):
    """An integer of ASCII digits within [minimum, maximum]; anything else is a field error."""

    def __init__(
        self, *args: Any, minimum: int = -MAX_QUANTITY, maximum: int = MAX_QUANTITY, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def _parse(self, text: str) -> int | None:
        return parse_int(text, minimum=self.minimum, maximum=self.maximum)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or valuelist[0] in ("", None):
            self.data = None
            return
        self.data = self._parse(str(valuelist[0]))
        if self.data is None:
            raise ValueError(_l("Isi dengan bilangan bulat (angka 0-9) dalam batas yang wajar."))


class RupiahField(IntegerField):
    """An integer of rupiah that also accepts what people type: `Rp150.000`, `150 000`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("minimum", 0)
        super().__init__(*args, **kwargs)

    def _parse(self, text: str) -> int | None:
        return parse_amount_idr(text, maximum=self.maximum)


class SafeForm(FlaskForm):
    """The base of every form: text with control characters is refused, field by field."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        return _refuse_control_characters(self) and valid


def _refuse_control_characters(form: Any) -> bool:
    clean = True
    for field in form:
        if not _field_is_clean(field):
            clean = False
    return clean


def _field_is_clean(field: Field) -> bool:
    if isinstance(field, FormField):
        return _refuse_control_characters(field.form)
    if isinstance(field, FieldList):
        return all([_field_is_clean(entry) for entry in field.entries])  # noqa: C419
    values = [v for v in (getattr(field, "raw_data", None) or []) if isinstance(v, str)]
    if any(has_control_characters(value) for value in values):
        field.errors = [*field.errors, _l("Teks ini memuat karakter kendali (misalnya NUL).")]
        return False
    return True
