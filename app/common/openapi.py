"""The OpenAPI description of /api/v1: security schemes, error responses, and the rendered reference page.

Every operation gets the error responses it can give, with the project's error body
(app.common.schemas.ErrorSchema), from a few rules applied to the generated spec:

- 400 when it takes a JSON body (malformed JSON), 401 unless public, 403 when a login is required,
  404 when the path has parameters, 409 and 422 on writes (and 422 on any query arguments),
  413/415 on multipart uploads, 503 everywhere (load shedding, missing signing certificate).
- Anything else an endpoint can answer is declared on the view with `errors(...)`; public
  endpoints say so with `public` (no login) or `optional_login` (answers more to a logged-in caller).

tests/api/test_openapi.py checks the spec against API.md and the URL map; tests/api/test_fuzz.py
checks the application against the spec.
"""
from __future__ import annotations

from collections.abc import Callable

from apispec import BasePlugin
from flask import Blueprint as FlaskBlueprint
from flask import Flask, render_template
from flask_smorest import Blueprint
from werkzeug.routing import IntegerConverter

from app.common.schemas import MAX_ID, ErrorSchema

API_PREFIX = "/api/v1"
BEARER = "bearerAuth"
COOKIE = "cookieAuth"
SECURITY = [{BEARER: []}, {COOKIE: []}]
ERROR_SCHEMA_REF = "#/components/schemas/Error"
WRITE_METHODS = ("post", "put", "patch", "delete")

RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before trying again",
                               "schema": {"type": "integer"}}}

# status -> (component name, description, headers)
ERROR_RESPONSES: dict[int, tuple[str, str, dict]] = {
    400: ("BadRequest", "Malformed request: the body is not valid JSON (`malformed_json`).", {}),
    401: ("Unauthorized", "No valid bearer token or session (`unauthorized`); on the token endpoint, "
                          "wrong credentials.", {}),
    403: ("Forbidden", "Logged in, but not allowed (`forbidden`).", {}),
    404: ("NotFound", "Not found, or not visible to the caller (`not_found`): another applicant's case "
                      "answers 404, not 403.", {}),
    409: ("Conflict", "Stale state: changed meanwhile, claimed by someone else, already done (`conflict`).", {}),
    413: ("PayloadTooLarge", "The upload is larger than allowed (`payload_too_large`).", {}),
    415: ("UnsupportedMediaType", "The file type is not allowed (`unsupported_media_type`).", {}),
    422: ("ValidationError", "Invalid input, with messages per field path in `error.fields` "
                             "(`validation_error`, `invalid_model`).", {}),
    429: ("RateLimited", "Too many requests, or the account is locked after repeated failures "
                        "(`rate_limited`).", RETRY_AFTER),
    503: ("ServiceUnavailable", "Temporarily unavailable: the server is overloaded, or a document or "
                                "certificate it needs is missing.", RETRY_AFTER),
}


def public(view: Callable) -> Callable:
    """Document a view as open to anyone (no login; no 401/403)."""
    return Blueprint.doc(security=[])(view)


def optional_login(view: Callable) -> Callable:
    """Document a view as open to anyone, answering more to a logged-in caller."""
    return Blueprint.doc(security=[{}, *SECURITY])(view)


def errors(*statuses: int) -> Callable:
    """Document error responses beyond the ones the rules give (e.g. 404 on a path without parameters)."""
    return Blueprint.doc(responses={str(s): ERROR_RESPONSES[s][0] for s in statuses})


