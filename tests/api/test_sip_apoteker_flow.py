"""The sip_apoteker service end to end through HTTP, as the applicant and the demo officers."""
from __future__ import annotations

from tests.support.api import MINIMAL_PDF, ApiClient
from tests.support.data import sample_application
from tests.support.flow import all_ok, complete_task, submit_application, take_group_task


def test_application_with_one_revision_round_ends_issued(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    loket = ApiClient(client, "loket@demo.local")
    dinkes = ApiClient(client, "teknis.dinkes@demo.local")
    kabid = ApiClient(client, "kabid@demo.local")
    kadis = ApiClient(client, "kadis@demo.local")

    case = submit_application(applicant)
    assert case["status"] == "submitted"
    assert case["registration_number"].startswith("SIPA-")
    case_id = case["id"]

    # Front office asks for a revision of the STRA.
    task = take_group_task(loket, case_id)
    case = complete_task(loket, task["id"], {
        "verification_outcome": "revision", "verification_note": "STRA belum dilegalisir.",
        "document_verdicts": {"stra": {"verdict": "revise", "note": "Legalisir tidak tampak."}}})
    assert case["status"] == "waiting_applicant"
    assert case["outstanding"][0]["kind"] == "revision"

    # The applicant replaces the STRA and returns the revision.
    revision_task = case["outstanding"][0]["task_id"]
    assert applicant.upload(case_id, "stra", MINIMAL_PDF, "stra-legalisir.pdf").status_code == 201
    own = applicant.get(f"/api/v1/tasks/{revision_task}")
    assert own.status_code == 200
    case = complete_task(applicant, revision_task, {"application": sample_application(),
                                                "response_note": "STRA legalisir sudah diunggah."})
    assert case["status"] == "submitted"

    task = take_group_task(loket, case_id)
    case = complete_task(loket, task["id"], {"verification_outcome": "complete", "verification_note": "Lengkap.",
                                         "document_verdicts": all_ok()})
    assert case["status"] == "waiting_agency"

    task = take_group_task(dinkes, case_id)
    case = complete_task(dinkes, task["id"], {"recommendation": "recommend", "recommendation_note": "Sarana layak."})
    task = take_group_task(kabid, case_id)
    case = complete_task(kabid, task["id"], {"approval_decision": "approve", "approval_note": "Setuju."})
    task = take_group_task(kadis, case_id)
    case = complete_task(kadis, task["id"], {"signing_decision": "sign"})

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
    case = submit_application(applicant)
    task = take_group_task(loket, case["id"])
    case = complete_task(loket, task["id"], {"verification_outcome": "reject", "verification_note": "STRA palsu.",
                                         "document_verdicts": {**all_ok(), "stra": {"verdict": "reject",
                                                                                    "note": "Tidak sah."}}})
    assert case["status"] == "rejected"
    assert case["current_steps"] == []
