"""Jemput bola: an officer registers a walk-in applicant, fills the application, uploads and submits for them."""
from __future__ import annotations

import io
import re

from tests.inbox.support import PageClient
from tests.support.api import MINIMAL_PDF, MINIMAL_PNG
from tests.support.data import requirements, sample_application


def _start(page: PageClient, **fields):
    form = {"nik": "3273014501900002", "email": "warga.baru@contoh.id", "name": "Warga Baru", "phone": "081298765432",
            "service": "sip_apoteker", **fields}
    return page.post("/petugas/jemput-bola", data=form)


def test_an_officer_registers_a_walk_in_applicant_and_submits_on_their_behalf(app, client):
    page = PageClient(client, "loket@demo.local")
    response = _start(page)
    assert response.status_code == 302, response.get_data(as_text=True)
    draft_url = response.headers["Location"]
    case_id = int(re.search(r"/jemput-bola/(\d+)", draft_url).group(1))
    html = page.text(draft_url)
    assert 'value="3273014501900002"' in html  # NIK prefilled from the new account

    data = {k: str(v) for k, v in sample_application().items()}
    assert page.post(f"/petugas/jemput-bola/{case_id}/data", data=data).status_code == 302
    files = {}
    for req in requirements():
        if req["required"]:
            content, ext = (MINIMAL_PDF, "pdf") if ".pdf" in req["accept"] else (MINIMAL_PNG, "png")
            files[f"file_{req['key']}"] = (io.BytesIO(content), f"{req['key']}.{ext}")
    uploaded = page.client.post(f"/petugas/jemput-bola/{case_id}/berkas", data={"csrf_token": page.token, **files},
                                content_type="multipart/form-data", follow_redirects=True)
    assert uploaded.status_code == 200 and "diunggah" in PageClient.flashes(uploaded)
    submitted = page.post(f"/petugas/jemput-bola/{case_id}/ajukan", follow_redirects=True)
    assert submitted.status_code == 200
    assert "Permohonan diajukan atas nama Warga Baru" in PageClient.flashes(submitted)

    with app.app_context():
        from app.accounts import service as accounts
        from app.cases.models import Case
        from app.extensions import db
        from app.notifications.models import Notification

        case = db.session.get(Case, case_id)
        applicant = accounts.get_by_email("warga.baru@contoh.id")
        assert case.status == "submitted" and case.registration_number
        assert case.applicant_id == applicant.id and case.entered_by.email == "loket@demo.local"
        assert applicant.has_role("applicant") and applicant.nik == "3273014501900002" and not applicant.password_hash
        assert db.session.query(Notification).filter_by(user_id=applicant.id, template="password_reset").count() == 1


def test_an_existing_applicant_is_found_by_email_and_nik(app, client):
    with app.app_context():
        from app.accounts import service as accounts
        from app.extensions import db

        known = accounts.get_by_email("pemohon@demo.local")
        nik, count_before = known.nik, db.session.query(type(known)).count()
    page = PageClient(client, "loket@demo.local")
    response = _start(page, nik=nik, email="PEMOHON@demo.local", name="")
    assert response.status_code == 302
    with app.app_context():
        from app.accounts.models import User
        from app.extensions import db

        assert db.session.query(User).count() == count_before


def test_a_nik_registered_with_another_email_or_bad_input_is_refused_with_messages(app, client):
    with app.app_context():
        from app.accounts import service as accounts

        nik = accounts.get_by_email("pemohon@demo.local").nik
    page = PageClient(client, "loket@demo.local")
    response = _start(page, nik=nik, email="orang.lain@contoh.id")
    assert response.status_code == 422 and "sudah terdaftar dengan email" in response.get_data(as_text=True)
    response = _start(page, nik="123", email="bukan-email", service="")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "16 digit" in html and "Alamat email tidak valid" in html


def test_submitting_an_incomplete_draft_lists_what_is_missing(client):
    page = PageClient(client, "loket@demo.local")
    draft_url = _start(page).headers["Location"]
    case_id = int(re.search(r"/jemput-bola/(\d+)", draft_url).group(1))
    response = page.post(f"/petugas/jemput-bola/{case_id}/ajukan")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "KTP wajib diunggah" in html and "field-error" in html
    assert PageClient(client, "teknis.dinkes@demo.local").get(draft_url).status_code == 404
