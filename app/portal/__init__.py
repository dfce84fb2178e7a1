"""The applicant portal: my applications, a case's page, revisions, survey."""


def init_app(app) -> None:
    """Register the portal pages."""
    from .apply import bp as apply_pages
    from .service import pause_label
    from .views import bp

    app.register_blueprint(bp)
    app.register_blueprint(apply_pages)
    app.add_template_global(pause_label)
