"""Officers search cases by registration number, applicant name, NIK, service, status and dates."""
from __future__ import annotations

import pytest

from tests.inbox.support import PageClient, aware, make_applicant, make_case


@pytest.fixture
def cases(app):
    with app.app_context():
        from app.extensions import db

        rina = make_case(make_applicant("Rina Marlina", nik="3273000000000001"),
                         submitted_at=aware("2026-11-02T10:00:00+07:00"))
        joko = make_case(make_applicant("Joko Susilo"), status="issued", submitted_at=aware("2026-11-20T10:00:00+07:00"),
                         data={"nik": "3273000000000002"})
        draft = make_case(make_applicant("Draf Saja"), status="draft")
        found = {"rina": rina.registration_number, "joko": joko.registration_number, "draft": draft.registration_number}
        db.session.commit()
        return found


def _found(page, query):
    html = page.text(f"/petugas/permohonan?{query}")
    return html


def test_search_by_name_number_nik_status_and_dates(client, cases):
    page = PageClient(client, "teknis.dinkes@demo.local")
    html = _found(page, "q=marlina")
    assert cases["rina"] in html and cases["joko"] not in html
    assert cases["joko"] in _found(page, f"q={cases['joko'][-6:]}")
    assert cases["rina"] in _found(page, "nik=3273000000000001")
    assert cases["joko"] in _found(page, "nik=3273000000000002")  # the NIK in the application data
    html = _found(page, "status=issued")
    assert cases["joko"] in html and cases["rina"] not in html
    html = _found(page, "from=2026-11-10&to=2026-11-30")
    assert cases["joko"] in html and cases["rina"] not in html
    html = _found(page, "service=sip_apoteker")
    assert cases["draft"] not in html and "2 permohonan ditemukan" in html
    assert page.get("/petugas/permohonan?from=2026-12-01&to=2026-11-01").status_code == 422


def test_search_and_case_pages_are_for_office_staff(client, cases):
    assert client.get("/petugas/permohonan?q=x").status_code == 302
    assert PageClient(client, "pemohon@demo.local").get("/petugas/permohonan?q=x").status_code == 403
