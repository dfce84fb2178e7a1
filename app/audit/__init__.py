"""Security audit log: stores every `security_event` and shows it to administrators."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Subscribe to security events and register the page and the API."""
    from app.common.signals import security_event
    from app.extensions import api

    from .api import bp as api_bp
    from .service import on_security_event
    from .views import bp as pages_bp

    # weak=False: the receiver is a module function, kept alive by the module anyway.
    security_event.connect(on_security_event, weak=False)
    api.register_blueprint(api_bp)
    app.register_blueprint(pages_bp)
