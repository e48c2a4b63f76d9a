"""Migration 0010 stops, changing nothing, when existing ledger rows were posted twice."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from shop import payments
from shop.core import clock
from shop.extensions import db
from shop.health import migration_head
from shop.payments import events
from tests.checkout.helpers import place, two_facilities

COPY_OF_A_SALE = """
INSERT INTO ledger_entry (kind, occurred_at, local_date, facility_id, kanwil_id, order_id,
    facility_order_id, order_line_id, product_id, category_id, quantity, amount_idr, cost_idr,
    pnbp_idr, premi_idr, capital_idr, split_basis, pnbp_bp, premi_bp, capital_bp, gateway,
    payment_intent_id, charge_id, created_at)
SELECT kind, occurred_at, local_date, facility_id, kanwil_id, order_id, facility_order_id,
    order_line_id, product_id, category_id, quantity, amount_idr, cost_idr, pnbp_idr, premi_idr,
    capital_idr, split_basis, pnbp_bp, premi_bp, capital_bp, gateway, payment_intent_id,
    charge_id, created_at
FROM ledger_entry WHERE id = (SELECT min(id) FROM ledger_entry WHERE kind = 'sale')
"""


def _version() -> str:
    return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def test_a_sale_posted_twice_stops_the_upgrade_until_repaired(app, caplog) -> None:
    order = place(two_facilities())
    attempt = payments.start_payment(order=order, now=clock.now())
    events.simulate_demo_payment(attempt=attempt, outcome="pay", now=clock.now())
    db.session.remove()
    downgrade(revision="0009")  # the revision before 0010
    with db.engine.begin() as connection:
        connection.execute(text(COPY_OF_A_SALE))
    with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits
        upgrade()
    assert "order line posted as a sale more than once" in caplog.text
    db.session.remove()
    assert _version() == "0009"
    with db.engine.begin() as connection:
        connection.execute(
            text("DELETE FROM ledger_entry WHERE id = (SELECT max(id) FROM ledger_entry)")
        )
    upgrade()
    assert _version() == migration_head()
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text("DELETE FROM ledger_entry"))
    db.session.rollback()
