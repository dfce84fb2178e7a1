"""The service catalog: services and their process model versions."""


def init_app(app) -> None:
    """Register this domain's API blueprint."""
    from app.extensions import api

    from .api import bp

    api.register_blueprint(bp)
