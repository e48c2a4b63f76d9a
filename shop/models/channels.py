"""Where a sale was made: the dimension that reports, exports and /impact split money by."""

from __future__ import annotations

import enum

from shop.core.i18n import lazy_gettext as _l

_LABELS = {
    "online": _l("Toko daring"),
    "showroom": _l("Ruang pamer UPT"),
    "event": _l("Pameran"),
    "b2b": _l("Penawaran instansi"),
}


class SalesChannel(enum.StrEnum):
    ONLINE = "online"  # the storefront's checkout
    SHOWROOM = "showroom"  # the facility's own showroom, through the till
    EVENT = "event"  # a fair or exhibition stand, through the till
    B2B = "b2b"  # an institution's accepted quote

    @property
    def label(self) -> str:
        return str(_LABELS[self.value])
