"""Products and their variants, photos, stock, search, imports and the privacy review."""

# Registers the flush listener that keeps the public page cache's versions true.
from shop.catalogue import page_changes as page_changes