class ErrorResponsesPlugin(BasePlugin):
    """Adds the error responses and the global security to every /api/v1 operation."""

    def init_spec(self, spec) -> None:
        """Register the error responses (lazily: only the ones in use appear) and the security schemes."""
        super().init_spec(spec)
        for name, description, headers in ERROR_RESPONSES.values():
            response = {"description": description, "content": {"application/json": {"schema": ErrorSchema}}}
            if headers:
                response["headers"] = headers
            spec.components.response(name, response, lazy=True)
        spec.components.security_scheme(BEARER, {
            "type": "http", "scheme": "bearer",
            "description": "A token from POST /api/v1/auth/token (valid API_TOKEN_HOURS; revoked by a "
                           "password change)."})
        spec.components.security_scheme(COOKIE, {
            "type": "apiKey", "in": "cookie", "name": "session",
            "description": "The web session of a logged-in page; writes must also send the page's CSRF "
                           "token in the X-CSRFToken header."})

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        """Complete each operation's security and error responses."""
        if not path or not path.startswith(API_PREFIX) or not operations:
            return
        rule = kwargs.get("rule")
        has_path_params = bool(rule.arguments) if rule is not None else "{" in path
        for method, operation in operations.items():
            if method not in ("get", "head", "post", "put", "patch", "delete"):
                continue
            security = operation.get("security", SECURITY)
            responses = operation.setdefault("responses", {})
            for status in _error_statuses(method, operation, security, has_path_params):
                responses.setdefault(str(status), ERROR_RESPONSES[status][0])
            if responses.get("422") == "UNPROCESSABLE_ENTITY":  # flask-smorest's, for its arguments
                responses["422"] = ERROR_RESPONSES[422][0]
            for status, response in responses.items():  # errors declared by description only get the body
                if str(status)[0] in "45" and isinstance(response, dict) and "content" not in response:
                    response["content"] = {"application/json": {"schema": {"$ref": ERROR_SCHEMA_REF}}}


def _error_statuses(method: str, operation: dict, security: list, has_path_params: bool) -> list[int]:
    content = (operation.get("requestBody") or {}).get("content", {})
    write = method in WRITE_METHODS
    statuses = [503]
    if "application/json" in content:
        statuses.append(400)
    if security:
        statuses.append(401)
        if {} not in security:
            statuses.append(403)
    if has_path_params:
        statuses.append(404)
    if write:
        statuses += [409, 422]
    if any(p.get("in") == "query" for p in operation.get("parameters", []) if isinstance(p, dict)):
        statuses.append(422)
    if "multipart/form-data" in content:
        statuses += [413, 415, 422]
    return statuses


class IdConverter(IntegerConverter):
    """`<int:...>` in URLs: a row id, so at most MAX_ID (a larger number is no row: 404, not a database error)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    """Bind flask-smorest with the project's error schema and rules, and serve the reference page."""
    from app.extensions import api

    app.url_map.converters["int"] = IdConverter  # before any blueprint adds its rules
    api.ERROR_SCHEMA = ErrorSchema
    api.DEFAULT_ERROR_RESPONSE_NAME = None  # every status is documented where it can happen
    api.init_app(app, spec_kwargs={
        "extra_plugins": [ErrorResponsesPlugin()],
        "security": SECURITY,
        "info": {"description": (
            "SatuPintu HTTP API v1. JSON in and out; errors are `{\"error\": {\"code\", \"message\", "
            "\"fields\"}}`; lists are `{\"items\", \"total\", \"page\", \"per_page\"}`. Authenticate with "
            "`Authorization: Bearer <token>` from `POST /api/v1/auth/token`. A retry of a creating POST "
            "with the same `Idempotency-Key` header returns the first response.")},
    })
    app.register_blueprint(reference)


reference = FlaskBlueprint("api_reference", __name__)


@reference.get(f"{API_PREFIX}/docs")
def docs_page():
    """The rendered API reference (Swagger UI served from app/static/vendor, no CDN)."""
    return render_template("api/docs.html")


def response_doc(status: int, schema, description: str = "OK") -> Callable:
    """Document a JSON response without dumping through the schema (the view's dict is sent as is)."""
    return Blueprint.doc(responses={str(status): {
        "description": description, "content": {"application/json": {"schema": schema}}}})


def multipart_body(schema) -> Callable:
    """Document a multipart/form-data request body (form fields and files together)."""
    return Blueprint.doc(requestBody={"required": True, "content": {"multipart/form-data": {"schema": schema}}},
                         parameters=[])
