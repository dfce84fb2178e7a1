"""Security headers on every response, login lockout, and rate limits on public endpoints."""
from __future__ import annotations

import pytest

from tests.support.api import rate_limited_client
from tests.support.pages import submit

pytestmark = pytest.mark.one_database  # nothing here depends on the database

PAGES = ["/", "/masuk", "/lacak", "/daftar", "/api/v1/services", "/healthz", "/layanan/sip_apoteker"]


@pytest.mark.parametrize("path", PAGES)
def test_security_headers_on_pages_and_api(client, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_session_cookie_is_httponly_and_samesite(client):
    response = submit(client, "/masuk", {"email": "pemohon@demo.local", "password": "Demo#2026"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_form_post_without_csrf_token_is_refused(client):
    response = client.post("/masuk", data={"email": "pemohon@demo.local", "password": "Demo#2026"})
    assert response.status_code == 400


def test_api_locks_the_account_after_repeated_failures(client):
    for _ in range(5):
        assert client.post("/api/v1/auth/token", json={"email": "pemohon@demo.local",
                                                       "password": "salah"}).status_code == 401
    locked = client.post("/api/v1/auth/token", json={"email": "pemohon@demo.local", "password": "Demo#2026"})
    assert locked.status_code == 429
    assert "dikunci sementara" in locked.get_json()["error"]["message"]
    assert int(locked.headers["Retry-After"]) > 0


def test_login_page_says_the_account_is_locked(client):
    for _ in range(5):
        assert submit(client, "/masuk", {"email": "loket@demo.local", "password": "salah"}).status_code == 401
    response = submit(client, "/masuk", {"email": "loket@demo.local", "password": "Demo#2026"})
    assert response.status_code == 429
    assert "akun dikunci sementara" in response.get_data(as_text=True)


def test_a_success_resets_the_failure_count(client):
    for _ in range(4):
        client.post("/api/v1/auth/token", json={"email": "kabid@demo.local", "password": "salah"})
    assert client.post("/api/v1/auth/token", json={"email": "kabid@demo.local",
                                                   "password": "Demo#2026"}).status_code == 200
    for _ in range(4):
        client.post("/api/v1/auth/token", json={"email": "kabid@demo.local", "password": "salah"})
    assert client.post("/api/v1/auth/token", json={"email": "kabid@demo.local",
                                                   "password": "Demo#2026"}).status_code == 200


def test_public_tracking_is_rate_limited(app):
    client = rate_limited_client(app)
    codes = [client.get("/api/v1/track/SIPA-2026-000001").status_code for _ in range(61)]
    assert codes[:60] == [404] * 60 and codes[60] == 429
    limited = client.get("/api/v1/track/SIPA-2026-000001")
    assert limited.get_json()["error"]["code"] == "rate_limited"
    assert "Retry-After" in limited.headers


def test_session_cookie_is_secure_and_hsts_is_sent_when_configured(app):
    app.config["SESSION_COOKIE_SECURE"] = True
    client = app.test_client()
    response = submit(client, "/masuk", {"email": "pemohon@demo.local", "password": "Demo#2026"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_permit_verification_is_rate_limited(app):
    client = rate_limited_client(app)
    codes = [client.get("/api/v1/verify/not-a-token").status_code for _ in range(61)]
    assert codes[:60] == [404] * 60 and codes[60] == 429
    assert client.get("/verify/not-a-token").status_code == 404  # the page has its own budget
    assert "Retry-After" in client.get("/api/v1/verify/not-a-token").headers


def test_mail_sending_account_endpoints_are_rate_limited(app):
    # Each of these mails someone: unlimited, they would let anyone flood an inbox.
    client = rate_limited_client(app)
    body = {"email": "pemohon@demo.local"}
    codes = [client.post("/api/v1/auth/password-reset", json=body).status_code for _ in range(11)]
    assert codes[:10] == [202] * 10 and codes[10] == 429
    codes = [client.post("/api/v1/auth/verify-email/resend", json=body).status_code for _ in range(11)]
    assert codes[10] == 429
