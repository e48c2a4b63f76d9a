"""The till's domain errors: refused input, nothing written."""

from __future__ import annotations

from shop.core.errors import DomainError


class TillError(DomainError):
    """A till action cannot be done (bad input, a closed stand, someone else's stand)."""
