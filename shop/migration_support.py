"""What Alembic needs to know about our schema, shared by migrations/env.py and the tests."""

from __future__ import annotations

from typing import Any

from shop.models.base import UTCDateTime

# Tables made by raw SQL for full-text search (SQLite FTS5 and its shadow tables).
UNMODELLED_TABLE_PREFIXES = ("product_search",)


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave out of comparisons the tables the models do not describe."""
    return not (type_ == "table" and name and name.startswith(UNMODELLED_TABLE_PREFIXES))


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write our UTC timestamp type as the plain column type it stores."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def alembic_options() -> dict[str, Any]:
    return {
        "compare_type": True,
        "render_as_batch": True,
        "render_item": render_item,
        "include_object": include_object,
    }
