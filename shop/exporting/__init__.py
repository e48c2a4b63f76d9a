"""Report exports by name, and the large ones built by a job (the layer above finance, as the
PNBP position is exported too)."""
