"""Supervisors' dashboards and reports, the process heatmap, and the public transparency page (docs/DASHBOARD.md)."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the dashboard API and pages."""
    from app.extensions import api

    from .api import bp as api_bp
    from .views import bp as pages_bp

    api.register_blueprint(api_bp)
    app.register_blueprint(pages_bp)
