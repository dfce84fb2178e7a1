"""Cases (permohonan): drafts, documents, submission, audit trail."""


def init_app(app) -> None:
    """Register this domain's API blueprint."""
    from app.extensions import api

    from .api import bp

    api.register_blueprint(bp)

    from .views import bp as officer_pages

    app.register_blueprint(officer_pages)
