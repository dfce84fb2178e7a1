"""Renewal: an issued permit near expiry starts a new draft pre-filled from the old application."""
from __future__ import annotations

from datetime import UTC, timedelta

from app.common import clock
from tests.support.api import ApiClient
from tests.support.flow import all_ok, complete_task, submit_application, take_group_task


def _issued_case(client) -> dict:
    applicant = ApiClient(client, "pemohon@demo.local")
    case = submit_application(applicant)
    steps = [("loket@demo.local", {"verification_outcome": "complete", "document_verdicts": all_ok()}),
             ("teknis.dinkes@demo.local", {"recommendation": "recommend"}),
             ("kabid@demo.local", {"approval_decision": "approve"}),
             ("kadis@demo.local", {"signing_decision": "sign"})]
    for email, data in steps:
        officer = ApiClient(client, email)
        task = take_group_task(officer, case["id"])
        case = complete_task(officer, task["id"], data)
    assert case["status"] == "issued"
    return case


def test_renewal_only_near_expiry_and_prefilled(client):
    case = _issued_case(client)
    applicant = ApiClient(client, "pemohon@demo.local")
    assert applicant.post(f"/api/v1/cases/{case['id']}/renew").status_code == 409
    valid_until = case["permit"]["valid_until"]
    from datetime import date, datetime

    near = datetime.combine(date.fromisoformat(valid_until) - timedelta(days=30), datetime.min.time(),
                            tzinfo=UTC)
    with clock.frozen_at(near):
        applicant = ApiClient(client, "pemohon@demo.local")  # a token of that day
        response = applicant.post(f"/api/v1/cases/{case['id']}/renew")
    assert response.status_code == 201, response.get_json()
    draft = response.get_json()
    # The SIPA ends with its STRA (x-validUntilNotAfter), so a month before, the STRA still holds and is kept;
    # a field that no longer validates on that day (an expired STRA) would be asked again instead.
    still_valid = case["data"] if date.fromisoformat(case["data"]["masa_berlaku_stra"]) > near.date() else {
        k: v for k, v in case["data"].items() if k != "masa_berlaku_stra"}
    assert draft["status"] == "draft" and draft["data"] == still_valid and draft["service"] == "sip_apoteker"
    assert any(h["kind"] == "renewal_started" for h in draft["history"])


def test_someone_else_cannot_renew(client, app):
    case = _issued_case(client)
    with app.app_context():
        from app.accounts import service
        from app.extensions import db

        service.create_user(email="lain@contoh.id", name="Lain", password="Rahasia#2026", verified=True)
        db.session.commit()
    other = ApiClient(client, "lain@contoh.id", "Rahasia#2026")
    assert other.post(f"/api/v1/cases/{case['id']}/renew").status_code == 404
