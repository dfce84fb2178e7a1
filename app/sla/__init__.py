"""Working-day calendar, due dates and SLA rules."""


def init_app(app) -> None:
    """Nothing to register yet."""
