"""The service catalog: services and their process model versions."""


def init_app(app) -> None:
    """Register this domain's API blueprint and the `model_text` filter (a model's texts in the page's language)."""
    from app.extensions import api

    from . import texts
    from .api import bp

    api.register_blueprint(bp)
    app.add_template_filter(texts.model_text_filter, "model_text")
