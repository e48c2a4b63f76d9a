"""Form helpers shared by the back-office areas; each area keeps its own forms in its forms.py."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, StringField

from shop.core.numbers import MAX_ID, parse_int


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class IdField(StringField):
    """An optional id in a GET filter: empty is no filter, anything but an id a field error."""

    @staticmethod
    def parse(text: str) -> int | None:
        return parse_int(text.strip(), minimum=1, maximum=MAX_ID)

    def process_formdata(self, valuelist: list[Any]) -> None:
        raw = str(valuelist[0]).strip() if valuelist and valuelist[0] is not None else ""
        if not raw:
            self.data = None
            return
        self.data = self.parse(raw)
        if self.data is None:
            raise ValueError(_l("Saringan tidak dikenal diabaikan."))

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)
