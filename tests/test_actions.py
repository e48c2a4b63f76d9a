"""A view's change either commits (and its side effects run) or, refused, changes nothing."""

from __future__ import annotations

from flask import get_flashed_messages
from sqlalchemy import func, select
from wtforms import StringField

from shop.actions import attempt
from shop.core import unit_of_work
from shop.core.errors import DomainError
from shop.forms import SafeForm
from shop.models import Category


class _NameForm(SafeForm):
    name = StringField()


def _categories(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Category))


def test_a_change_that_succeeds_is_committed_then_its_actions_run(app, db) -> None:
    ran: list[str] = []
    with app.test_request_context():
        with attempt() as outcome:
            db.session.add(Category(name="Meja", name_en="Table", slug="meja"))
            unit_of_work.after_commit(lambda: ran.append("mail"))
        assert outcome.ok and outcome.message == ""
    db.session.remove()
    assert _categories(db) == 1
    assert ran == ["mail"]


def test_a_refused_change_leaves_nothing_and_says_why(app, db) -> None:
    ran: list[str] = []
    with app.test_request_context():
        with attempt() as outcome:
            db.session.add(Category(name="Kursi", name_en="Chair", slug="kursi"))
            db.session.flush()
            unit_of_work.after_commit(lambda: ran.append("mail"))
            raise DomainError("Stok tidak cukup.")
        assert not outcome.ok and outcome.message == "Stok tidak cukup."
        assert get_flashed_messages(with_categories=True) == [("error", "Stok tidak cukup.")]
    unit_of_work.commit()
    assert _categories(db) == 0
    assert ran == []


def test_the_message_can_go_to_a_form_field_instead(app, db) -> None:
    with app.test_request_context(method="POST", data={"name": "x"}):
        form = _NameForm()
        form.validate()
        with attempt(error_to=form.name):
            raise DomainError("Nama sudah dipakai.")
        assert form.name.errors == ["Nama sudah dipakai."]
        assert get_flashed_messages() == []
