"""The public storefront blueprint: one module per area of the site, each registering its views."""

from flask import Blueprint

bp = Blueprint("shop", __name__)

import shop.storefront.cart
import shop.storefront.catalogue
import shop.storefront.checkout
import shop.storefront.display
import shop.storefront.facilities
import shop.storefront.feeds
import shop.storefront.impact
import shop.storefront.language
import shop.storefront.orders
import shop.storefront.payments
import shop.storefront.provenance
import shop.storefront.seo
import shop.storefront.webhooks
