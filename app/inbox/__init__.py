"""Human-task rows: inbox, claim, assign, complete."""


def init_app(app) -> None:
    """Register the API and the officer workspace pages; assign new tasks as their groups say."""
    from app.common import signals
    from app.extensions import api

    from . import intake_views, settings_views, task_views, views
    from .api import bp
    from .routing import on_task_opened

    api.register_blueprint(bp)
    for pages in (views.bp, task_views.bp, settings_views.bp, intake_views.bp):
        app.register_blueprint(pages)
    signals.task_opened.connect(on_task_opened, weak=False)
