"""Through the JSON API too, the signer reads the draft permit and states so before signing."""
from __future__ import annotations

from tests.permits.support import pdf_text, scanned_qr_codes
from tests.permits.test_draft import _to_approval
from tests.support.api import ApiClient
from tests.support.flow import complete_task, take_group_task


def _at_signing(client) -> dict:
    case = _to_approval(client)
    kabid = ApiClient(client, "kabid@demo.local")
    approval = case["current_steps"][0]["task_id"]
    draft = kabid.get(f"/api/v1/tasks/{approval}/draft-permit.pdf")
    assert draft.status_code == 200 and draft.mimetype == "application/pdf"
    assert "DRAF — belum berlaku" in pdf_text(draft.data) and scanned_qr_codes(draft.data) == []
    assert draft.headers["Cache-Control"] == "no-store"
    kabid.post(f"/api/v1/tasks/{approval}/claim")
    return complete_task(kabid, approval, {"approval_decision": "approve"})


def test_the_signer_gets_the_draft_and_cannot_sign_without_confirming_it(client, app):
    case = _at_signing(client)
    kadis = ApiClient(client, "kadis@demo.local")
    task = take_group_task(kadis, case["id"])
    draft = kadis.get(f"/api/v1/tasks/{task['id']}/draft-permit.pdf")
    assert draft.status_code == 200 and "DRAF" in pdf_text(draft.data)

    refused = kadis.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"signing_decision": "sign"}})
    assert refused.status_code == 422
    assert list(refused.get_json()["error"]["fields"]) == ["confirm_draft_reviewed"]
    applicant = ApiClient(app.test_client(), "pemohon@demo.local")
    assert applicant.get(f"/api/v1/cases/{case['id']}").get_json()["permit"] is None  # nothing issued

    signed = kadis.post(f"/api/v1/tasks/{task['id']}/complete",
                        json={"data": {"signing_decision": "sign"}, "confirm_draft_reviewed": True})
    assert signed.status_code == 200 and signed.get_json()["case"]["status"] == "issued"
    history = applicant.get(f"/api/v1/cases/{case['id']}").get_json()["history"]
    assert [h["kind"] for h in history].count("draft_permit_confirmed") == 1


def test_the_draft_is_only_for_open_approval_and_signing_steps_of_ones_group(client, app):
    case = _to_approval(client)
    approval = case["current_steps"][0]["task_id"]
    assert ApiClient(app.test_client(), "loket@demo.local").get(
        f"/api/v1/tasks/{approval}/draft-permit.pdf").status_code == 403
    assert ApiClient(app.test_client(), "pemohon@demo.local").get(
        f"/api/v1/tasks/{approval}/draft-permit.pdf").status_code in (403, 404)
    kabid = ApiClient(app.test_client(), "kabid@demo.local")
    kabid.post(f"/api/v1/tasks/{approval}/claim")
    complete_task(kabid, approval, {"approval_decision": "approve"})
    done = kabid.get(f"/api/v1/tasks/{approval}/draft-permit.pdf")
    assert done.status_code == 409  # the step is over: no draft of a decided step
