"""Carts, checkout, orders split per facility, and their fulfilment."""
