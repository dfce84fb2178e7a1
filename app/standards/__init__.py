"""Service standards (standar pelayanan): what the catalog publishes about each service, SIPPN style."""


def init_app(app) -> None:
    """Register the API and the `service_standard(service)` helper the catalog pages use."""
    from app.extensions import api

    from . import service
    from .api import bp

    api.register_blueprint(bp)
    app.add_template_global(service.standard_of, "service_standard")
