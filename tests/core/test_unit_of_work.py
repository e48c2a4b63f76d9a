"""Side effects registered on the unit of work run after its commit, never after a rollback."""

from __future__ import annotations

import pytest

from shop.core import unit_of_work
from shop.models import Category


def test_actions_run_after_the_commit_in_order(app, db) -> None:
    ran: list[str] = []
    db.session.add(Category(name="Meja", name_en="Table", slug="meja"))
    unit_of_work.after_commit(lambda: ran.append("first"))
    unit_of_work.after_commit(lambda: ran.append("second"))
    assert ran == []
    unit_of_work.commit()
    assert ran == ["first", "second"]
    assert db.session.query(Category).filter_by(slug="meja").count() == 1


def test_a_rollback_drops_the_actions_and_the_changes(app, db) -> None:
    ran: list[str] = []
    db.session.add(Category(name="Kursi", name_en="Chair", slug="kursi"))
    unit_of_work.after_commit(lambda: ran.append("mail"))
    unit_of_work.rollback()
    unit_of_work.commit()
    assert ran == []
    assert db.session.query(Category).filter_by(slug="kursi").count() == 0


def test_a_failing_action_does_not_stop_the_others(
    app, db, caplog: pytest.LogCaptureFixture
) -> None:
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("SMTP down")

    unit_of_work.after_commit(broken)
    unit_of_work.after_commit(lambda: ran.append("job"))
    unit_of_work.commit()
    assert ran == ["job"]
    assert "An action after commit failed" in caplog.text


def test_an_own_unit_commits_when_its_block_ends(app, db) -> None:
    ran: list[str] = []
    with unit_of_work.own_unit():
        db.session.add(Category(name="Lemari", name_en="Cupboard", slug="lemari"))
        unit_of_work.after_commit(lambda: ran.append("mail"))
    unit_of_work.rollback()  # nothing left to undo: the block committed
    assert ran == ["mail"]
    assert db.session.query(Category).filter_by(slug="lemari").count() == 1


def test_an_own_unit_that_raises_leaves_nothing(app, db) -> None:
    ran: list[str] = []
    with pytest.raises(RuntimeError), unit_of_work.own_unit():
        db.session.add(Category(name="Rak", name_en="Shelf", slug="rak"))
        unit_of_work.after_commit(lambda: ran.append("mail"))
        raise RuntimeError("gateway down")
    unit_of_work.commit()
    assert ran == []
    assert db.session.query(Category).filter_by(slug="rak").count() == 0
