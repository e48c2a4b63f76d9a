"""The back office: what the site does on its own (the mail outbox)."""
