"""The core's user-facing texts, translated without Flask: the app installs the translator.

The core writes its texts in Bahasa Indonesia through `_l` (lazy, for messages made before the
reader's language is known), `_` and `pgettext`, the names `make messages` extracts (babel.cfg
and the Makefile's `-k _l`). `create_app` installs Flask-Babel's functions with `install`, so a
text is translated into the language of the request (or of the mail being sent) when it is
shown. Without an installed translator (a script that uses the core alone) texts stay in
Indonesian.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from babel import dates
from babel.support import LazyProxy

DEFAULT_LOCALE = "id"


@dataclass(frozen=True)
class Translator:
    """Looks up a text in the current language (Flask-Babel's functions, in the app)."""

    gettext: Callable[[str], str]
    pgettext: Callable[[str, str], str]
    locale: Callable[[], str]


UNTRANSLATED = Translator(
    gettext=lambda string: string,
    pgettext=lambda _context, string: string,
    locale=lambda: DEFAULT_LOCALE,
)
_installed: list[Translator] = [UNTRANSLATED]


def install(translator: Translator) -> Translator:
    """Make the core translate through `translator` (the app does this in create_app);
    returns the one it replaces."""
    previous, _installed[0] = _installed[0], translator
    return previous


def _format(text: str, variables: dict[str, object]) -> str:
    return text % variables if variables else text


def gettext(string: str, **variables: object) -> str:
    """`string` in the current language, with `%(name)s` placeholders filled from `variables`."""
    return _format(_installed[0].gettext(string), variables)


_ = gettext


def pgettext(context: str, string: str, **variables: object) -> str:
    """Like `gettext`, for a text whose translation depends on where it is used."""
    return _format(_installed[0].pgettext(context, string), variables)


def lazy_gettext(string: str, **variables: object) -> LazyProxy:
    """`gettext` at the moment the text is shown, not when it is made."""
    return LazyProxy(gettext, string, enable_cache=False, **variables)


_l = lazy_gettext


def current_locale() -> str:
    return _installed[0].locale()


def format_date(value: date, format: str = "medium") -> str:
    """A date written the way the current language writes it (`format`: short ... full)."""
    return dates.format_date(value, format=format, locale=current_locale())
