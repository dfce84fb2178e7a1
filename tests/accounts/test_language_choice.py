"""The language a person chose follows them: into their mail, and onto a new device when they sign in."""
from __future__ import annotations

from tests.support.pages import login, submit


def _locale(app, email: str) -> str:
    with app.app_context():
        from app.accounts import service as accounts

        return accounts.get_by_email(email).locale


def test_registering_in_english_sends_the_verification_mail_in_english(client, app):
    client.get("/bahasa/en")
    form = {"name": "Dewi Lestari", "email": "dewi@contoh.id", "phone": "0812 3456 7890", "nik": "3273014501900099",
            "password": "Rahasia#2026", "password2": "Rahasia#2026"}
    assert submit(client, "/daftar", form).status_code == 200
    assert _locale(app, "dewi@contoh.id") == "en"
    with app.app_context():
        from sqlalchemy import select

        from app.extensions import db
        from app.notifications.models import Notification

        mail = db.session.scalars(select(Notification).where(Notification.recipient == "dewi@contoh.id")).one()
    assert "Verify" in mail.subject and "Terima kasih" not in mail.body, (mail.subject, mail.body)


def test_the_switch_remembers_a_signed_in_users_choice_and_a_new_device_gets_it(client, app):
    login(client, "pemohon@demo.local")
    assert _locale(app, "pemohon@demo.local") == "id"
    client.get("/bahasa/en")
    assert _locale(app, "pemohon@demo.local") == "en"
    other_device = app.test_client()
    response = submit(other_device, "/masuk", {"email": "pemohon@demo.local", "password": "Demo#2026"})
    assert response.status_code == 302 and "lang=en" in response.headers.get("Set-Cookie", "")
    assert '<html lang="en">' in other_device.get("/permohonan").get_data(as_text=True)


def test_an_unknown_language_is_not_stored(client, app):
    login(client, "pemohon@demo.local")
    client.get("/bahasa/xx")
    assert _locale(app, "pemohon@demo.local") == "id"
