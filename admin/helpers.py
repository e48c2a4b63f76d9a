"""Small things every back-office view needs: the signed-in user, storage, the clock, paging."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, request
from flask_login import current_user

from shop.core import clock
from shop.core.numbers import parse_int
from shop.core.storage import Storage, storage_from_config
from shop.models import User

# Deeper than any list goes; beyond it a page number is someone's experiment.
MAX_PAGE = 100_000


def me() -> User:
    """The signed-in user (the guard has made sure there is one)."""
    return current_user._get_current_object()  # type: ignore[attr-defined,no-any-return]


def storage() -> Storage:
    return storage_from_config(current_app.config)


def now() -> datetime:
    return clock.now()


def page_number() -> int:
    return parse_int(request.args.get("page", "1"), minimum=1, maximum=MAX_PAGE) or 1
