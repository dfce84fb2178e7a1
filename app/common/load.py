"""Load shedding: bound the requests a web process works on at once, and refuse the rest quickly.

A WSGI middleware around the Flask app, one instance per process. At most `LOAD_MAX_IN_FLIGHT`
requests run the app at the same time; up to `LOAD_MAX_WAITING` more wait for a slot, each for at
most `LOAD_MAX_WAIT_MS`. A request that finds the waiting room full, or waits longer than that, is
answered at once with 503 and `Retry-After` (JSON for /api and JSON clients, a short page for
browsers), without touching the database. So an overloaded server answers "come back later" in
a millisecond instead of letting every client queue until it times out, and the database sees
no more connections than the in-flight bound.

Keep the gunicorn thread count above in-flight + waiting (deploy/gunicorn.conf.py does): the
threads left over are what answer the refusals while the others work. Behind nginx, a request
stamped `X-Request-Start: t=<epoch seconds>` that already waited longer than `LOAD_MAX_WAIT_MS`
in the proxy and the server's queue is refused before it waits again.
"""
from __future__ import annotations

import html
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable

from flask import Flask
from werkzeug.http import parse_cookie

from app.common.i18n import COOKIE, DEFAULT_LOCALE, LANGUAGES, N_

log = logging.getLogger(__name__)

# The refusal is written before the app runs (no request, no Babel context): its texts are translated once per
# language when the shedder is set up (`refusal_texts`), and picked by the request's language cookie.
OVERLOADED_MESSAGE = N_("Server sedang sibuk melayani banyak permintaan. Silakan coba lagi dalam %(seconds)s detik.")
PAGE_TITLE = N_("Server sedang sibuk")
PAGE_KEPT = N_("Data yang sudah Anda kirim sebelumnya tetap tersimpan. Muat ulang halaman ini sebentar lagi.")
PAGE_HOME = N_("Kembali ke beranda")
DATABASE_UNAVAILABLE_MESSAGE = N_("Layanan sedang tidak dapat mengakses basis data. Silakan coba lagi sebentar lagi.")

_PAGE = """<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - SatuPintu</title></head>
<body>
<main>
<h1>{title}</h1>
<p>{message}</p>
<p>{kept}</p>
<p><a href="/">{home}</a></p>
</main>
</body>
</html>
"""


def refusal_texts(retry_after: int, translate: Callable[[str, str], str] | None = None) -> dict[str, dict]:
    """Per language: the refusal's JSON message and its HTML page. `translate(locale, text)` gives a text in a
    language (default: the Indonesian source)."""
    translate = translate or (lambda _locale, text: text)
    texts = {}
    for code in LANGUAGES:
        message = translate(code, OVERLOADED_MESSAGE) % {"seconds": retry_after}
        page = _PAGE.format(lang=code, title=html.escape(translate(code, PAGE_TITLE)), message=html.escape(message),
                            kept=html.escape(translate(code, PAGE_KEPT)), home=html.escape(translate(code, PAGE_HOME)))
        texts[code] = {"message": message, "page": page.encode()}
    return texts


def _babel_translator(app: Flask) -> Callable[[str, str], str]:
    """`translate(locale, text)` through the app's catalog (flask-babel, in an app context of its own)."""

    def translate(locale: str, text: str) -> str:
        from flask_babel import force_locale, gettext

        with app.app_context(), force_locale(locale):
            return gettext(text)

    return translate


