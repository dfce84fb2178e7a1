"""Complaints (pengaduan): filed without an account, handled as `pengaduan` cases, answered in public."""


def init_app(app) -> None:
    """Register the API and pages, and follow the pengaduan model's reports."""
    from app.common import signals
    from app.extensions import api

    from . import service
    from .api import bp
    from .views import bp as pages

    api.register_blueprint(bp)
    app.register_blueprint(pages)
    signals.host_action.connect(service.on_host_action, weak=False)
    signals.handles_host_actions(*service.ACTIONS)
