"""The back office: products, photos, stock, imports and the privacy review."""
