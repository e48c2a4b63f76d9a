"""Where a sale was made: the dimension that reports, exports and /impact split money by."""

from __future__ import annotations

import enum


class SalesChannel(enum.StrEnum):
    ONLINE = "online"  # the storefront's checkout
    SHOWROOM = "showroom"  # the facility's own showroom, through the till
    EVENT = "event"  # a fair or exhibition stand, through the till
    B2B = "b2b"  # an institution's accepted quote
