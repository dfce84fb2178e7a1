"""Anyone with the QR code learns whether a permit is valid, revoked or expired; unknown tokens are 404."""
from __future__ import annotations

from datetime import date, timedelta

from tests.permits.support import issue_and_commit


def test_valid_permit_verifies_with_the_api_md_fields(client, app):
    permit = issue_and_commit(app)
    body = client.get(f"/api/v1/verify/{permit['token']}").get_json()
    assert body["valid"] is True and body["status"] == "valid"
    assert body["number"] == permit["number"]
    assert body["holder_name"] == "apt. Siti Rahmawati, S.Farm."
    assert body["service"] == "sip_apoteker"
    assert body["issued_at"].endswith("+07:00")
    assert body["valid_until"] == "2029-06-30"  # five years, cut at the end of the STRA it rests on
    assert body["sha256"] == permit["sha256"]


def test_verification_page_shows_a_valid_permit(client, app):
    permit = issue_and_commit(app)
    page = client.get(f"/verify/{permit['token']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-status="valid"' in html and "SAH" in html
    assert permit["number"] in html and permit["sha256"] in html
    assert "Surat Izin Praktik Apoteker (SIPA)" in html


def test_revoked_permit_verifies_as_revoked(client, app):
    permit = issue_and_commit(app)
    with app.app_context():
        from app.accounts import service as accounts
        from app.extensions import db
        from app.permits import service as permits

        permits.revoke(permit=permits.get_by_number(permit["number"]),
                       actor=accounts.get_by_email("kadis@demo.local"), reason="Sarana tutup.")
        db.session.commit()
    body = client.get(f"/api/v1/verify/{permit['token']}").get_json()
    assert body["valid"] is False and body["status"] == "revoked"
    page = client.get(f"/verify/{permit['token']}").get_data(as_text=True)
    assert 'data-status="revoked"' in page and "DICABUT" in page


def test_permit_past_its_validity_verifies_as_expired(client, app):
    permit = issue_and_commit(app, valid_until=date.today() - timedelta(days=1))
    body = client.get(f"/api/v1/verify/{permit['token']}").get_json()
    assert body["valid"] is False and body["status"] == "expired"
    page = client.get(f"/verify/{permit['token']}").get_data(as_text=True)
    assert 'data-status="expired"' in page and "KEDALUWARSA" in page


def test_permit_is_valid_through_its_last_day(client, app):
    from app.common import clock

    today = clock.now().astimezone(clock.JAKARTA).date()
    permit = issue_and_commit(app, valid_until=today)
    assert client.get(f"/api/v1/verify/{permit['token']}").get_json()["status"] == "valid"


def test_unknown_token_is_404_on_the_api_and_the_page(client, app):
    issue_and_commit(app)
    response = client.get("/api/v1/verify/tidak-ada-token-seperti-ini")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    page = client.get("/verify/tidak-ada-token-seperti-ini")
    assert page.status_code == 404 and "tidak ditemukan" in page.get_data(as_text=True)


def test_verification_tokens_are_long_random_and_distinct(app):
    tokens = {issue_and_commit(app)["token"] for _ in range(3)}
    assert len(tokens) == 3
    assert all(len(t) >= 32 for t in tokens)  # token_urlsafe(32): 256 bits
