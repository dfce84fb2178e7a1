"""Bad input gets a clear 4xx, never a 500, and never loses what was saved."""
from __future__ import annotations

import pytest

from tests.support.api import ApiClient
from tests.support.data import sample_application
from tests.support.flow import all_ok, submit_application, take_group_task

pytestmark = pytest.mark.one_database  # nothing here depends on the database


def test_malformed_json_is_400(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    response = applicant.post("/api/v1/cases", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed_json"


def test_data_breaking_the_form_schema_is_422_with_field_paths(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    data = {**sample_application(), "nik": "12345", "tanggal_lahir": "kemarin"}
    response = applicant.post("/api/v1/cases", json={"service": "sip_apoteker", "data": data})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert "data.nik" in fields and "data.tanggal_lahir" in fields


def test_submit_without_documents_lists_what_is_missing(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    case = applicant.post("/api/v1/cases", json={"service": "sip_apoteker", "data": sample_application()}).get_json()
    response = applicant.post(f"/api/v1/cases/{case['id']}/submit")
    assert response.status_code == 422
    assert "documents.ktp" in response.get_json()["error"]["fields"]
    # the draft is still there, unchanged
    assert applicant.get(f"/api/v1/cases/{case['id']}").get_json()["status"] == "draft"


def test_unknown_service_is_404(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    assert applicant.post("/api/v1/cases", json={"service": "tidak_ada", "data": {}}).status_code == 404


def test_task_completed_twice_is_409(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    loket = ApiClient(client, "loket@demo.local")
    case = submit_application(applicant)
    task = take_group_task(loket, case["id"])
    body = {"data": {"verification_outcome": "complete", "document_verdicts": all_ok()}}
    assert loket.post(f"/api/v1/tasks/{task['id']}/complete", json=body).status_code == 200
    assert loket.post(f"/api/v1/tasks/{task['id']}/complete", json=body).status_code == 409


def test_task_of_another_group_is_403(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    dinkes = ApiClient(client, "teknis.dinkes@demo.local")
    case = submit_application(applicant)
    task_id = case["current_steps"][0]["task_id"]
    assert dinkes.get(f"/api/v1/tasks/{task_id}").status_code == 403
    assert dinkes.post(f"/api/v1/tasks/{task_id}/claim").status_code == 403
    assert dinkes.post(f"/api/v1/tasks/{task_id}/complete",
                       json={"data": {"verification_outcome": "reject"}}).status_code == 403


def test_task_held_by_someone_else_is_409(client, app):
    applicant = ApiClient(client, "pemohon@demo.local")
    loket = ApiClient(client, "loket@demo.local")
    with app.app_context():
        from app.accounts import service as accounts
        from app.extensions import db

        accounts.create_user(email="loket2@demo.local", name="Budi Loket", password="Demo#2026",
                             roles=("officer",), groups=("verifikator",), verified=True)
        db.session.commit()
    loket2 = ApiClient(client, "loket2@demo.local")
    case = submit_application(applicant)
    task = take_group_task(loket, case["id"])
    assert loket2.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 409
    body = {"data": {"verification_outcome": "complete", "document_verdicts": all_ok()}}
    assert loket2.post(f"/api/v1/tasks/{task['id']}/complete", json=body).status_code == 409


def test_another_applicants_case_is_404(client, app):
    with app.app_context():
        from app.accounts import service as accounts
        from app.extensions import db

        accounts.create_user(email="lain@contoh.id", name="Pemohon Lain", password="Rahasia#2026", verified=True)
        db.session.commit()
    owner = ApiClient(client, "pemohon@demo.local")
    other = ApiClient(client, "lain@contoh.id", "Rahasia#2026")
    case = owner.post("/api/v1/cases", json={"service": "sip_apoteker", "data": sample_application()}).get_json()
    assert other.get(f"/api/v1/cases/{case['id']}").status_code == 404
    assert other.post(f"/api/v1/cases/{case['id']}/submit").status_code == 404
    assert other.upload(case["id"], "ktp").status_code == 404
    assert other.get("/api/v1/cases").get_json()["total"] == 0


def test_unauthenticated_is_401_and_bad_credentials_too(client):
    assert client.get("/api/v1/me").status_code == 401
    assert client.post("/api/v1/auth/token", json={"email": "pemohon@demo.local",
                                                   "password": "salah"}).status_code == 401


def test_upload_whose_content_does_not_match_its_type_is_415(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    case = applicant.post("/api/v1/cases", json={"service": "sip_apoteker", "data": {}}).get_json()
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    assert applicant.upload(case["id"], "ktp", exe, "ktp.pdf").status_code == 415
    assert applicant.upload(case["id"], "ktp", b"%PDF-1.4 x", "ktp.exe").status_code == 415
    assert applicant.upload(case["id"], "tidak_ada").status_code == 422


def test_idempotency_key_replays_the_first_creation(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    headers = {"Idempotency-Key": "abc-123"}
    first = applicant.post("/api/v1/cases", json={"service": "sip_apoteker", "data": {}}, headers=headers)
    second = applicant.post("/api/v1/cases", json={"service": "sip_apoteker", "data": {}}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.get_json()["id"] == second.get_json()["id"]
    assert applicant.get("/api/v1/cases").get_json()["total"] == 1


def test_healthz_reports_database(client):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["db"] == "ok"
