"""The submission receipt lists what was filed, with hashes, and points to public tracking."""
from __future__ import annotations

from tests.permits.support import pdf_text, scanned_qr_codes
from tests.support.api import ApiClient
from tests.support.data import sample_application
from tests.support.flow import submit_application


def test_receipt_lists_registration_service_applicant_time_and_document_hashes(client, app):
    applicant = ApiClient(client, "pemohon@demo.local")
    case = submit_application(applicant)
    response = applicant.get(f"/api/v1/cases/{case['id']}/receipt.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    content = pdf_text(response.data)
    assert "TANDA TERIMA PERMOHONAN" in content
    assert case["registration_number"] in content
    assert "Surat Izin Praktik Apoteker (SIPA)" in content
    assert "apt. Siti Rahmawati, S.Farm." in content
    assert "WIB" in content and "pukul" in content
    for doc in case["documents"]:
        assert doc["filename"] in content
        assert doc["sha256"] in content
    tracking = f"{app.config['PUBLIC_BASE_URL']}/lacak?nomor={case['registration_number']}"
    assert tracking in content.replace("\n", "")
    assert scanned_qr_codes(response.data) == [tracking]


def test_receipt_is_available_to_officers(client):
    case = submit_application(ApiClient(client, "pemohon@demo.local"))
    response = ApiClient(client, "loket@demo.local").get(f"/api/v1/cases/{case['id']}/receipt.pdf")
    assert response.status_code == 200


def test_receipt_of_someone_elses_case_is_404(client, app):
    case = submit_application(ApiClient(client, "pemohon@demo.local"))
    with app.app_context():
        from app.accounts import service as accounts
        from app.extensions import db

        accounts.create_user(email="lain@demo.local", name="Pemohon Lain", password="Demo#2026",
                             roles=("applicant",), verified=True)
        db.session.commit()
    response = ApiClient(client, "lain@demo.local").get(f"/api/v1/cases/{case['id']}/receipt.pdf")
    assert response.status_code == 404
    assert client.get(f"/api/v1/cases/{case['id']}/receipt.pdf").status_code == 401


def test_a_draft_has_no_receipt_yet(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    draft = applicant.post("/api/v1/cases", json={"service": "sip_apoteker", "data": sample_application()}).get_json()
    response = applicant.get(f"/api/v1/cases/{draft['id']}/receipt.pdf")
    assert response.status_code == 409
