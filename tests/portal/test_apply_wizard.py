"""The apply wizard without JavaScript: data with field messages, documents, review, submit, receipt."""
from __future__ import annotations

import io
import re

from tests.support.api import MINIMAL_PDF, MINIMAL_PNG
from tests.support.data import requirements, sample_application
from tests.support.pages import csrf_token, login, submit


def _start(client) -> int:
    login(client, "pemohon@demo.local")
    response = submit(client, "/permohonan/baru/sip_apoteker", {})
    assert response.status_code == 302
    return int(re.search(r"/permohonan/(\d+)/isi", response.headers["Location"]).group(1))


def test_field_errors_are_shown_next_to_fields_and_the_draft_kept(client):
    case_id = _start(client)
    data = {k: str(v) for k, v in sample_application().items()}
    data["nik"] = "123"
    response = submit(client, f"/permohonan/{case_id}/isi", {**data, "next": "data"},
                      form_page=f"/permohonan/{case_id}/isi")
    assert response.status_code == 422
    assert "Format tidak sesuai." in response.get_data(as_text=True)
    data["nik"] = sample_application()["nik"]
    saved = submit(client, f"/permohonan/{case_id}/isi", {**data, "next": "documents"},
                   form_page=f"/permohonan/{case_id}/isi")
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/permohonan/{case_id}/dokumen")
    page = client.get(f"/permohonan/{case_id}/isi").get_data(as_text=True)
    assert sample_application()["nama_lengkap"] in page  # coming back continues where the applicant stopped


def test_full_wizard_to_receipt(client):
    case_id = _start(client)
    data = {k: str(v) for k, v in sample_application().items()}
    submit(client, f"/permohonan/{case_id}/isi", {**data, "next": "documents"}, form_page=f"/permohonan/{case_id}/isi")
    review = client.get(f"/permohonan/{case_id}/periksa").get_data(as_text=True)
    assert "Berkas wajib yang belum diunggah" in review
    token = csrf_token(client, f"/permohonan/{case_id}/dokumen")
    for req in requirements():
        if req["required"]:
            content, name = (MINIMAL_PDF, "f.pdf") if ".pdf" in req["accept"] else (MINIMAL_PNG, "f.png")
            r = client.post(f"/permohonan/{case_id}/berkas", data={
                "csrf_token": token, "requirement": req["key"], "file": (io.BytesIO(content), name),
                "next": f"/permohonan/{case_id}/dokumen"}, content_type="multipart/form-data")
            assert r.status_code == 302
    review = client.get(f"/permohonan/{case_id}/periksa").get_data(as_text=True)
    assert "Berkas wajib yang belum diunggah" not in review and "disabled" not in review.split("Ajukan permohonan")[0][-200:]
    done = submit(client, f"/permohonan/{case_id}/ajukan", {}, form_page=f"/permohonan/{case_id}/periksa")
    assert done.status_code == 302 and done.headers["Location"].endswith("/tanda-terima")
    receipt = client.get(done.headers["Location"]).get_data(as_text=True)
    assert re.search(r"SIPA-\d{4}-\d{6}", receipt)
    assert client.get(f"/api/v1/cases/{case_id}/receipt.pdf").status_code == 200


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/permohonan/baru/sip_apoteker")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]
