"""Once-only documents: a file the office verified is offered again in the applicant's next application."""
from __future__ import annotations

from tests.support.api import ApiClient
from tests.support.data import sample_application
from tests.support.flow import all_ok, submit_application, take_group_task


def _verified_case(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    loket = ApiClient(client, "loket@demo.local")
    case = submit_application(applicant)
    task = take_group_task(loket, case["id"])
    verdicts = {**all_ok(), "stra": {"verdict": "revise", "note": "Buram."}}
    loket.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {
        "verification_outcome": "revision", "verification_note": "STRA buram.", "document_verdicts": verdicts}})
    return applicant, case


def test_verified_documents_are_offered_and_unverified_are_not(client):
    applicant, _old = _verified_case(client)
    new = applicant.post("/api/v1/cases", json={"service": "sip_apoteker", "data": sample_application()}).get_json()
    offered = applicant.get(f"/api/v1/cases/{new['id']}/reusable-documents").get_json()["items"]
    keys = {d["requirement"] for d in offered}
    assert keys == {"ktp", "ijazah"}  # stra was flagged; the others are not marked reusable
    ktp = next(d for d in offered if d["requirement"] == "ktp")
    reused = applicant.post(f"/api/v1/cases/{new['id']}/documents/reuse", json={"document_id": ktp["id"]})
    assert reused.status_code == 201 and reused.get_json()["sha256"] == ktp["sha256"]
    assert reused.get_json()["id"] != ktp["id"]
    history = applicant.get(f"/api/v1/cases/{new['id']}").get_json()["history"]
    assert any(h["kind"] == "document_reused" for h in history)


def test_a_flagged_document_cannot_be_reused(client):
    applicant, old = _verified_case(client)
    stra = next(d for d in applicant.get(f"/api/v1/cases/{old['id']}").get_json()["documents"]
                if d["requirement"] == "stra")
    new = applicant.post("/api/v1/cases", json={"service": "sip_apoteker", "data": {}}).get_json()
    response = applicant.post(f"/api/v1/cases/{new['id']}/documents/reuse", json={"document_id": stra["id"]})
    assert response.status_code == 422


def test_another_applicants_document_cannot_be_reused(client, app):
    applicant, old = _verified_case(client)
    ktp = next(d for d in applicant.get(f"/api/v1/cases/{old['id']}").get_json()["documents"]
               if d["requirement"] == "ktp")
    with app.app_context():
        from app.accounts import service
        from app.extensions import db

        service.create_user(email="lain@contoh.id", name="Lain", password="Rahasia#2026", verified=True)
        db.session.commit()
    other = ApiClient(client, "lain@contoh.id", "Rahasia#2026")
    new = other.post("/api/v1/cases", json={"service": "sip_apoteker", "data": {}}).get_json()
    assert other.get(f"/api/v1/cases/{new['id']}/reusable-documents").get_json()["items"] == []
    assert other.post(f"/api/v1/cases/{new['id']}/documents/reuse",
                      json={"document_id": ktp["id"]}).status_code == 422
