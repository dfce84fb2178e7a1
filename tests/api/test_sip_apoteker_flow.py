"""The sip_apoteker service end to end through HTTP, as the applicant and the demo officers."""
from __future__ import annotations

from tests.support.api import MINIMAL_PDF, MINIMAL_PNG, ApiClient
from tests.support.data import requirements, sample_application


def _submit_application(applicant: ApiClient) -> dict:
    created = applicant.post("/api/v1/cases", json={"service": "sip_apoteker", "data": sample_application()})
    assert created.status_code == 201, created.get_json()
    case = created.get_json()
    assert case["status"] == "draft"
    for req in requirements():
        if not req["required"]:
            continue
        if ".pdf" in req["accept"]:
            response = applicant.upload(case["id"], req["key"], MINIMAL_PDF, f"{req['key']}.pdf")
        else:
            response = applicant.upload(case["id"], req["key"], MINIMAL_PNG, f"{req['key']}.png")
        assert response.status_code == 201, response.get_json()
    submitted = applicant.post(f"/api/v1/cases/{case['id']}/submit")
    assert submitted.status_code == 200, submitted.get_json()
    return submitted.get_json()


def all_ok() -> dict:
    return {r["key"]: {"verdict": "ok"} for r in requirements() if r["required"]}


def _take_group_task(officer: ApiClient, case_id: int) -> dict:
    inbox = officer.get("/api/v1/tasks?scope=group").get_json()
    mine = [t for t in inbox["items"] if t["case_id"] == case_id]
    assert len(mine) == 1, inbox
    task = mine[0]
    claimed = officer.post(f"/api/v1/tasks/{task['id']}/claim")
    assert claimed.status_code == 200, claimed.get_json()
    return task


def _complete(officer: ApiClient, task_id: str, data: dict) -> dict:
    response = officer.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["case"]


def test_application_with_one_revision_round_ends_issued(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    loket = ApiClient(client, "loket@demo.local")
    dinkes = ApiClient(client, "teknis.dinkes@demo.local")
    kabid = ApiClient(client, "kabid@demo.local")
    kadis = ApiClient(client, "kadis@demo.local")

    case = _submit_application(applicant)
    assert case["status"] == "submitted"
    assert case["registration_number"].startswith("SIPA-")
    case_id = case["id"]

    # Front office asks for a revision of the STRA.
    task = _take_group_task(loket, case_id)
    case = _complete(loket, task["id"], {
        "verification_outcome": "revision", "verification_note": "STRA belum dilegalisir.",
        "document_verdicts": {"stra": {"verdict": "revise", "note": "Legalisir tidak tampak."}}})
    assert case["status"] == "waiting_applicant"
    assert case["outstanding"][0]["kind"] == "revision"

    # The applicant replaces the STRA and returns the revision.
    revision_task = case["outstanding"][0]["task_id"]
    assert applicant.upload(case_id, "stra", MINIMAL_PDF, "stra-legalisir.pdf").status_code == 201
    own = applicant.get(f"/api/v1/tasks/{revision_task}")
    assert own.status_code == 200
    case = _complete(applicant, revision_task, {"application": sample_application(),
                                                "response_note": "STRA legalisir sudah diunggah."})
    assert case["status"] == "submitted"

    task = _take_group_task(loket, case_id)
    case = _complete(loket, task["id"], {"verification_outcome": "complete", "verification_note": "Lengkap.",
                                         "document_verdicts": all_ok()})
    assert case["status"] == "waiting_agency"

    task = _take_group_task(dinkes, case_id)
    case = _complete(dinkes, task["id"], {"recommendation": "recommend", "recommendation_note": "Sarana layak."})
    task = _take_group_task(kabid, case_id)
    case = _complete(kabid, task["id"], {"approval_decision": "approve", "approval_note": "Setuju."})
    task = _take_group_task(kadis, case_id)
    case = _complete(kadis, task["id"], {"signing_decision": "sign"})

    assert case["status"] == "issued"
    assert case["permit"]["number"].startswith("503/SIPA/")
    final = applicant.get(f"/api/v1/cases/{case_id}").get_json()
    kinds = [h["kind"] for h in final["history"]]
    assert kinds[0] == "created" and "submitted" in kinds and kinds[-1] in ("finished", "permit_issued")
    assert kinds.count("task_completed") == 6
    # Officers' names are not shown to the applicant.
    assert all(h["actor"] != "Andi Verifikator" for h in final["history"])
    verify = client.get(final["permit"]["verify_url"].replace("/verify/", "/api/v1/verify/"))
    assert verify.get_json()["valid"] is True

    tracked = client.get(f"/api/v1/track/{final['registration_number']}").get_json()
    assert tracked["status"] == "issued" and "data" not in tracked


def test_rejection_at_verification_ends_rejected(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    loket = ApiClient(client, "loket@demo.local")
    case = _submit_application(applicant)
    task = _take_group_task(loket, case["id"])
    case = _complete(loket, task["id"], {"verification_outcome": "reject", "verification_note": "STRA palsu.",
                                         "document_verdicts": {**all_ok(), "stra": {"verdict": "reject",
                                                                                    "note": "Tidak sah."}}})
    assert case["status"] == "rejected"
    assert case["current_steps"] == []
