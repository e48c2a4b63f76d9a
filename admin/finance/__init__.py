"""The back office: pNBP deposits and reconciliation."""
