"""Small things every back-office view needs: the signed-in user, storage, the clock, paging."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, request, url_for
from flask_login import current_user

from shop.core import clock, pagination
from shop.core.storage import Storage, storage_from_config
from shop.models import User


def me() -> User:
    """The signed-in user (the guard has made sure there is one)."""
    return current_user._get_current_object()  # type: ignore[attr-defined,no-any-return]


def storage() -> Storage:
    return storage_from_config(current_app.config)


def now() -> datetime:
    return clock.now()


def page_number() -> int:
    """The page asked for (`?page=`); the first when it is missing or unreadable."""
    return pagination.page_number(request.args.get("page"))


def page_url(page_args: dict[str, str]) -> str:
    """This page's URL with its filters kept and the paging parameters replaced by `page_args`
    (a paginator's `next_args()` or `previous_args()`)."""
    args = {
        key: value for key, value in request.args.items() if key not in pagination.PAGE_PARAMETERS
    }
    return url_for(request.endpoint or "", **(request.view_args or {}), **args, **page_args)
