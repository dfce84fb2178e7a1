"""Who is calling: session login for pages, bearer tokens for the API, and role checks."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Flask, g, request
from flask_babel import gettext
from flask_login import current_user

from app.common.errors import Forbidden, Unauthorized
from app.common.i18n import N_
from app.extensions import csrf, login_manager


def init_app(app: Flask) -> None:
    """Wire Flask-Login loaders and the CSRF rule."""
    login_manager.init_app(app)
    login_manager.login_view = "web.login"
    login_manager.login_message = N_("Silakan masuk untuk melanjutkan.")
    login_manager.localize_callback = gettext  # translated when flashed, in the reader's language
    csrf.init_app(app)

    from app.accounts import service as accounts

    accounts.prepare_dummy_hash(app)  # once per process, not per unknown login (no timing oracle)

    @login_manager.user_loader
    def load_user(session_id: str):
        if bearer_token():  # a request presenting a bearer token is authenticated by that token alone
            return None
        try:
            user = accounts.get(int(session_id.split(":", 1)[0]))
        except (ValueError, TypeError):
            return None
        if user is None or user.get_id() != session_id:  # password changed, logged out or deactivated since
            return None
        if not user.is_active:  # deactivated by an administrator since login
            return None
        if not _case_scope_allows():  # a magic-link session is signed in on its one case's pages only
            return None
        return user

    @login_manager.request_loader
    def load_user_from_request(req):
        token = bearer_token()
        if not token:
            return None
        from app.accounts import service as accounts

        user = accounts.user_for_token(token)
        if user is not None:
            g.auth_via_token = True
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api/"):
            raise Unauthorized()
        from flask import redirect, url_for

        return redirect(url_for("web.login", next=request.full_path))

    @app.before_request
    def protect_forms():
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return None
        if not app.config.get("WTF_CSRF_ENABLED", True):
            return None
        if request.path.startswith("/api/"):
            # Token clients are not exposed to CSRF; cookie sessions calling the API are. Exempt only a
            # call the token really authenticated, never one that merely carries an Authorization header.
            if bearer_token() and current_user.is_authenticated and g.get("auth_via_token"):
                return None
            if "_user_id" not in _session_keys():
                return None
        csrf.protect()
        return None

    @app.before_request
    def login_before_input():
        # An anonymous call to an API operation that needs a login is 401 before its input is
        # validated (API.md): an invalid body must not turn "who are you?" into a 422.
        if not request.path.startswith("/api/") or request.endpoint is None:
            return None
        documented = getattr(app.view_functions.get(request.endpoint), "_apidoc", None)
        if documented is None or "security" in documented.get("manual_doc", {}):
            return None  # not an operation of the spec, or public / open to anonymous callers
        if not current_user.is_authenticated:
            raise Unauthorized()
        return None


def _case_scope_allows() -> bool:
    from app.accounts.tokens import session_scope_allows

    return session_scope_allows()


def _session_keys():
    from flask import session

    return set(session.keys())


def bearer_token() -> str | None:
    """The bearer token of the request, if any."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


def require_user():
    """The authenticated user, or 401."""
    if not current_user.is_authenticated:
        raise Unauthorized()
    return current_user._get_current_object()


def roles_required(*roles: str) -> Callable:
    """Allow a view only to users holding one of the roles (401 when anonymous)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = require_user()
            if roles and not user.has_role(*roles):
                raise Forbidden()
            return view(*args, **kwargs)

        return wrapper

    return decorator


login_required = roles_required()
