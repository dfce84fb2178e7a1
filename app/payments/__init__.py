"""Retribusi: bills with billing codes issued from the models, and the payment gateway's callback."""


def init_app(app) -> None:
    """Register the API blueprint and the receivers of the models' requests and of finished cases."""
    from app.common import signals
    from app.extensions import api

    from . import service
    from .api import bp
    from .billing import LocalBillingCodes

    if (app.config.get("BILLING_CODE_ADAPTER") or "local") == "local":
        LocalBillingCodes(app.config)  # a bad BILLING_CODE_FORMAT fails at start, not at the first bill
    api.register_blueprint(bp)
    signals.host_action.connect(service.on_host_action, weak=False)
    signals.case_finished.connect(service.on_case_finished, weak=False)
