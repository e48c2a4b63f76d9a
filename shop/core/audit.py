"""Writing the audit trail. Every state change that matters calls `record`."""

from __future__ import annotations

import logging
from typing import Any

from shop.database import db
from shop.models import AuditEvent, User

log = logging.getLogger("etalase.audit")


def record(
    *,
    actor: User | None,
    action: str,
    obj: Any,
    changes: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Add an audit event for `obj` to the current transaction (the caller commits)."""
    label = actor_label or (actor.email if actor is not None else "system")
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        actor_label=label,
        action=action,
        object_type=type(obj).__tablename__,
        object_id=str(obj.id),
        changes=_jsonable(changes or {}),
    )
    db.session.add(event)
    log.info("%s %s %s:%s %s", label, action, event.object_type, event.object_id, event.changes)
    return event


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose value changed, as {field: [before, after]}."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "value"):
        return value.value
    return str(value)
