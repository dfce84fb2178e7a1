"""A revision round through the API: every flagged document must be replaced before the answer goes back."""
from __future__ import annotations

from tests.support.api import MINIMAL_PNG, ApiClient
from tests.support.data import sample_application
from tests.support.flow import all_ok, submit_application, take_group_task


def _request_revision(client, verdicts: dict) -> tuple[ApiClient, dict]:
    applicant = ApiClient(client, "pemohon@demo.local")
    loket = ApiClient(client, "loket@demo.local")
    case = submit_application(applicant)
    task = take_group_task(loket, case["id"])
    done = loket.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {
        "verification_outcome": "revision", "verification_note": "Mohon perbaiki berkas.",
        "document_verdicts": {**all_ok(), **verdicts}}})
    assert done.status_code == 200, done.get_json()
    return applicant, done.get_json()["case"]


def _answer(applicant: ApiClient, case: dict, note: str = "Sudah diganti."):
    [todo] = [o for o in case["outstanding"] if o["kind"] == "revision"]
    return applicant.post(f"/api/v1/tasks/{todo['task_id']}/complete", json={"data": {
        "application": sample_application(), "response_note": note}})


def test_an_answer_leaving_a_flagged_document_unreplaced_is_refused_per_document(client):
    applicant, case = _request_revision(client, {
        "stra": {"verdict": "revise", "note": "Legalisir tidak tampak."},
        "ktp": {"verdict": "reject", "note": "KTP buram."}})
    assert applicant.upload(case["id"], "stra", MINIMAL_PNG, "stra-legalisir.png").status_code == 201

    refused = _answer(applicant, case)
    assert refused.status_code == 422
    fields = refused.get_json()["error"]["fields"]
    assert set(fields) == {"documents.ktp"} and "KTP buram." in fields["documents.ktp"][0]
    after = applicant.get(f"/api/v1/cases/{case['id']}").get_json()
    assert after["status"] == "waiting_applicant" and after["outstanding"][0]["kind"] == "revision"
    assert [d["filename"] for d in after["documents"] if d["requirement"] == "stra"] == ["stra-legalisir.png"]

    assert applicant.upload(case["id"], "ktp", MINIMAL_PNG, "ktp-baru.png").status_code == 201
    sent = _answer(applicant, case)
    assert sent.status_code == 200, sent.get_json()
    assert sent.get_json()["case"]["status"] == "submitted"


def test_a_request_without_flagged_documents_needs_a_written_answer(client):
    applicant, case = _request_revision(client, {})
    refused = _answer(applicant, case, note="   ")
    assert refused.status_code == 422 and "data.response_note" in refused.get_json()["error"]["fields"]
    assert _answer(applicant, case, note="Alamat sarana sudah dibetulkan.").status_code == 200
