"""Registration, email verification, password reset, profile and passwordless return, as a person uses them."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.support.pages import csrf_token, login, submit

pytestmark = pytest.mark.one_database  # nothing here depends on the database

LINK = re.compile(r"http://localhost(/akun/[a-z]+/[A-Za-z0-9_.\-]+)")


def _last_email(app, to: str):
    with app.app_context():
        from app.extensions import db
        from app.notifications.models import Notification

        return db.session.scalars(select(Notification).where(Notification.channel == "email",
                                                             Notification.recipient == to)
                                  .order_by(Notification.id.desc())).first()


def test_register_verify_then_login(client, app):
    response = submit(client, "/daftar", {"name": "Budi Santoso", "email": "budi@contoh.id", "phone": "081298765432",
                                          "nik": "3604010101900003", "password": "rahasia123",
                                          "password2": "rahasia123"})
    assert response.status_code == 200 and "Periksa email" in response.get_data(as_text=True)
    mail = _last_email(app, "budi@contoh.id")
    assert mail.template == "verify_email"
    path = LINK.search(mail.body).group(1)
    assert client.get(path).status_code == 200
    with app.app_context():
        from app.accounts.service import get_by_email

        assert get_by_email("budi@contoh.id").email_verified_at is not None
    login(client, "budi@contoh.id", "rahasia123")


def test_registration_errors_are_shown_per_field(client):
    response = submit(client, "/daftar", {"name": "", "email": "bukan-email", "nik": "123", "password": "pendek",
                                          "password2": "pendek"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Nama wajib diisi." in body and "NIK harus 16 digit" in body and "Minimal 8 karakter." in body


def test_registering_a_taken_email_answers_like_success(client, app):
    response = submit(client, "/daftar", {"name": "Siti", "email": "pemohon@demo.local",
                                          "password": "rahasia123", "password2": "rahasia123"})
    assert response.status_code == 200 and "Periksa email" in response.get_data(as_text=True)


def test_password_reset_link_works_once(client, app):
    response = submit(client, "/akun/lupa-sandi", {"email": "pemohon@demo.local"})
    assert response.status_code == 200
    mail = _last_email(app, "pemohon@demo.local")
    path = LINK.search(mail.body).group(1)
    response = submit(client, path, {"password": "sandiBaru2026", "password2": "sandiBaru2026"})
    assert response.status_code == 302
    login(client, "pemohon@demo.local", "sandiBaru2026")
    client.post("/keluar", data={"csrf_token": csrf_token(client, "/")})
    again = submit(client, path, {"password": "lagiBaru2026", "password2": "lagiBaru2026"})
    assert again.status_code == 400


def test_unknown_email_reset_says_the_same_and_sends_nothing(client, app):
    response = submit(client, "/akun/lupa-sandi", {"email": "tidak.ada@contoh.id"})
    assert response.status_code == 200
    assert _last_email(app, "tidak.ada@contoh.id") is None


def test_password_change_ends_other_sessions_and_tokens(client, app):
    from tests.support.api import ApiClient

    api = ApiClient(client, "pemohon@demo.local")
    other = app.test_client()
    login(other, "pemohon@demo.local")
    with app.app_context():
        from app.accounts import service
        from app.extensions import db

        service.set_password(service.get_by_email("pemohon@demo.local"), "gantiSandi2026")
        db.session.commit()
    assert api.get("/api/v1/me").status_code == 401
    assert other.get("/akun/profil").status_code == 302  # back to the login page


def test_profile_update(client, app):
    login(client, "pemohon@demo.local")
    response = submit(client, "/akun/profil", {"name": "Siti R.", "nik": "3604014101900001",
                                               "phone": "081234567899", "address": "Jl. Mawar 1, Serang"})
    assert response.status_code == 302
    with app.app_context():
        from app.accounts.service import get_by_email

        assert get_by_email("pemohon@demo.local").address == "Jl. Mawar 1, Serang"


def _case_with_link(app):
    with app.app_context():
        from app.accounts import tokens
        from app.accounts.service import get_by_email
        from app.cases import service as cases
        from app.extensions import db

        user = get_by_email("pemohon@demo.local")
        case = cases.create_draft(actor=user, service_key="sip_apoteker", data={})
        case.registration_number = "SIPA-2026-999999"
        token, code = tokens.create_magic_link(user=user, case_id=case.id, task_id=None)
        db.session.commit()
        return case.id, token, code


def test_magic_link_logs_in_once_and_opens_the_case(client, app):
    case_id, token, _ = _case_with_link(app)
    response = client.get(f"/akun/tautan/{token}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/permohonan/{case_id}")
    assert client.get(f"/permohonan/{case_id}").status_code == 200
    assert client.get("/akun/profil").status_code == 302  # the link signs in for its case only
    fresh = app.test_client()
    assert fresh.get(f"/akun/tautan/{token}").status_code == 400


def test_magic_code_locks_after_five_wrong_guesses(client, app):
    _case_id, _token, code = _case_with_link(app)
    for _ in range(5):
        wrong = "000000" if code != "000000" else "111111"
        assert submit(client, "/akun/kode", {"nomor": "SIPA-2026-999999", "kode": wrong}).status_code == 422
    assert submit(client, "/akun/kode", {"nomor": "SIPA-2026-999999", "kode": code}).status_code == 422


def test_magic_code_logs_in(client, app):
    case_id, _token, code = _case_with_link(app)
    response = submit(client, "/akun/kode", {"nomor": "sipa-2026-999999", "kode": code})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/permohonan/{case_id}")
