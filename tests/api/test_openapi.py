"""GET /api/v1/openapi.json describes the whole API: the shared contract's endpoints, every /api/v1 route,
request and response schemas, error responses with the error body, security; and it is a valid spec."""
from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from app import create_app
from app.config import TestConfig

pytestmark = pytest.mark.one_database  # nothing here depends on the database

ROOT = Path(__file__).resolve().parents[2]
ENDPOINT = re.compile(r"`(GET|POST|PUT|PATCH|DELETE) (/api/v1/[^`\s?]+)[^`]*`")
META_ROUTES = {"/api/v1/openapi.json", "/api/v1/docs"}  # the spec itself and its rendered page
ERROR_REF = "#/components/schemas/Error"


def _contract() -> Path:
    """The shared API description (shared/API.md beside the checkout, or API_CONTRACT)."""
    for candidate in (os.environ.get("API_CONTRACT"), ROOT.parent / "shared" / "API.md", Path("/work/shared/API.md")):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    pytest.skip("the shared API description (shared/API.md) is not beside this checkout")


def _normalize(path: str) -> str:
    return re.sub(r"\{[^}]*\}|<[^>]*>", "{}", path)


@pytest.fixture(scope="module")
def built():
    """An app (no database needed to describe it), its spec, and the warnings raised while building it."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                          "SQLALCHEMY_DATABASE_URI": "sqlite://"})
        spec = app.test_client().get("/api/v1/openapi.json").get_json()
    return app, spec, [str(w.message) for w in caught]


@pytest.fixture(scope="module")
def spec(built):
    return built[1]


def _operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield method.upper(), path, operation


def _resolve(spec, obj):
    while "$ref" in obj:
        section, name = obj["$ref"].split("/")[-2:]
        obj = spec["components"][section][name]
    return obj


def test_spec_is_valid_openapi(spec):
    validate(spec)
    assert spec["openapi"].startswith("3.")


def test_schema_names_are_distinct(built):
    assert not [w for w in built[2] if "Multiple schemas resolved" in w]


def test_every_contract_endpoint_is_in_the_spec(spec):
    text = _contract().read_text("utf-8")
    found = {(m, _normalize(p)) for m, p, _ in _operations(spec)}
    listed = [(m, p) for m, p in ENDPOINT.findall(text) if p not in META_ROUTES]
    assert len(listed) > 30, "API.md's endpoints were read"
    missing = sorted(f"{m} {p}" for m, p in listed if (m, _normalize(p)) not in found)
    assert not missing, f"in API.md but not in the spec: {missing}"


def test_contract_bodies_and_statuses_are_documented(spec):
    """Endpoints API.md shows with a body have a request schema; the statuses it names are documented."""
    operations = {(m, _normalize(p)): op for m, p, op in _operations(spec)}
    problems = []
    for line in _contract().read_text("utf-8").splitlines():
        listed = ENDPOINT.findall(line)
        if not line.startswith("- `") or len(listed) != 1 or listed[0][1] in META_ROUTES:  # one endpoint's entry
            continue
        method, path = listed[0]
        operation = operations[(method, _normalize(path))]
        rest = line.split("`", 2)[2]
        if re.match(r"\s*(`\{|multipart)", rest):
            content = operation.get("requestBody", {}).get("content", {})
            if not any("schema" in c for c in content.values()):
                problems.append(f"{method} {path}: no request schema")
        for status in re.findall(r"(?<![\w.])([1-5]\d\d)(?![\w.])", rest):
            if status not in operation["responses"]:
                problems.append(f"{method} {path}: {status} not documented")
    assert not problems, problems


def test_every_api_route_is_documented(built):
    app, spec, _ = built
    found = {(m, _normalize(p)) for m, p, _ in _operations(spec)}
    undocumented = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule in META_ROUTES:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (method, _normalize(rule.rule)) not in found:
                undocumented.append(f"{method} {rule.rule}")
    assert not undocumented, f"routes missing from the spec: {undocumented}"


def test_operations_have_request_and_response_schemas(spec):
    problems = []
    for method, path, operation in _operations(spec):
        body = operation.get("requestBody")
        if body and not all("schema" in c for c in body["content"].values()):
            problems.append(f"{method} {path}: request body without schema")
        successes = {s: r for s, r in operation["responses"].items() if s.startswith("2")}
        if not successes:
            problems.append(f"{method} {path}: no success response")
        for status, response in successes.items():
            content = _resolve(spec, response).get("content", {})
            if not content or not all("schema" in c for c in content.values()):
                problems.append(f"{method} {path}: {status} without a response schema")
        if "default" in operation["responses"]:
            problems.append(f"{method} {path}: a catch-all 'default' response hides undocumented statuses")
    assert not problems, problems


def test_error_responses_carry_the_error_body(spec):
    problems = []
    for method, path, operation in _operations(spec):
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                schema = _resolve(spec, response).get("content", {}).get("application/json", {}).get("schema", {})
                if schema.get("$ref") != ERROR_REF:
                    problems.append(f"{method} {path} {status}")
    assert not problems, f"error responses without the error body: {problems}"
    error = spec["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    detail = _resolve(spec, error["properties"]["error"])
    assert {"code", "message", "fields"} <= set(detail["properties"])


def test_error_statuses_follow_the_rules(spec):
    """Login-only operations document 401/403; path parameters 404; JSON bodies 400; writes 409 and 422."""
    problems = []
    for method, path, operation in _operations(spec):
        responses = operation["responses"]
        security = operation.get("security", spec["security"])
        expected = set()
        if security and {} not in security:
            expected |= {"401", "403"}
        if "{" in path:
            expected.add("404")
        if "application/json" in operation.get("requestBody", {}).get("content", {}):
            expected.add("400")
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            expected |= {"409", "422"}
        if any(p.get("in") == "query" for p in operation.get("parameters", [])):
            expected.add("422")
        missing = expected - set(responses)
        if missing:
            problems.append(f"{method} {path}: {sorted(missing)}")
    assert not problems, problems


def test_security_schemes(spec):
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert schemes["cookieAuth"]["in"] == "cookie"
    assert {"bearerAuth": []} in spec["security"] and {"cookieAuth": []} in spec["security"]
    operations = {(m, p): op for m, p, op in _operations(spec)}
    assert operations[("POST", "/api/v1/auth/token")]["security"] == []
    assert operations[("GET", "/api/v1/services")]["security"] == []
    assert "security" not in operations[("GET", "/api/v1/me")]  # the global bearer/cookie requirement
    assert "429" in operations[("POST", "/api/v1/auth/token")]["responses"]


def test_spec_matches_what_the_code_answers(client):
    """The served spec is the code's: an error from a real call has the documented shape."""
    spec = client.get("/api/v1/openapi.json").get_json()
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and "401" in spec["paths"]["/api/v1/me"]["get"]["responses"]
    assert set(response.get_json()["error"]) >= {"code", "message"}


def test_reference_page_uses_local_assets_only(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>" not in html and "http://" not in html and "https://" not in html
    # static files are named by content (app/common/assets.py): /static/js/api-docs.<12 hex digits>.js
    sources = [re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", s) for s in re.findall(r'(?:src|href)="([^"]+)"', html)]
    assert "/static/js/api-docs.js" in sources
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in sources
    for source in sources:
        if source.startswith("/static/"):
            assert (ROOT / "app" / source.lstrip("/")).is_file(), f"{source} missing (run make assets)"
    assert 'data-spec-url="/api/v1/openapi.json"' in html