class LoadShedder:
    """WSGI middleware: a bounded number of requests in flight, a bounded wait, 503 beyond."""

    def __init__(self, app: Callable, *, max_in_flight: int, max_waiting: int, max_wait_ms: int,
                 retry_after: int, exempt: Iterable[str] = (), texts: dict[str, dict] | None = None):
        self.app = app
        self.max_in_flight = max_in_flight
        self.max_waiting = max_waiting
        self.max_wait = max_wait_ms / 1000.0
        self.retry_after = retry_after
        self.exempt = tuple(exempt)
        self.texts = texts or refusal_texts(retry_after)
        self._slots = threading.BoundedSemaphore(max_in_flight)
        self._lock = threading.Lock()
        self.in_flight = 0
        self.waiting = 0
        self.shed = 0  # refusals since the process started

    def __call__(self, environ: dict, start_response: Callable):
        path = environ.get("PATH_INFO", "")
        if self.exempt and path.startswith(self.exempt):
            return self.app(environ, start_response)
        if self._queued_too_long(environ) or not self._acquire():
            return self._refuse(environ, start_response)
        with self._lock:
            self.in_flight += 1
        try:
            # A Flask response body is built by the time the app returns; send_file streams
            # from an open file without more app work, so the slot is free for the next request.
            return self.app(environ, start_response)
        finally:
            with self._lock:
                self.in_flight -= 1
            self._slots.release()

    def _acquire(self) -> bool:
        if self._slots.acquire(blocking=False):
            return True
        with self._lock:
            if self.waiting >= self.max_waiting:
                return False
            self.waiting += 1
        try:
            return self._slots.acquire(timeout=self.max_wait)
        finally:
            with self._lock:
                self.waiting -= 1

    def _queued_too_long(self, environ: dict) -> bool:
        """True when the proxy's X-Request-Start says the request already waited past the bound."""
        raw = environ.get("HTTP_X_REQUEST_START", "")
        if not raw:
            return False
        try:
            started = float(raw.removeprefix("t="))
        except ValueError:
            return False
        if started > 1e11:  # some proxies send milliseconds or microseconds
            started /= 1000.0 if started < 1e14 else 1_000_000.0
        return time.time() - started > self.max_wait

    def _refuse(self, environ: dict, start_response: Callable) -> list[bytes]:
        with self._lock:
            self.shed += 1
        texts = self.texts.get(_language(environ)) or self.texts[DEFAULT_LOCALE]
        if _wants_json(environ):
            body = json.dumps({"error": {"code": "overloaded", "message": texts["message"],
                                         "retry_after": self.retry_after}}).encode()
            content_type = "application/json"
        else:
            body = texts["page"]
            content_type = "text/html; charset=utf-8"
        start_response("503 Service Unavailable", [
            ("Content-Type", content_type), ("Content-Length", str(len(body))),
            ("Retry-After", str(self.retry_after)), ("Cache-Control", "no-store"),
            ("Content-Security-Policy", "default-src 'self'; frame-ancestors 'self'"),
            ("X-Content-Type-Options", "nosniff")])
        return [body]


def _language(environ: dict) -> str:
    """The language chosen with the switch (its cookie), else Indonesian, as `app.common.i18n` reads it."""
    raw = environ.get("HTTP_COOKIE", "")
    if COOKIE not in raw:
        return DEFAULT_LOCALE
    chosen = parse_cookie(raw).get(COOKIE)
    return chosen if chosen in LANGUAGES else DEFAULT_LOCALE


def _wants_json(environ: dict) -> bool:
    path = environ.get("PATH_INFO", "")
    if path.startswith("/api/") or path == "/healthz":
        return True
    accept = environ.get("HTTP_ACCEPT", "")
    return "application/json" in accept and "text/html" not in accept


def _database_unavailable(exc: Exception):
    """503 + Retry-After while the database cannot be reached (a restart, a failover); never a 500."""
    from app.common.errors import _respond
    from app.extensions import db

    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone; the pool replaces it on next checkout
        pass
    log.warning("database unavailable: %s", str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__)
    return _respond(503, "database_unavailable", DATABASE_UNAVAILABLE_MESSAGE, headers={"Retry-After": "5"})


def init_app(app: Flask) -> None:
    """Answer database outages with 503; wrap the app in a LoadShedder when LOAD_MAX_IN_FLIGHT is set."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(InterfaceError, _database_unavailable)
    limit = int(app.config.get("LOAD_MAX_IN_FLIGHT") or 0)
    if limit <= 0:
        return
    exempt = [p.strip() for p in str(app.config.get("LOAD_SHED_EXEMPT", "")).split(",") if p.strip()]
    retry_after = int(app.config.get("LOAD_RETRY_AFTER_SECONDS", 5))
    shedder = LoadShedder(app.wsgi_app, max_in_flight=limit,
                          max_waiting=int(app.config.get("LOAD_MAX_WAITING", 0)),
                          max_wait_ms=int(app.config.get("LOAD_MAX_WAIT_MS", 0)),
                          retry_after=retry_after, exempt=exempt,
                          texts=refusal_texts(retry_after, _babel_translator(app)))
    app.wsgi_app = shedder
    app.extensions["satupintu.load_shedder"] = shedder
