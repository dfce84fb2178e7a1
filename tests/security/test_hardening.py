"""Hardening: no-store on personal pages, one request size limit, presented-file checks on permit
verification, and a production process that refuses to start without its secrets."""
from __future__ import annotations

import io
import os

import pytest

from app import create_app
from app.config import Config, TestConfig
from tests.permits.support import issue_and_commit, stored_pdf
from tests.support.api import ApiClient
from tests.support.pages import CSRF, login

pytestmark = pytest.mark.one_database  # nothing here depends on the database

# -- Cache-Control: no-store -------------------------------------------------------------------------

@pytest.mark.parametrize(("email", "path"), [("pemohon@demo.local", "/permohonan"), ("pemohon@demo.local", "/akun/profil"),
                                             ("loket@demo.local", "/petugas/tugas"), ("admin@demo.local", "/admin/pengguna")])
def test_signed_in_pages_are_not_stored(client, email, path):
    """A signed-in user's pages (names, NIKs, case files) must not stay in a shared or browser cache."""
    login(client, email)
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "no-store" in response.headers.get("Cache-Control", "")


def test_public_verification_page_is_not_stored_but_static_files_are_cacheable(client, app):
    """The verification page names the permit holder; static assets stay cacheable."""
    permit = issue_and_commit(app)
    assert "no-store" in client.get(f"/verify/{permit['token']}").headers.get("Cache-Control", "")
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


# -- request size limit ---------------------------------------------------------------------------

def test_oversized_json_body_is_413_before_it_is_read(client, app):
    """Any body larger than MAX_REQUEST_MB is refused with a clear 413, not parsed."""
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit > app.config["MAX_UPLOAD_MB"] * 1024 * 1024  # uploads up to MAX_UPLOAD_MB still fit
    body = b'{"email": "' + b"a" * limit + b'"}'
    response = client.post("/api/v1/auth/password-reset", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_oversized_form_is_a_readable_413_page(client, app):
    """A browser posting too much gets an Indonesian page naming the limit."""
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    page = client.get("/akun/lupa-sandi").get_data(as_text=True)
    response = client.post("/akun/lupa-sandi", data={"email": "x" * (80 * 1024),
                                                     "csrf_token": CSRF.search(page).group(1)},
                           content_type="multipart/form-data")
    assert response.status_code == 413 and response.mimetype == "text/html"
    assert "terlalu besar" in response.get_data(as_text=True)


# -- permit verification with the presented file --------------------------------------------------

def _present(client, token: str, data: bytes):
    page = client.get(f"/verify/{token}").get_data(as_text=True)
    return client.post(f"/verify/{token}", data={"berkas": (io.BytesIO(data), "izin.pdf"),
                                                 "csrf_token": CSRF.search(page).group(1)},
                       content_type="multipart/form-data")


def test_verification_says_when_the_presented_file_differs(client, app):
    """A valid QR on an edited PDF: the page says the file is not the issued one."""
    permit = issue_and_commit(app)
    edited = stored_pdf(app, permit["storage_key"]) + b"\n% an incremental edit after signing\n"
    html = _present(client, permit["token"], edited).get_data(as_text=True)
    assert 'data-file="mismatch"' in html and "TIDAK COCOK" in html
    assert 'data-file="match"' not in html


def test_verification_confirms_the_issued_file(client, app):
    """The issued file itself is confirmed byte for byte."""
    permit = issue_and_commit(app)
    html = _present(client, permit["token"], stored_pdf(app, permit["storage_key"])).get_data(as_text=True)
    assert 'data-file="match"' in html and permit["sha256"] in html


# -- production refuses to start without its secrets ----------------------------------------------

def _production(**overrides) -> dict:
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    return settings | {"APP_ENV": "production", "SECRET_KEY": "s" * 40,
                       "PUBLIC_BASE_URL": "https://satupintu.example.go.id"} | overrides


@pytest.mark.parametrize(("overrides", "named"), [({"SECRET_KEY": ""}, "SECRET_KEY"),
                                                  ({"SECRET_KEY": "short"}, "SECRET_KEY")])
def test_production_refuses_to_start_without_a_secret_key(overrides, named):
    """No generated per-machine key in production: start fails, naming the setting."""
    with pytest.raises(RuntimeError, match=named):
        create_app(_production(**overrides))


@pytest.mark.skipif(bool(os.environ.get("PUBLIC_BASE_URL")), reason="PUBLIC_BASE_URL is set in this environment")
def test_production_refuses_to_start_without_public_base_url():
    """Production with PUBLIC_BASE_URL unset (the class default) must not invent a localhost address."""
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        create_app(_production(PUBLIC_BASE_URL=Config.PUBLIC_BASE_URL))


def test_production_starts_with_its_settings():
    """With SECRET_KEY and PUBLIC_BASE_URL set, a production app starts and links to its public address."""
    app = create_app(_production())
    assert app.config["PUBLIC_BASE_URL"] == "https://satupintu.example.go.id"


def test_api_caller_gets_no_store_too(client):
    """API answers stay no-store (the earlier rule) alongside the pages."""
    response = ApiClient(client, "pemohon@demo.local").get("/api/v1/me")
    assert response.headers.get("Cache-Control") == "no-store"
