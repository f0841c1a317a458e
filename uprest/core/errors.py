"""The error a service raises when a rule refuses an action; its message is already translated."""


class ServiceError(Exception):
    """A rule said no. ``message`` is a (lazy) translated string fit to show the user."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
