"""What the site stops keeping: carts nobody came back to, and old webhook payloads.

A cart is abandoned when neither it nor any of its lines changed for the retention period; an
order placed from it keeps its figures (its `cart_id` becomes empty). A webhook event keeps its
row (the unique event id still turns a late repeat into a no-op, and the outcome stays readable);
only the payload, Stripe's whole event with the buyer's details, is emptied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import delete, exists, select, update

from shop.database import db
from shop.models import Cart, CartItem, WebhookEvent

# Ids per DELETE statement (the database's limit on bound parameters is far above it).
DELETE_BATCH = 1000


@dataclass(frozen=True)
class Pruned:
    carts: int
    webhook_payloads: int


def prune(*, now: datetime, cart_days: int, webhook_payload_days: int) -> Pruned:
    """Delete abandoned carts and empty old webhook payloads; the caller commits."""
    return Pruned(
        carts=prune_carts(before=now - timedelta(days=cart_days)),
        webhook_payloads=prune_webhook_payloads(before=now - timedelta(days=webhook_payload_days)),
    )


def prune_carts(*, before: datetime) -> int:
    recent_line = exists().where(CartItem.cart_id == Cart.id, CartItem.updated_at >= before)
    ids = list(db.session.scalars(select(Cart.id).where(Cart.updated_at < before, ~recent_line)))
    # Lines go with their cart (ON DELETE CASCADE), orders keep theirs (ON DELETE SET NULL).
    for start in range(0, len(ids), DELETE_BATCH):
        db.session.execute(
            delete(Cart)
            .where(Cart.id.in_(ids[start : start + DELETE_BATCH]))
            .execution_options(synchronize_session=False)
        )
    return len(ids)


def prune_webhook_payloads(*, before: datetime) -> int:
    result = db.session.execute(
        update(WebhookEvent)
        .where(
            WebhookEvent.received_at < before,
            sa.cast(WebhookEvent.payload, sa.Text) != "{}",
        )
        .values(payload={})
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
