"""Process analysts' workspace: edit models in the browser, validate, version, diff, deploy, test runs, incidents."""


def init_app(app) -> None:
    """Register the workspace pages, the process models API and the CLI command."""
    from app.extensions import api

    from .api import bp as api_bp
    from .cli import model_tests
    from .views import bp

    api.register_blueprint(api_bp)
    app.register_blueprint(bp)
    app.cli.add_command(model_tests)
