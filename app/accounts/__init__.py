"""Accounts: users, roles, groups (BPMN lanes), tokens."""


def init_app(app) -> None:
    """Register the accounts API and pages."""
    from app.extensions import api

    from .api import bp
    from .views import bp as pages

    api.register_blueprint(bp)
    app.register_blueprint(pages)
