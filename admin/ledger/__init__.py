"""The back office: split rules."""
