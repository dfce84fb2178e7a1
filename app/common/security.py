"""Web hardening: security headers on every response and rate limits."""
from __future__ import annotations

from flask import Flask, request

from app.extensions import limiter

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "font-src 'self' data:; connect-src 'self'; object-src 'self'; frame-src 'self'; frame-ancestors 'self'; "
       "base-uri 'self'; form-action 'self'")


def init_app(app: Flask) -> None:
    """Bind the rate limiter and add the headers."""
    from app.common import ratelimit_store  # registers the database:// storage scheme with limits

    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    # Counted in the application's database unless a store is named (redis://...): shared by all processes.
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = f"{ratelimit_store.SCHEME}://"
    limiter.init_app(app)
    hops = int(app.config.get("TRUSTED_PROXY_HOPS") or 0)
    if hops:  # the client's address, not the proxy's, for rate limits and the security log
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE") or request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if "Cache-Control" not in headers and _may_hold_personal_data(response):
            headers["Cache-Control"] = "no-store"  # no copy in shared caches or the browser's history
        return response


def _may_hold_personal_data(response) -> bool:
    """API answers, every HTML page (pages carry names, case data, CSRF tokens, flash messages), and
    anything sent to a signed-in user; static assets stay cacheable."""
    if request.path.startswith("/static/"):
        return False
    if request.path.startswith("/api/") or response.mimetype == "text/html":
        return True
    from flask_login import current_user

    return bool(current_user and current_user.is_authenticated)
