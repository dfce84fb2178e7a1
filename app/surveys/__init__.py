"""Satisfaction surveys (IKM, PermenPAN-RB 14/2017): responses and the index."""


def init_app(app) -> None:
    """Register the survey API."""
    from app.extensions import api

    from .api import bp

    api.register_blueprint(bp)
