"""The applicant portal: my applications, a case's page, revisions, survey."""


def init_app(app) -> None:
    """Register the portal pages."""
    from .apply import bp as apply_pages
    from .views import bp

    app.register_blueprint(bp)
    app.register_blueprint(apply_pages)
