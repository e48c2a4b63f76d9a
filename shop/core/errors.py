"""The root of the domain errors that views and commands turn into messages."""


class DomainError(Exception):
    """A rule of the domain refused the request; `str(error)` is a message for the user."""
