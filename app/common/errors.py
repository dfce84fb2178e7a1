"""Application errors and the handlers that turn them into API.md's error shape or a readable page."""
from __future__ import annotations

import json
import logging
import re
from typing import Any

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from app.common.i18n import N_, translate
from app.common.schemas import SURROGATE_MESSAGE, bad_text_paths, has_lone_surrogate

log = logging.getLogger(__name__)


class AppError(Exception):
    """An error meant for the client: carries an HTTP status, a code and field messages.

    `default_message` is marked with `N_` and kept in Indonesian; the response translates the message and
    the field messages into the reader's language when it is built (`_respond`), so a message raised
    already translated (`_("...")`) passes through unchanged. Code that shows an error itself (a flash)
    uses `shown_message(exc)`.
    """

    status = 400
    code = "bad_request"
    default_message = N_("Permintaan tidak valid.")

    def __init__(self, message: str | None = None, *, fields: dict[str, list[str]] | None = None,
                 extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        self.fields = fields or {}
        self.extra = extra or {}
        self.headers = headers or {}


class BadRequest(AppError):
    status, code, default_message = 400, "bad_request", N_("Permintaan tidak valid.")


class Unauthorized(AppError):
    status, code, default_message = 401, "unauthorized", N_("Silakan masuk terlebih dahulu.")


class Forbidden(AppError):
    status, code, default_message = 403, "forbidden", N_("Anda tidak berwenang melakukan tindakan ini.")


class NotFound(AppError):
    status, code, default_message = 404, "not_found", N_("Data tidak ditemukan.")


class Conflict(AppError):
    status, code, default_message = 409, "conflict", N_(
        "Data telah diubah oleh orang lain. Muat ulang lalu coba lagi.")


class PayloadTooLarge(AppError):
    status, code, default_message = 413, "payload_too_large", N_("Berkas terlalu besar.")


class UnsupportedMediaType(AppError):
    status, code, default_message = 415, "unsupported_media_type", N_("Jenis berkas tidak diizinkan.")


class ValidationFailed(AppError):
    status, code, default_message = 422, "validation_error", N_("Periksa kembali isian yang ditandai.")


class TooManyRequests(AppError):
    status, code, default_message = 429, "rate_limited", N_("Terlalu banyak permintaan. Coba lagi nanti.")


def wants_json() -> bool:
    """API paths and clients that ask for JSON get JSON errors; browsers get a page."""
    if request.path.startswith("/api/") or request.path == "/healthz":
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def shown_message(exc: AppError) -> str:
    """An error's message in the reader's language, for code that shows it itself (a flash)."""
    return translate(exc.message) or ""


def translated_fields(fields: dict | None) -> dict[str, list]:
    """Field messages in the reader's language (marked constants are translated, other text passes)."""
    return {key: [translate(m) if isinstance(m, str) else m for m in messages] if isinstance(messages, list)
            else messages for key, messages in (fields or {}).items()}


def error_body(status: int, code: str, message: str, fields: dict | None = None, **extra: Any) -> dict:
    """The JSON error document of API.md, its message and field messages in the reader's language."""
    error: dict[str, Any] = {"code": code, "message": translate(message)}
    if fields:
        error["fields"] = translated_fields(fields)
    error.update(extra)
    return {"error": error}


def _respond(status: int, code: str, message: str, fields: dict | None = None,
             headers: dict | None = None, **extra: Any):
    if wants_json():
        response = jsonify(error_body(status, code, message, fields, **extra))
    else:
        response = render_template("error.html", status=status, message=translate(message),
                                   fields=translated_fields(fields))
        response = (response, status)
        from flask import make_response
        response = make_response(*response)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow/webargs nested messages into {"a.b": ["..."]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten_messages(value, path))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        flat[prefix or "_body"] = list(messages)
    elif isinstance(messages, list):
        for index, value in enumerate(messages):
            flat.update(flatten_messages(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or "_body"] = [str(messages)]
    return flat


# A lone surrogate can only reach Python through a JSON escape (raw bytes of one are not UTF-8).
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def refuse_lone_surrogates() -> None:
    """422 with the field paths when a JSON body holds a lone surrogate ("\\ud800"), which no text column,
    mail or log line can encode; every JSON reader of the app (webargs, the payment callback) sits behind this."""
    if request.method in ("GET", "HEAD", "OPTIONS") or request.mimetype in _FORM_TYPES:
        return
    body = request.get_data(cache=True)  # bounded by MAX_CONTENT_LENGTH (413 beyond)
    if not body or not _SURROGATE_ESCAPE.search(body):
        return
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return  # not JSON: the view's own parser answers 400
    paths = bad_text_paths(document, has_lone_surrogate)
    if paths:
        raise ValidationFailed(fields={path: [SURROGATE_MESSAGE] for path in paths})


_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
               415: "unsupported_media_type", 422: "validation_error", 429: "rate_limited"}
# Werkzeug's own descriptions are English sentences: an HTTP error raised without a message of ours is
# answered with the matching message of the app (translated like the others).
_HTTP_MESSAGES = {400: BadRequest.default_message, 401: Unauthorized.default_message,
                  403: Forbidden.default_message, 404: NotFound.default_message,
                  405: N_("Metode permintaan ini tidak diizinkan untuk alamat ini."),
                  409: Conflict.default_message, 413: PayloadTooLarge.default_message,
                  415: UnsupportedMediaType.default_message, 429: TooManyRequests.default_message}
MALFORMED_JSON_MESSAGE = N_("Badan permintaan bukan JSON yang sah.")
INTERNAL_ERROR_MESSAGE = N_("Terjadi kesalahan pada server. Tim kami telah dicatat.")


def _http_message(exc: HTTPException, status: int) -> str:
    """The message of an HTTP error: its own description, or ours when it carries Werkzeug's default one."""
    description = exc.description if isinstance(exc.description, str) else None
    if status == 429:  # Flask-Limiter describes the limit ("30 per 1 minute"), not what to do
        return TooManyRequests.default_message
    if description is None or description == type(exc).description:
        return _HTTP_MESSAGES.get(status, description or exc.name)
    return description


def init_app(app: Flask) -> None:
    """Register the handlers (after flask-smorest, so ours win)."""

    @app.before_request
    def refuse_nul_in_path():
        # No row is named with a NUL character, and databases refuse it in a query: answer 404 up front.
        if "\x00" in request.path:
            raise NotFound()

    @app.before_request
    def refuse_unencodable_json():
        refuse_lone_surrogates()

    @app.errorhandler(AppError)
    def handle_app_error(exc: AppError):
        return _respond(exc.status, exc.code, exc.message, exc.fields, exc.headers, **exc.extra)

    @app.errorhandler(HTTPException)
    def handle_http_exception(exc: HTTPException):
        status = exc.code or 500
        data = getattr(exc, "data", None) or {}
        messages = data.get("messages")
        fields = None
        if messages:
            # webargs groups by location ("json", "query", "files"): drop the location level.
            merged: dict = {}
            for location_messages in messages.values():
                if isinstance(location_messages, dict):
                    merged.update(location_messages)
                else:
                    merged.setdefault("_body", location_messages)
            fields = flatten_messages(merged)
        if status == 400 and messages and "json" in messages and messages["json"] == ["Invalid JSON body."]:
            return _respond(400, "malformed_json", MALFORMED_JSON_MESSAGE)
        if status == 422:
            return _respond(422, "validation_error", ValidationFailed.default_message, fields)
        if status == 413 and not fields:  # MAX_CONTENT_LENGTH: nothing of the body was read
            limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
            return _respond(413, "payload_too_large",
                            gettext("Permintaan terlalu besar (paling besar %(mb)s MB).", mb=limit // (1024 * 1024)))
        message = _http_message(exc, status)
        return _respond(status, _HTTP_CODES.get(status, "error"), message, fields,
                        dict(exc.get_headers() and [h for h in exc.get_headers() if h[0] == "Retry-After"]))

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return handle_http_exception(exc)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _respond(500, "internal_error", INTERNAL_ERROR_MESSAGE)
