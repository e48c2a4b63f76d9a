"""The few settings the core reads, as one typed object, from a source the app installs.

The core does not read Flask's `current_app`: `create_app` installs a source of `CoreSettings`
(the running app's configuration, read when asked, so each app and every change to its config
is seen), as it installs the translator (`shop.core.i18n`). Services read `current()`: the
site's address for links, the key that signs buyers' order links, and how to reach the payment
gateways. A script that uses the core without the app installs its own source.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CoreSettings:
    site_url: str = "http://127.0.0.1:8000"
    secret_key: str = ""
    production: bool = False
    payment_gateway: str = "demo"
    stripe_secret_key: str = ""
    stripe_webhook_secret: str = ""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> CoreSettings:
        """The settings of an app's configuration (`shop.config.Config` keys)."""
        return cls(
            site_url=str(config["SITE_URL"]),
            secret_key=str(config["SECRET_KEY"]),
            production=config["ETALASE_ENV"] == "production",
            payment_gateway=str(config["PAYMENT_GATEWAY"]),
            stripe_secret_key=str(config.get("STRIPE_SECRET_KEY") or ""),
            stripe_webhook_secret=str(config.get("STRIPE_WEBHOOK_SECRET") or ""),
        )


Source = Callable[[], CoreSettings]
_installed: list[Source] = [CoreSettings]


def install(source: Source) -> None:
    """Read the settings from `source` from now on (create_app: the current app's config)."""
    _installed[0] = source


def current() -> CoreSettings:
    return _installed[0]()
