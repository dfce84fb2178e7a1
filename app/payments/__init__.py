"""Retribusi: bills and their SKRD, the payment gateway's callback, counter confirmations, revenue figures."""


def init_app(app) -> None:
    """Register the blueprints, the template helpers and the receivers of the models' requests and finished cases."""
    from app.common import signals
    from app.extensions import api

    from . import confirmation, service
    from .api import bp, skrd_url
    from .billing import LocalBillingCodes
    from .views import bp as web_bp

    if (app.config.get("BILLING_CODE_ADAPTER") or "local") == "local":
        LocalBillingCodes(app.config)  # a bad BILLING_CODE_FORMAT fails at start, not at the first bill
    service.check_skrd_number_format(app.config.get("SKRD_NUMBER_FORMAT") or service.SKRD_NUMBER_FORMAT)
    api.register_blueprint(bp)
    app.register_blueprint(web_bp)
    # Case pages list a case's bills with their SKRD link, and offer officers the counter confirmation.
    app.add_template_global(service.bills_of, "bills_of")
    app.add_template_global(skrd_url, "skrd_url")
    app.add_template_global(service.skrd_number_of, "skrd_number_of")
    app.add_template_global(confirmation.can_confirm, "can_confirm_payments")
    signals.host_action.connect(service.on_host_action, weak=False)
    signals.handles_host_actions(*service.HOST_ACTIONS)
    signals.case_finished.connect(service.on_case_finished, weak=False)
