"""Products and their variants, photos, stock, search, imports and the privacy review."""
