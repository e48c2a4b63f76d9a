"""Versions of what the public pages show, so a page cache can tell a stored page is stale.

A page stored by the web layer records the versions it was rendered under: the catalogue's
(products, variants and their stock, photos, categories, facilities as the product pages show
them) and, for a facility's own page, that facility's. A product card kept as HTML records its
product's version and its facility's name version (`product_key`, `facility_name_key`), so a
change to one product renders that one card again, not every card. A change bumps the
versions it touches after its transaction commits (`changed`); a stored page whose versions no
longer match is rendered again. A version is a random token, not a counter, so a version lost
from the cache (evicted, Redis restarted) comes back as a new token and never matches a page
stored before.

The core knows nothing of Flask-Caching: the app installs a `VersionStore` (`install`).
Without one (a script, a core test), versions live in this process's memory.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session

from shop.core import unit_of_work
from shop.database import db

CATALOGUE = "catalogue"
# Every facility page at once (a category or a Kanwil renamed, shown on all of them).
FACILITIES = "facilities"

_WIDE = (CATALOGUE, FACILITIES)

_PENDING = "etalase_page_versions_pending"


class VersionStore(Protocol):
    """Where versions live: shared by every worker when the cache is shared (Redis)."""

    def get_many(self, *keys: str) -> list[str | None]: ...

    def set_many(self, mapping: dict[str, str]) -> None: ...


class MemoryStore:
    """One process's versions (the default until the app installs its cache)."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def get_many(self, *keys: str) -> list[str | None]:
        return [self.values.get(key) for key in keys]

    def set_many(self, mapping: dict[str, str]) -> None:
        self.values.update(mapping)


_store: VersionStore = MemoryStore()


def install(store: VersionStore) -> None:
    """Keep versions in `store` from now on (the app's cache)."""
    global _store
    _store = store


def facility_key(facility_id: int) -> str:
    return f"facility:{facility_id}"


def product_key(product_id: int) -> str:
    """What a product's card shows of it: name, price, stock, photos, flagship ribbon."""
    return f"product:{product_id}"


def facility_name_key(facility_id: int) -> str:
    """What a product's card shows of its facility (its name): bumped only when the facility's
    own row changes, not with each of its products."""
    return f"facility-name:{facility_id}"


def current(*keys: str) -> dict[str, str]:
    """The version of each key; a key never seen (or evicted) gets a new one."""
    return complete(dict(zip(keys, _store.get_many(*keys), strict=True)))


def complete(found: dict[str, str | None]) -> dict[str, str]:
    """`found` (versions read by the caller along with other values) with a new version for
    each key that had none, stored."""
    missing = {key: _token() for key, value in found.items() if value is None}
    if missing:
        _store.set_many(missing)
        found.update(missing)
    return found  # type: ignore[return-value]


def bump(*keys: str) -> None:
    """Make every page stored under these versions stale, now.

    The catalogue-wide versions are written last: whoever reads a new catalogue version then
    finds the new version of each product and facility changed with it (a card kept in a
    worker's memory is checked against its own versions only when the catalogue's changed).
    """
    ordered = sorted(keys, key=lambda key: key in _WIDE)
    if ordered:
        _store.set_many({key: _token() for key in ordered})


def changed(
    session: Session | None = None,
    *,
    catalogue: bool = False,
    facility_ids: Iterable[int | None] = (),
    every_facility: bool = False,
    product_ids: Iterable[int | None] = (),
    facility_names: Iterable[int | None] = (),
) -> None:
    """Bump these versions once the transaction of `session` (the app's by default) commits.

    However many changes a transaction makes, it bumps each version once; nothing is bumped
    if it rolls back (the pages stored still show what the database holds).
    """
    info = (session or db.session).info
    pending: set[str] | None = info.get(_PENDING)
    if pending is None:
        pending = info[_PENDING] = set()
        keys = pending
        unit_of_work.after_commit(lambda: bump(*sorted(keys)))
    if catalogue:
        pending.add(CATALOGUE)
    if every_facility:
        pending.add(FACILITIES)
    pending.update(facility_key(i) for i in facility_ids if i is not None)
    pending.update(product_key(i) for i in product_ids if i is not None)
    pending.update(facility_name_key(i) for i in facility_names if i is not None)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _transaction_ended(session: Session, *_args: object) -> None:
    """The next transaction collects its own changes."""
    session.info.pop(_PENDING, None)


def _token() -> str:
    return secrets.token_hex(8)
