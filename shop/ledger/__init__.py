"""Posting sales to each facility's ledger and the split rules (PNBP, premi, operations)."""
