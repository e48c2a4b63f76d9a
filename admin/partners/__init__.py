"""The back office: partners of the public API and their keys (the central office)."""
