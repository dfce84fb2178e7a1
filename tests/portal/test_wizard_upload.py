"""The wizard's document upload answers the page's script with JSON and a browser without it with a redirect;
the page carries the server's own limits and messages for the script's pre-check."""
from __future__ import annotations

import html
import io
import re

from tests.portal.test_apply_wizard import _start
from tests.support.api import MINIMAL_PDF
from tests.support.pages import csrf_token

JSON = {"Accept": "application/json"}


def _post(client, case_id: int, token: str, requirement: str, content: bytes, name: str, headers=None):
    return client.post(f"/permohonan/{case_id}/dokumen", headers=headers or {},
                       data={"csrf_token": token, "requirement": requirement, "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_the_script_gets_the_stored_document_as_json(client):
    case_id = _start(client)
    token = csrf_token(client, f"/permohonan/{case_id}/dokumen")
    response = _post(client, case_id, token, "ktp", MINIMAL_PDF, "ktp-saya.pdf", JSON)
    assert response.status_code == 201
    body = response.get_json()
    assert body["filename"] == "ktp-saya.pdf" and body["requirement"] == "ktp"
    assert body["content_type"] == "application/pdf" and len(body["sha256"]) == 64
    page = client.get(f"/permohonan/{case_id}/dokumen").get_data(as_text=True)
    assert '<span data-upload-filename>ktp-saya.pdf</span>' in page


def test_the_script_gets_refusals_in_the_api_error_shape(client):
    case_id = _start(client)
    token = csrf_token(client, f"/permohonan/{case_id}/dokumen")
    wrong = _post(client, case_id, token, "pas_foto", MINIMAL_PDF, "foto.pdf", JSON)
    assert wrong.status_code == 415
    assert wrong.get_json()["error"]["message"] == "Jenis berkas .pdf tidak diizinkan. Gunakan: .jpg, .jpeg, .png."
    big = _post(client, case_id, token, "pas_foto", b"\x89PNG" + b"0" * (1024 * 1024 + 1), "foto.png", JSON)
    assert big.status_code == 413 and big.get_json()["error"]["message"] == "Berkas melebihi batas 1 MB."


def test_without_the_script_the_upload_redirects_back_to_the_step_with_a_message(client):
    case_id = _start(client)
    token = csrf_token(client, f"/permohonan/{case_id}/dokumen")
    saved = _post(client, case_id, token, "ktp", MINIMAL_PDF, "ktp.pdf")
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/permohonan/{case_id}/dokumen")
    refused = _post(client, case_id, token, "pas_foto", MINIMAL_PDF, "foto.pdf")
    assert refused.status_code == 302
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Berkas tidak tersimpan: Jenis berkas .pdf tidak diizinkan." in html.unescape(page)


def test_the_page_hands_the_script_the_server_limits_and_messages(client):
    case_id = _start(client)
    page = html.unescape(client.get(f"/permohonan/{case_id}/dokumen").get_data(as_text=True))
    form = re.search(r'<form[^>]*data-upload-progress[^>]*data-accept="\.jpg,\.jpeg,\.png"[^>]*>', page).group(0)
    assert 'data-max-bytes="1048576"' in form and 'data-msg-size="Berkas melebihi batas 1 MB."' in form
    assert 'data-msg-type="Jenis berkas {ext} tidak diizinkan. Gunakan: .jpg, .jpeg, .png."' in form
    assert re.search(r"js/upload-progress(\.[0-9a-f]{12})?\.js", page)  # content-hashed name (app/common/assets.py)


def test_another_applicant_cannot_upload_to_the_draft(client, app):
    case_id = _start(client)
    with app.app_context():
        from app.extensions import db
        from tests.inbox.support import make_applicant

        make_applicant("Joko Susilo", email="joko@contoh.id")
        db.session.commit()
    other = app.test_client()
    from tests.support.pages import login

    login(other, "joko@contoh.id")
    token = csrf_token(other, "/permohonan")
    response = _post(other, case_id, token, "ktp", MINIMAL_PDF, "ktp.pdf", JSON)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
