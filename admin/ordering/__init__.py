"""The back office: fulfilling orders and refunds."""
