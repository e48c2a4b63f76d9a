"""The public storefront blueprint: one module per area of the site, each registering its views.

Every storefront page has two addresses: Indonesian at the root (`/products/kursi-jati`) and
English under a prefix (`/en/products/kursi-jati`). The language comes from the address only, so
a page's address says all a shared cache needs to know (docs/performance.md). A rule declared
with `localised=False` (the sitemap, robots.txt, webhooks) has one address.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint

DEFAULT_LANGUAGE = "id"
# Languages served under a prefix of their own: `/en/...`.
PREFIXED_LANGUAGES = ("en",)


class StorefrontBlueprint(Blueprint):
    """A blueprint whose rules are added once per language (`lang_code` in their defaults)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.localised_endpoints: set[str] = set()

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: Callable[..., Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: Any,
    ) -> None:
        if not options.pop("localised", True):
            super().add_url_rule(rule, endpoint, view_func, provide_automatic_options, **options)
            return
        endpoint = endpoint or (view_func.__name__ if view_func else None)
        self.localised_endpoints.add(f"{self.name}.{endpoint}")
        defaults = options.pop("defaults", None) or {}
        for code in (DEFAULT_LANGUAGE, *PREFIXED_LANGUAGES):
            prefixed = rule if code == DEFAULT_LANGUAGE else f"/{code}{rule}"
            super().add_url_rule(
                prefixed,
                endpoint,
                view_func,
                provide_automatic_options,
                defaults={**defaults, "lang_code": code},
                **options,
            )


bp = StorefrontBlueprint("shop", __name__)

import shop.storefront.cards
import shop.storefront.cart
import shop.storefront.catalogue
import shop.storefront.checkout
import shop.storefront.display
import shop.storefront.facilities
import shop.storefront.feeds
import shop.storefront.fragments
import shop.storefront.impact
import shop.storefront.language
import shop.storefront.orders
import shop.storefront.payments
import shop.storefront.provenance
import shop.storefront.quotes
import shop.storefront.receipts
import shop.storefront.seo
import shop.storefront.webhooks
