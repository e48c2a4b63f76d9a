"""One way to cut a list into pages: by number (offset) for ordinary lists, by key for long ones.

`paginate` counts the selection and reads one numbered page: right for lists a person pages
through a few times (products, orders, deposits, the audit trail). `paginate_by_key` reads the
rows after (or before) a cursor in the order of a stable, unique key, such as
`(occurred_at, id)`: the database walks its index from the cursor instead of sorting and
skipping everything before the page, and a page never repeats or skips a row when rows share a
timestamp. Both give `next_args()` / `previous_args()`, the query parameters of the
neighbouring pages, so one template macro renders either kind.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm.interfaces import ORMOption

from shop.core.numbers import parse_int
from shop.database import db

T = TypeVar("T")

# Deeper than any list goes; beyond it a page number is someone's experiment.
MAX_PAGE = 100_000
# The query parameters the paginators own; links to other pages replace them.
PAGE_PARAMETERS = ("page", "after", "before")


def page_number(raw: str | None) -> int:
    """The page asked for in a query string; the first page when it is missing or unreadable."""
    return parse_int(raw or "1", minimum=1, maximum=MAX_PAGE) or 1


@dataclass(frozen=True)
class Page(Generic[T]):
    """One numbered page of a counted selection."""

    items: list[T]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    def previous_args(self) -> dict[str, str]:
        return {"page": str(self.number - 1)}

    def next_args(self) -> dict[str, str]:
        return {"page": str(self.number + 1)}


def paginate(
    query: sa.Select[Any],
    *,
    page: int,
    per_page: int,
    load: Sequence[ORMOption] = (),
) -> Page[Any]:
    """Page `page` of an ordered selection and the size of the whole selection.

    `load` holds loader options (eager loading) for the page's rows only: the count does not
    need them.
    """
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    window = query.options(*load).limit(per_page).offset((max(page, 1) - 1) * per_page)
    result = db.session.scalars(window)
    return Page(
        items=list(result.all()), number=max(page, 1), per_page=per_page, total=int(total or 0)
    )


class InvalidCursor(ValueError):
    """A cursor that this list did not make (edited by hand, or from another list)."""


@dataclass(frozen=True)
class Key:
    """One column of a keyset and how its value is read back from a cursor."""

    column: sa.ColumnElement[Any]
    parse: Callable[[str], Any]


def timestamp_key(column: sa.ColumnElement[Any]) -> Key:
    return Key(column, datetime.fromisoformat)


def id_key(column: sa.ColumnElement[Any]) -> Key:
    return Key(column, int)


def encode_cursor(values: Sequence[Any]) -> str:
    text = "|".join(
        value.isoformat() if isinstance(value, datetime) else str(value) for value in values
    )
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, keys: Sequence[Key]) -> tuple[Any, ...]:
    """The key values a cursor carries; `InvalidCursor` when it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        parts = text.split("|")
        if len(parts) != len(keys):
            raise InvalidCursor(cursor)
        return tuple(key.parse(part) for key, part in zip(keys, parts, strict=True))
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise InvalidCursor(cursor) from error


@dataclass(frozen=True)
class KeysetPage(Generic[T]):
    """The rows after or before a cursor; the cursors of the neighbouring pages, if any."""

    items: list[T]
    per_page: int
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    def previous_args(self) -> dict[str, str]:
        return {"before": self.previous_cursor or ""}

    def next_args(self) -> dict[str, str]:
        return {"after": self.next_cursor or ""}


def _beyond(keys: Sequence[Key], values: Sequence[Any], *, smaller: bool) -> sa.ColumnElement[bool]:
    """Rows strictly beyond `values` in key order: (a, b) < (x, y) as a < x or (a = x and b < y),
    which every database plans with the index on the key."""
    column, value = keys[0].column, values[0]
    strictly = column < value if smaller else column > value
    if len(keys) == 1:
        return strictly
    return sa.or_(
        strictly, sa.and_(column == value, _beyond(keys[1:], values[1:], smaller=smaller))
    )


def paginate_by_key(
    query: sa.Select[Any],
    *,
    keys: Sequence[Key],
    per_page: int,
    after: str | None = None,
    before: str | None = None,
    descending: bool = True,
) -> KeysetPage[Any]:
    """A page of `query` (without its own order) in the order of `keys`, which must be unique
    together, after or before a cursor. The rows carry the key columns by name
    (`row.occurred_at`, `row.id`) so the page can make its neighbours' cursors.
    Raises `InvalidCursor` for a cursor it cannot read.
    """
    names = [key.column.key for key in keys]
    backwards = before is not None and after is None
    cursor = before if backwards else after
    if cursor:
        values = decode_cursor(cursor, keys)
        query = query.where(_beyond(keys, values, smaller=descending != backwards))
    ascending = backwards if descending else not backwards
    order = [key.column.asc() if ascending else key.column.desc() for key in keys]
    rows = list(db.session.execute(query.order_by(*order).limit(per_page + 1)).all())
    more = len(rows) > per_page
    rows = rows[:per_page]
    if backwards:
        rows.reverse()

    def cursor_of(row: Any) -> str:
        return encode_cursor([getattr(row, name) for name in names])

    has_next = (more and not backwards) or (backwards and bool(cursor))
    has_previous = (more and backwards) or (not backwards and bool(cursor))
    return KeysetPage(
        items=rows,
        per_page=per_page,
        next_cursor=cursor_of(rows[-1]) if has_next and rows else None,
        previous_cursor=cursor_of(rows[0]) if has_previous and rows else None,
    )
