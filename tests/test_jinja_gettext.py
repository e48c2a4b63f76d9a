"""Templates' texts follow the request's language, and a mail rendered in another language
inside the request (`force_locale`) is in that language, then the page is in its own again."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale, refresh

TEMPLATE = "{{ _('Keranjang') }} {{ ngettext('%(num)s hari', '%(num)s hari', 2) }}"


def test_texts_follow_a_language_forced_inside_the_request(app) -> None:
    template = TEMPLATE
    with app.test_request_context("/products"):
        assert render_template_string(template) == "Keranjang 2 hari"
        with force_locale("en"):
            assert render_template_string(template) == "Cart 2 days"
        assert render_template_string(template) == "Keranjang 2 hari"
        with force_locale("en"):
            assert render_template_string(template) == "Cart 2 days"
        refresh()
        assert render_template_string(template) == "Keranjang 2 hari"


def test_an_english_page_has_english_texts(app) -> None:
    with app.test_request_context("/en/products"):
        assert render_template_string(TEMPLATE) == "Cart 2 days"
