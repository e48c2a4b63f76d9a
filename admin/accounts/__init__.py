"""The back office: sign-in and staff accounts."""
