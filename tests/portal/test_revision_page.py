"""The applicant's revision form: an answer that replaces nothing comes back on the page, not to the officer."""
from __future__ import annotations

import io

from tests.portal.test_portal_pages import _flag_stra
from tests.support.api import MINIMAL_PNG, ApiClient
from tests.support.pages import csrf_token, login


def test_sending_a_revision_without_the_flagged_document_shows_what_is_missing(client, app):
    case_id = _flag_stra(client)
    login(client, "pemohon@demo.local")
    token = csrf_token(client, f"/permohonan/{case_id}")

    refused = client.post(f"/permohonan/{case_id}/perbaikan", data={"csrf_token": token,
                                                                    "response_note": "Sudah saya cek."})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="error-stra"' in html and "Berkas ini belum diganti" in html
    assert "Sudah saya cek.</textarea>" in html  # what was typed is kept
    view = ApiClient(app.test_client(), "pemohon@demo.local").get(f"/api/v1/cases/{case_id}").get_json()
    assert view["status"] == "waiting_applicant"

    client.post(f"/permohonan/{case_id}/berkas", data={
        "csrf_token": token, "requirement": "stra", "file": (io.BytesIO(MINIMAL_PNG), "stra-legalisir.png")},
        content_type="multipart/form-data")
    assert "Berkas pengganti sudah diunggah: stra-legalisir.png" in client.get(f"/permohonan/{case_id}").get_data(
        as_text=True)
    sent = client.post(f"/permohonan/{case_id}/perbaikan", data={"csrf_token": token,
                                                                 "response_note": "STRA legalisir diunggah."})
    assert sent.status_code == 302
    view = ApiClient(app.test_client(), "pemohon@demo.local").get(f"/api/v1/cases/{case_id}").get_json()
    assert view["status"] == "submitted"
