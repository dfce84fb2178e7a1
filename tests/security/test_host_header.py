"""Host header poisoning: every absolute link the app hands out starts with PUBLIC_BASE_URL.

A request with `Host: evil.example` used to get its reset and verification links built from
`request.host_url`, so the mail pointed at the attacker's site and the token travelled there.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app import create_app
from tests.conftest import _config
from tests.support.pages import CSRF

pytestmark = pytest.mark.one_database  # nothing here depends on the database

EVIL = "evil.example"


def _mails(app, to: str) -> list[str]:
    with app.app_context():
        from app.extensions import db
        from app.notifications.models import Notification

        return list(db.session.scalars(select(Notification.body).where(Notification.channel == "email",
                                                                        Notification.recipient == to)))


def _submit_as(client, path: str, data: dict):
    """Open a form and post it the way a browser sent to http://evil.example would."""
    page = client.get(path, base_url=f"http://{EVIL}").get_data(as_text=True)
    token = CSRF.search(page).group(1)
    response = client.post(path, data={**data, "csrf_token": token}, base_url=f"http://{EVIL}")
    assert response.status_code < 400, response.get_data(as_text=True)[:300]


def test_password_reset_link_ignores_a_forged_host(client, app):
    """The API reset request with Host: evil.example mails a link to PUBLIC_BASE_URL only."""
    response = client.post("/api/v1/auth/password-reset", json={"email": "pemohon@demo.local"},
                           headers={"Host": EVIL})
    assert response.status_code == 202
    bodies = _mails(app, "pemohon@demo.local")
    assert bodies and all(EVIL not in body for body in bodies)
    assert any(f"{app.config['PUBLIC_BASE_URL']}/akun/reset/" in body for body in bodies)


def test_reset_page_and_registration_links_ignore_a_forged_host(client, app):
    """The HTML forms (forgotten password, registration) build their links from PUBLIC_BASE_URL too."""
    _submit_as(client, "/akun/lupa-sandi", {"email": "pemohon@demo.local"})
    _submit_as(client, "/daftar", {"name": "Budi Santoso", "email": "budi.host@contoh.id", "phone": "081298765432",
                                   "nik": "3604010101900003", "password": "rahasia123", "password2": "rahasia123"})
    bodies = _mails(app, "pemohon@demo.local") + _mails(app, "budi.host@contoh.id")
    assert len(bodies) >= 2
    assert all(EVIL not in body for body in bodies)
    assert any("/akun/verifikasi/" in body and "http://localhost/akun/" in body for body in bodies)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_links_follow_port_in_development(database_url, tmp_path, monkeypatch):
    """Without PUBLIC_BASE_URL, development links (and QR codes, via Office.url) use make run's HOST:PORT."""
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setenv("PORT", "5057")
    app = create_app(_config(database_url, tmp_path) | {"PUBLIC_BASE_URL": ""})
    assert app.config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5057"
    client = app.test_client()
    assert client.post("/api/v1/auth/password-reset", json={"email": "pemohon@demo.local"}).status_code == 202
    assert any("http://127.0.0.1:5057/akun/reset/" in body for body in _mails(app, "pemohon@demo.local"))
    with app.test_request_context("/", base_url=f"http://{EVIL}"):
        from app.permits.layout import Office

        assert Office.from_config().url("/verify/abc") == "http://127.0.0.1:5057/verify/abc"


def test_no_outgoing_link_is_built_from_the_request():
    """A source scan: nothing in app/ builds links from request.host_url, url_root or _external=True."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "app"
    offenders = [f"{path.relative_to(root)}:{number}" for path in root.rglob("*.py")
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if any(word in line for word in ("host_url", "url_root", "_external=True"))]
    assert not offenders, offenders
