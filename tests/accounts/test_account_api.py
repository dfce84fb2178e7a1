"""The accounts API: register, verify by token, resend, profile."""
from __future__ import annotations

import re

from tests.accounts.test_account_pages import _last_email
from tests.support.api import ApiClient


def test_register_then_verify_by_token(client, app):
    response = client.post("/api/v1/auth/register", json={"email": "rina@contoh.id", "password": "rahasia123",
                                                            "name": "Rina", "phone": "081211112222",
                                                            "nik": "3604010101900004"})
    assert response.status_code == 201 and response.get_json()["email_verified"] is False
    token = re.search(r"/akun/verifikasi/([A-Za-z0-9_.\-]+)", _last_email(app, "rina@contoh.id").body).group(1)
    verified = client.post("/api/v1/auth/verify-email", json={"token": token})
    assert verified.status_code == 200 and verified.get_json()["email_verified"] is True
    assert client.post("/api/v1/auth/verify-email", json={"token": token + "x"}).status_code == 422


def test_register_validation_and_duplicates(client):
    bad = client.post("/api/v1/auth/register", json={"email": "x", "password": "1", "name": ""})
    assert bad.status_code == 422 and {"email", "password", "name"} <= set(bad.get_json()["error"]["fields"])
    weak = client.post("/api/v1/auth/register", json={"email": "a@b.id", "password": "hanyahuruf", "name": "Ab"})
    assert weak.status_code == 422
    taken = client.post("/api/v1/auth/register", json={"email": "pemohon@demo.local", "password": "rahasia123",
                                                        "name": "Siti"})
    # A taken address answers like a new one (no enumeration): tests/security/test_enumeration.py.
    assert taken.status_code == 201 and "id" not in taken.get_json()


def test_resend_and_reset_are_always_202(client):
    for path in ("/api/v1/auth/verify-email/resend", "/api/v1/auth/password-reset"):
        assert client.post(path, json={"email": "tidak.ada@contoh.id"}).status_code == 202
        assert client.post(path, json={"email": "pemohon@demo.local"}).status_code == 202


def test_unverified_applicant_cannot_submit(client, app):
    client.post("/api/v1/auth/register", json={"email": "rina@contoh.id", "password": "rahasia123", "name": "Rina"})
    rina = ApiClient(client, "rina@contoh.id", "rahasia123")
    case = rina.post("/api/v1/cases", json={"service": "sip_apoteker", "data": {}}).get_json()
    response = rina.post(f"/api/v1/cases/{case['id']}/submit")
    assert response.status_code == 403


def test_profile_patch(client):
    me = ApiClient(client, "pemohon@demo.local")
    response = me.patch("/api/v1/me", json={"name": "Siti Rahma", "phone": "081234500000"})
    assert response.status_code == 200 and response.get_json()["name"] == "Siti Rahma"
    assert me.patch("/api/v1/me", json={"nik": "12"}).status_code == 422
