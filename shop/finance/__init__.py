"""PNBP deposits to the treasury and reconciliation with the payment provider."""
