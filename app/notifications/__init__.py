"""Notification outbox, transports, templates; the in-app list and the failures page."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the API and the pages."""
    from app.extensions import api

    from .api import bp as api_bp
    from .views import bp as pages_bp

    api.register_blueprint(api_bp)
    app.register_blueprint(pages_bp)
