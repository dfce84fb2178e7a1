"""An administrator marks an address verified by hand, for an applicant who cannot receive the mail."""
from __future__ import annotations

from sqlalchemy import select

from tests.support.pages import csrf_token, login, submit


def _unverified_applicant(app) -> int:
    from app.accounts import service as accounts
    from app.extensions import db

    with app.app_context():
        user = accounts.create_user(email="tanpa.surel@contoh.id", name="Ibu Warsini", password="Rahasia#2026")
        db.session.commit()
        return user.id


def _state(app, user_id: int):
    from app.accounts import service as accounts
    from app.audit.models import SecurityEvent
    from app.extensions import db

    with app.app_context():
        events = [(e.kind, e.actor_label, e.subject, e.detail) for e in db.session.scalars(
            select(SecurityEvent).where(SecurityEvent.kind == "email_verified_manually"))]
        return accounts.get(user_id).email_verified_at, events


def test_admin_marks_an_email_verified_and_the_security_log_says_who_and_how(app, client):
    uid = _unverified_applicant(app)
    login(client, "admin@demo.local")
    page = client.get(f"/admin/pengguna/{uid}").get_data(as_text=True)
    assert "Email belum terverifikasi." in page and f"/admin/pengguna/{uid}/verifikasi-email" in page
    response = submit(client, f"/admin/pengguna/{uid}/verifikasi-email",
                      {"note": "Datang ke loket dengan KTP asli"}, form_page=f"/admin/pengguna/{uid}")
    assert response.status_code == 302
    verified_at, events = _state(app, uid)
    assert verified_at is not None
    assert events == [("email_verified_manually", "admin", f"user:{uid}", {"note": "Datang ke loket dengan KTP asli"})]
    assert "Email terverifikasi pada" in client.get(f"/admin/pengguna/{uid}").get_data(as_text=True)
    again = submit(client, f"/admin/pengguna/{uid}/verifikasi-email", {"note": "Lagi"},
                   form_page=f"/admin/pengguna/{uid}", follow_redirects=True)
    assert "sudah terverifikasi" in again.get_data(as_text=True)
    assert len(_state(app, uid)[1]) == 1  # nothing changed, nothing logged twice


def test_manual_verification_needs_a_note_csrf_and_the_admin_role(app, client):
    uid = _unverified_applicant(app)
    login(client, "admin@demo.local")
    empty = submit(client, f"/admin/pengguna/{uid}/verifikasi-email", {"note": " "}, form_page=f"/admin/pengguna/{uid}")
    assert empty.status_code == 422 and "Tuliskan cara pemeriksaannya" in empty.get_data(as_text=True)
    assert client.post(f"/admin/pengguna/{uid}/verifikasi-email", data={"note": "Tanpa token"}).status_code == 400
    client.post("/keluar", data={"csrf_token": csrf_token(client, "/")})
    login(client, "supervisor@demo.local")
    refused = client.post(f"/admin/pengguna/{uid}/verifikasi-email",
                          data={"note": "Bukan admin", "csrf_token": csrf_token(client, "/")})
    assert refused.status_code == 403
    assert _state(app, uid) == (None, [])
