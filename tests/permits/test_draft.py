"""Approver and signer read the draft permit first; signing from the page needs the signer's confirmation."""
from __future__ import annotations

from tests.inbox.support import PageClient
from tests.permits.support import CONDITIONS, pdf_text, scanned_qr_codes
from tests.support.api import ApiClient
from tests.support.flow import all_ok, complete_task, submit_application, take_group_task


def _to_approval(client) -> dict:
    """A sip_apoteker case verified and recommended with conditions; returns it at the approval step."""
    case = submit_application(ApiClient(client, "pemohon@demo.local"))
    loket = ApiClient(client, "loket@demo.local")
    complete_task(loket, take_group_task(loket, case["id"])["id"],
              {"verification_outcome": "complete", "verification_note": "Lengkap.", "document_verdicts": all_ok()})
    dinkes = ApiClient(client, "teknis.dinkes@demo.local")
    return complete_task(dinkes, take_group_task(dinkes, case["id"])["id"],
                     {"recommendation": "recommend_with_conditions", "recommendation_conditions": CONDITIONS})


def test_the_approval_page_shows_a_watermarked_draft_without_number_or_qr_code(client, app):
    case = _to_approval(client)
    task_id = case["current_steps"][0]["task_id"]
    draft_url = f"/petugas/tugas/{task_id}/draf-izin.pdf"
    kabid = PageClient(client, "kabid@demo.local")
    assert draft_url in kabid.text(f"/petugas/tugas/{task_id}")

    response = kabid.get(draft_url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    content = pdf_text(response.data)
    assert "DRAF — belum berlaku" in content and "Belum ditandatangani" in content
    assert "apt. Siti Rahmawati, S.Farm." in content and case["registration_number"] in content
    assert all(line in content for line in CONDITIONS.splitlines())
    assert "/verify/" not in content and "503/SIPA/" not in content
    assert scanned_qr_codes(response.data) == []
    with app.app_context():
        from app.permits import service as permits

        assert permits.for_case(case["id"]) is None  # nothing issued, no number taken
    assert PageClient(app.test_client(), "loket@demo.local").get(draft_url).status_code == 403
    assert PageClient(app.test_client(), "pemohon@demo.local").get(draft_url).status_code == 403


def test_signing_from_the_task_page_needs_the_draft_reviewed_box(client, app):
    case = _to_approval(client)
    kabid = ApiClient(client, "kabid@demo.local")
    case = complete_task(kabid, take_group_task(kabid, case["id"])["id"], {"approval_decision": "approve"})
    task_id = case["current_steps"][0]["task_id"]
    kadis = PageClient(client, "kadis@demo.local")
    html = kadis.text(f"/petugas/tugas/{task_id}")
    assert f"/petugas/tugas/{task_id}/draf-izin.pdf" in html and 'name="confirm_draft_reviewed"' in html

    refused = kadis.post(f"/petugas/tugas/{task_id}/selesai", data={"signing_decision": "sign"})
    assert refused.status_code == 422
    assert 'id="confirm-draft-error"' in refused.get_data(as_text=True)
    applicant = ApiClient(app.test_client(), "pemohon@demo.local")
    assert applicant.get(f"/api/v1/cases/{case['id']}").get_json()["permit"] is None

    signed = kadis.post(f"/petugas/tugas/{task_id}/selesai",
                        data={"signing_decision": "sign", "confirm_draft_reviewed": "1"})
    assert signed.status_code == 302, signed.get_data(as_text=True)
    view = applicant.get(f"/api/v1/cases/{case['id']}").get_json()
    assert view["status"] == "issued" and "draft_permit_confirmed" in [h["kind"] for h in view["history"]]
