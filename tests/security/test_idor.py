"""Ids of one applicant's things, sent through another applicant's own case, and redirects that leave the site."""
from __future__ import annotations

import io

from tests.support.api import MINIMAL_PDF, ApiClient
from tests.support.data import sample_application
from tests.support.pages import csrf_token, login, submit

B_EMAIL = "pemohon.b@demo.local"


def _applicant_b(app):
    from app.accounts import service as accounts
    from app.extensions import db

    with app.app_context():
        accounts.create_user(email=B_EMAIL, name="Budi", password="Demo#2026", verified=True)
        db.session.commit()


def _draft(api: ApiClient) -> dict:
    created = api.post("/api/v1/cases", json={"service": "sip_apoteker", "data": sample_application()})
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def _a_with_document_and_bill(app, client) -> tuple[ApiClient, dict, int, int]:
    from app.cases.models import Case
    from app.extensions import db
    from app.payments import service as payments

    a = ApiClient(client, "pemohon@demo.local")
    case = _draft(a)
    document = a.upload(case["id"], "ktp", MINIMAL_PDF, "ktp.pdf").get_json()
    with app.app_context():
        bill = payments.issue_bill(db.session.get(Case, case["id"]), amount=50000, basis="uji")
        db.session.commit()
        bill_id = bill.id
    return a, case, document["id"], bill_id


def test_a_document_id_through_another_applicants_case_is_404(app, client):
    _, _, document_id, bill_id = _a_with_document_and_bill(app, client)
    _applicant_b(app)
    b = ApiClient(client, B_EMAIL)
    own = _draft(b)
    assert b.get(f"/api/v1/cases/{own['id']}/documents/{document_id}").status_code == 404
    assert b.get(f"/api/v1/cases/{own['id']}/bills/{bill_id}/skrd.pdf").status_code == 404


def test_reusing_another_applicants_document_copies_nothing(app, client):
    _, _, document_id, _ = _a_with_document_and_bill(app, client)
    _applicant_b(app)
    b = ApiClient(client, B_EMAIL)
    own = _draft(b)
    response = b.post(f"/api/v1/cases/{own['id']}/documents/reuse", json={"document_id": document_id})
    assert response.status_code in (404, 409, 422), response.get_json()
    assert b.get(f"/api/v1/cases/{own['id']}").get_json()["documents"] == []
    login(client, B_EMAIL)
    page = submit(client, f"/permohonan/{own['id']}/pakai-ulang", {"document_id": str(document_id)},
                  form_page=f"/permohonan/{own['id']}/dokumen", follow_redirects=True)
    assert page.status_code == 200
    assert b.get(f"/api/v1/cases/{own['id']}").get_json()["documents"] == []


def test_login_never_redirects_off_site(client):
    for target in ("https://jahat.example/", "//jahat.example/", "/\\jahat.example/"):
        token = csrf_token(client, "/masuk")
        response = client.post(f"/masuk?next={target}", data={"csrf_token": token, "email": "pemohon@demo.local",
                                                              "password": "Demo#2026"})
        assert response.status_code == 302
        assert response.headers["Location"] == "/permohonan", target  # the applicant's landing page
        client.post("/keluar", data={"csrf_token": csrf_token(client, "/")})


def test_upload_form_next_stays_on_site(client):
    a = ApiClient(client, "pemohon@demo.local")
    case = _draft(a)
    login(client, "pemohon@demo.local")
    for target in ("https://jahat.example/", "/\\jahat.example/"):
        response = client.post(f"/permohonan/{case['id']}/berkas", data={
            "csrf_token": csrf_token(client, f"/permohonan/{case['id']}"), "requirement": "ktp", "next": target,
            "file": (io.BytesIO(MINIMAL_PDF), "ktp.pdf")}, content_type="multipart/form-data")
        assert response.status_code == 302
        assert response.headers["Location"] == f"/permohonan/{case['id']}", target


def test_officer_form_next_stays_on_site(app, client):
    a = ApiClient(client, "pemohon@demo.local")
    case = _draft(a)
    login(client, "loket@demo.local")
    response = client.post(f"/petugas/permohonan/{case['id']}/catatan", data={
        "csrf_token": csrf_token(client, "/petugas/tugas"), "body": "catatan", "next": "/\\jahat.example/"})
    assert response.status_code == 302
    assert "jahat" not in response.headers["Location"]
