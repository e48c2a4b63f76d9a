"""The public storefront blueprint."""

from flask import Blueprint

bp = Blueprint("shop", __name__)

from shop.storefront import views  # noqa: E402,F401
