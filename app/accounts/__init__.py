"""Accounts: users, roles, groups (BPMN lanes), tokens."""


def init_app(app) -> None:
    """Register the accounts API and pages, and log every logout."""
    from flask_login import user_logged_out

    from app.extensions import api

    from .admin_views import bp as admin_pages
    from .api import bp
    from .views import bp as pages

    api.register_blueprint(bp)
    app.register_blueprint(pages)
    app.register_blueprint(admin_pages)
    user_logged_out.connect(_on_logged_out, weak=False)
    from app.common.signals import language_chosen

    language_chosen.connect(_on_language_chosen, weak=False)


def _on_language_chosen(sender, user=None, locale=None, **kwargs) -> None:
    """The language switch, signed in: mails and messages follow the user's choice from now on."""
    from .service import set_locale

    if user is not None and locale:
        set_locale(user, locale)


def _on_logged_out(sender, user=None, **kwargs) -> None:
    """Flask-Login's logout signal, passed on as a security event."""
    from app.common.signals import security_event

    if user is not None and getattr(user, "id", None) is not None:
        security_event.send(None, kind="logout", actor_id=user.id, subject=f"user:{user.id}", ok=True, detail={})
