"""Jinja's gettext and ngettext, finding the request's catalogue once instead of per text.

Flask-Babel's own callables look up the locale and its catalogue again for every text (its
identifier rebuilt, the context found through two proxies): a storefront page shows some fifty
texts, and that lookup cost more than rendering them. Here the catalogue is remembered beside
the locale Flask-Babel settled for the request, and found again when that locale changes
(`force_locale` for a mail in the recipient's language, `refresh`).
"""

from __future__ import annotations

from babel.support import NullTranslations
from flask import Flask, g
from flask_babel import get_translations


def _translations() -> NullTranslations:
    context = g.get("_flask_babel")
    locale = getattr(context, "babel_locale", None)
    if locale is None:
        return get_translations()
    remembered = getattr(context, "etalase_translations", None)
    if remembered is not None and remembered[0] is locale:
        return remembered[1]
    translations = get_translations()
    context.etalase_translations = (locale, translations)
    return translations


def gettext(text: str) -> str:
    return _translations().ugettext(text)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _translations().ungettext(singular, plural, count)


def pgettext(context: str, text: str) -> str:
    return _translations().upgettext(context, text)


def npgettext(context: str, singular: str, plural: str, count: int) -> str:
    return _translations().unpgettext(context, singular, plural, count)


def install(app: Flask) -> None:
    """Replace the callables Flask-Babel installed in the app's Jinja environment."""
    app.jinja_env.install_gettext_callables(
        gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext, newstyle=True
    )
