"""Reading the audit trail with filters, for central and admin."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from shop.core import pagination
from shop.models import AuditEvent


def search(
    *,
    action: str = "",
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    since: datetime | None = None,
    page: int = 1,
    per_page: int = 50,
) -> pagination.Page[AuditEvent]:
    """A page of the events matching every filter given, newest first."""
    query = select(AuditEvent)
    if action.strip():
        query = query.where(AuditEvent.action.like(f"{action.strip()}%"))
    if actor.strip():
        query = query.where(func.lower(AuditEvent.actor_label).like(f"%{actor.strip().lower()}%"))
    if object_type.strip():
        query = query.where(AuditEvent.object_type == object_type.strip())
    if object_id.strip():
        query = query.where(AuditEvent.object_id == object_id.strip())
    if since is not None:
        query = query.where(AuditEvent.created_at >= since)
    return pagination.paginate(
        query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()),
        page=page,
        per_page=per_page,
    )
