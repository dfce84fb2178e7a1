"""Messages of the accounts API and pages follow the caller's language; Indonesian stays the default."""
from __future__ import annotations

from app.accounts.admin_views import ROLE_LABELS, role_labels


def test_a_wrong_password_is_answered_in_the_callers_language(client):
    wrong = {"email": "pemohon@demo.local", "password": "salah-sekali-1"}
    indonesian = client.post("/api/v1/auth/token", json=wrong)
    assert indonesian.status_code == 401
    assert indonesian.get_json()["error"]["message"] == "Email atau kata sandi salah."
    client.get("/bahasa/en")
    english = client.post("/api/v1/auth/token", json=wrong)
    assert english.status_code == 401 and english.get_json()["error"]["message"] == "Wrong email or password."


def test_role_labels_are_marked_sources_shown_in_the_page_language(app):
    with app.test_request_context():
        assert role_labels() == ROLE_LABELS and ROLE_LABELS["analyst"] == "Analis proses"
