"""The public storefront blueprint."""

from flask import Blueprint

bp = Blueprint("shop", __name__)

from shop.storefront import (  # noqa: E402,F401
    cart,
    checkout,
    orders,
    payments,
    views,
    webhooks,
)
