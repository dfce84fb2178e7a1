"""Public tracking answers from the case row and its service name: nothing personal, in one statement."""
from __future__ import annotations

from tests.support.api import ApiClient
from tests.support.flow import submit_application
from tests.support.sql import recorded_statements


def test_tracking_shows_status_step_dates_and_service_only(client, app):
    applicant = ApiClient(client, "pemohon@demo.local")
    case = applicant.get(f"/api/v1/cases/{submit_application(applicant)['id']}").get_json()
    number = case["registration_number"]
    with app.app_context(), recorded_statements() as statements:
        tracked = client.get(f"/api/v1/track/{number.lower()}")
    assert tracked.status_code == 200
    body = tracked.get_json()
    assert body == {"registration_number": number, "service": "sip_apoteker",
                    "service_name": "Surat Izin Praktik Apoteker (SIPA)", "status": case["status"],
                    "status_label": body["status_label"], "current_step": body["current_step"],
                    "submitted_at": case["submitted_at"], "estimated_completion": case["estimated_completion"]}
    assert body["status_label"] and body["current_step"] and body["estimated_completion"]
    # One statement: not the case row with its workflow state, applicant, and the applicant's roles and groups.
    assert len(statements) == 1, statements
    page = client.get(f"/lacak?nomor={number}").get_data(as_text=True)
    assert number in page and "Siti" not in page


def test_an_unknown_number_is_404_with_a_message(client):
    response = client.get("/api/v1/track/SIPA-2026-999999")
    assert response.status_code == 404
    assert "tidak ditemukan" in response.get_json()["error"]["message"]
