"""Two changes of one quote at the same moment: decided one after the other, under the lock.

On PostgreSQL each pair runs in real threads released together by a barrier; on SQLite the
same pair runs one after the other. Either way: one order, one answers mail, one transfer.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from shop import payments
from shop.core import clock
from shop.core.storage import storage_from_config
from shop.extensions import db as _db
from shop.models import (
    LedgerEntry,
    Order,
    OutboxMail,
    ProductVariant,
    QuoteStatus,
    QuoteTransfer,
    User,
)
from shop.quotes import acceptance, answers, transfers
from tests.admin.helpers import png_bytes
from tests.checkout.test_money_races import race
from tests.factories import UserFactory
from tests.quotes.helpers import answer, ask, part_of, staff_of, stocked_shop


def _accept(request_id: int, part_ids: list[int]) -> Callable[[], str]:
    def call() -> str:
        return acceptance.accept(
            request_id=request_id, part_ids=part_ids,
            payment=acceptance.PaymentChoice.ONLINE, gateway="demo",
            check_amount=payments.gateway_named("demo").check_amount, now=clock.now(),
        ).order.number  # fmt: skip

    return call


@pytest.mark.parametrize("reverse", [False, True])
def test_two_accepts_at_once_make_one_order(app, db, reverse) -> None:
    shop = stocked_shop(batik=300)
    request = ask(shop, batik=200, coffee=40)
    for part in request.parts:
        answer(part, price=100_000)
    ids = [p.id for p in request.parts]
    numbers = race(app, [_accept(request.id, ids), _accept(request.id, ids)], reverse=reverse)
    assert numbers[0] == numbers[1], numbers
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1
    assert db.session.get(ProductVariant, shop.batik.id).stock == 100
    assert {p.status for p in request.parts} == {QuoteStatus.ACCEPTED}


def test_the_last_of_two_answers_at_once_sends_the_one_mail(app, db) -> None:
    shop = stocked_shop()
    request = ask(shop)
    pairs = [(p.id, staff_of(p.facility_id).id) for p in request.parts]

    def answering(part_id: int, staff_id: int) -> Callable[[], str]:
        def call() -> str:
            part = answers.part_in_scope(_db.session.get(User, staff_id), part_id)
            answers.answer_part(
                part_id=part_id,
                answer=answers.Answer(
                    lead_time_days=5, delivery_idr=0,
                    valid_until=clock.today(part.facility.timezone),
                    unit_prices={line.id: 90_000 for line in part.lines},
                ),
                actor=_db.session.get(User, staff_id), now=clock.now(),
            )  # fmt: skip
            return "answered"

        return call

    outcomes = race(app, [answering(*pairs[0]), answering(*pairs[1])], reverse=False)
    assert outcomes == ["answered", "answered"]
    mails = db.session.scalar(
        select(func.count()).select_from(OutboxMail).where(OutboxMail.template == "quote_answers")
    )
    assert mails == 1


def test_two_transfers_recorded_at_once_pay_the_order_once(app, db) -> None:
    shop = stocked_shop()
    request = ask(shop)
    answer(part_of(request, shop.batik_lapas.id), price=100_000)
    order_number = _accept(request.id, [part_of(request, shop.batik_lapas.id).id])()
    from shop.core import unit_of_work

    unit_of_work.commit()
    order = db.session.scalars(select(Order).where(Order.number == order_number)).one()
    central_id = UserFactory().id
    storage = storage_from_config(app.config)

    def record() -> str:
        transfers.record_bank_transfer(
            order_id=order.id,
            details=transfers.TransferDetails(
                reference="MANDIRI-77", transferred_on=clock.today(), amount_idr=order.total_idr
            ),
            proof=transfers.Proof("bukti.png", png_bytes()),
            actor=_db.session.get(User, central_id), storage=storage, now=clock.now(),
        )  # fmt: skip
        return "recorded"

    outcomes = race(app, [record, record], reverse=False)
    assert sorted(o[:8] for o in outcomes) == ["recorded", "refused:"], outcomes
    assert "sudah dibayar" in next(o for o in outcomes if o.startswith("refused"))
    assert db.session.scalar(select(func.count()).select_from(QuoteTransfer)) == 1
    sale_lines = db.session.scalar(
        select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == "sale")
    )
    assert sale_lines == 1
