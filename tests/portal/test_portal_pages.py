"""The applicant's pages: my applications, the case page, a revision round, withdrawal, survey."""
from __future__ import annotations

import io

import pytest

from tests.support.api import MINIMAL_PDF, ApiClient
from tests.support.flow import submit_application, take_group_task
from tests.support.pages import csrf_token, login, submit

pytestmark = pytest.mark.one_database  # nothing here depends on the database


def _flag_stra(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    loket = ApiClient(client, "loket@demo.local")
    case = submit_application(applicant)
    task = take_group_task(loket, case["id"])
    loket.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {
        "verification_outcome": "revision", "verification_note": "STRA belum dilegalisir.",
        "document_verdicts": {"stra": {"verdict": "revise", "note": "Legalisir tidak tampak."}}}})
    return case["id"]


def test_case_page_lists_only_flagged_documents_and_unlocks_only_them(client, app):
    case_id = _flag_stra(client)
    login(client, "pemohon@demo.local")
    page = client.get(f"/permohonan/{case_id}").get_data(as_text=True)
    assert "Perbaikan yang diminta petugas" in page and "Legalisir tidak tampak." in page
    assert 'name="requirement" value="stra"' in page and 'name="requirement" value="ktp"' not in page
    assert "Menunggu: <strong>Anda</strong>" in page
    token = csrf_token(client, f"/permohonan/{case_id}")
    refused = client.post(f"/permohonan/{case_id}/berkas", data={
        "csrf_token": token, "requirement": "ktp", "file": (io.BytesIO(MINIMAL_PDF), "ktp.pdf")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "Hanya dokumen yang diminta untuk diperbaiki" in refused.get_data(as_text=True)
    client.post(f"/permohonan/{case_id}/berkas", data={
        "csrf_token": token, "requirement": "stra", "file": (io.BytesIO(MINIMAL_PDF), "stra.pdf")},
        content_type="multipart/form-data")
    response = submit(client, f"/permohonan/{case_id}/perbaikan", {"response_note": "Sudah diganti."},
                      form_page=f"/permohonan/{case_id}")
    assert response.status_code == 302
    view = ApiClient(app.test_client(), "pemohon@demo.local").get(f"/api/v1/cases/{case_id}").get_json()
    assert view["status"] == "submitted"
    stra = [d for d in view["documents"] if d["requirement"] == "stra"]
    assert len(stra) == 1 and stra[0]["filename"] == "stra.pdf"


def test_my_cases_shows_plain_status_and_next_action(client):
    case_id = _flag_stra(client)
    login(client, "pemohon@demo.local")
    page = client.get("/permohonan").get_data(as_text=True)
    assert "Perlu perbaikan dari Anda" in page and f"/permohonan/{case_id}" in page
    assert "Yang perlu Anda lakukan" in page


def test_another_applicant_cannot_open_the_case_page(client, app):
    case_id = _flag_stra(client)
    with app.app_context():
        from app.accounts import service
        from app.extensions import db

        service.create_user(email="lain@contoh.id", name="Lain", password="Rahasia#2026", verified=True)
        db.session.commit()
    login(client, "lain@contoh.id", "Rahasia#2026")
    assert client.get(f"/permohonan/{case_id}").status_code == 404
    assert client.get(f"/permohonan/{case_id}/survei").status_code == 404


def test_withdraw_before_issuance(client, app):
    case_id = _flag_stra(client)
    login(client, "pemohon@demo.local")
    response = submit(client, f"/permohonan/{case_id}/batal", {"reason": "Pindah kota"},
                      form_page=f"/permohonan/{case_id}")
    assert response.status_code == 302
    view = ApiClient(app.test_client(), "pemohon@demo.local").get(f"/api/v1/cases/{case_id}").get_json()
    assert view["status"] == "withdrawn" and view["current_steps"] == []


def test_survey_page_after_a_finished_case(client, app):
    case_id = _flag_stra(client)
    with app.app_context():
        from app.cases.models import Case
        from app.extensions import db

        db.session.get(Case, case_id).status = "issued"
        db.session.commit()
    login(client, "pemohon@demo.local")
    answers = {f"u{i}": "4" for i in range(1, 10)} | {"u9": "2"}
    incomplete = submit(client, f"/permohonan/{case_id}/survei", {k: v for k, v in answers.items() if k != "u5"})
    assert incomplete.status_code == 422
    done = submit(client, f"/permohonan/{case_id}/survei", answers)
    assert done.status_code == 302
    with app.app_context():
        from app.surveys import service

        assert service.ikm()["responses"] == 1


def test_revision_email_carries_a_single_use_link_to_the_case(client, app):
    import re

    from sqlalchemy import select

    case_id = _flag_stra(client)
    with app.app_context():
        from app.extensions import db
        from app.notifications.models import Notification

        mail = db.session.scalars(select(Notification).where(
            Notification.case_id == case_id, Notification.channel == "email",
            Notification.template == "action_required")).one()
        body = mail.body
    path = re.search(r"https?://[^/\s]+(/akun/tautan/[A-Za-z0-9_\-]+)", body).group(1)
    assert re.search(r"kode \d{6}", body)
    browser = app.test_client()
    response = browser.get(path)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/permohonan/{case_id}")
    assert "Perbaikan yang diminta petugas" in browser.get(f"/permohonan/{case_id}").get_data(as_text=True)
    assert app.test_client().get(path).status_code == 400  # single use


def test_applicants_history_hides_officers_names_in_notes(client, app):
    case_id = _flag_stra(client)
    with app.app_context():
        from app.accounts.service import get_by_email
        from app.cases import service as cases
        from app.extensions import db

        case = db.session.get(cases.Case, case_id)
        applicant_view = cases.history(case, for_applicant=True)
        staff_view = cases.history(case, for_applicant=False)
        assert get_by_email("loket@demo.local")
    assert not any("Andi Verifikator" in (h["note"] or "") + h["actor"] for h in applicant_view)
    assert any(h["actor"] == "Andi Verifikator" for h in staff_view)
