"""Notification outbox, transports and templates."""


def init_app(app) -> None:
    """Nothing to register yet."""
