"""The SKRD (fee assessment letter): what the PDF says, who may download it, where the pages link it.

Requests run outside the test's application context, so each one authenticates afresh.
"""
from __future__ import annotations

from datetime import timedelta

from app.accounts import service as accounts
from app.common import clock
from app.extensions import db
from app.payments.models import Bill
from app.payments.terbilang import rupiah_words
from app.permits.layout import tanggal
from tests.permits.support import pdf_text, scanned_qr_codes
from tests.support.api import ApiClient
from tests.support.pages import login

from .support import bill_at, waiting_bill

SKRD = "/api/v1/cases/{case}/bills/{bill}/skrd.pdf"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _waiting(app) -> tuple[int, int, str]:
    """A bill of a pbg application waiting for payment: ids and SKRD path."""
    with app.app_context():
        bill = waiting_bill()
        return bill.id, bill.case_id, SKRD.format(case=bill.case_id, bill=bill.id)


def _draft_bill(app) -> tuple[int, int, str]:
    """A bill on a draft pbg application (quicker where the process does not matter)."""
    with app.app_context():
        bill = bill_at(clock.now() - timedelta(hours=1))
        return bill.id, bill.case_id, SKRD.format(case=bill.case_id, bill=bill.id)


def test_the_skrd_states_the_billing_code_amount_due_date_words_and_fee_rows(app, client):
    bill_id, _, path = _waiting(app)
    response = ApiClient(client, "pemohon@demo.local").get(path)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = _flat(pdf_text(response.data))
    with app.app_context():
        bill = db.session.get(Bill, bill_id)
        amount = f"{bill.amount:,}".replace(",", ".")
        assert "SURAT KETETAPAN RETRIBUSI DAERAH" in text
        assert bill.skrd_number and bill.skrd_number in text
        assert bill.billing_code in text
        assert amount in text
        assert tanggal(bill.expires_at) in text
        assert rupiah_words(bill.amount) in text
        assert bill.case.registration_number in text
        # the fee rows come from the DMN result: its rule text and the volume × rate it applied
        assert bill.basis and _flat(bill.basis) in text
        row = bill.fee_details["rows"][0]
        assert row["calculation"] and row["calculation"].replace(" ", "") in text.replace(" ", "")
        assert "Retribusi Persetujuan Bangunan Gedung" in text
        assert "Peraturan Pemerintah Nomor 16 Tahun 2021" in text
        # the taxpayer's NIK shows its last four digits only
        nik = bill.case.data["nik"]
        assert "*" * (len(nik) - 4) + nik[-4:] in text and nik not in text
        assert "/lacak?nomor=" + bill.case.registration_number in text.replace(" ", "")
        assert scanned_qr_codes(response.data) == [
            f"{app.config['PUBLIC_BASE_URL']}/lacak?nomor={bill.case.registration_number}"]


def test_a_paid_bill_s_skrd_says_it_is_paid(app, client):
    bill_id, _, path = _draft_bill(app)
    with app.app_context():
        bill = db.session.get(Bill, bill_id)
        bill.status, bill.paid_at, bill.paid_amount, bill.reference = "paid", clock.now(), bill.amount, "REF-LUNAS-1"
        db.session.commit()
    text = _flat(pdf_text(ApiClient(client, "loket@demo.local").get(path).data))
    assert "LUNAS" in text and "REF-LUNAS-1" in text


def test_only_the_case_s_applicant_and_office_staff_may_download_it(app, client):
    _, case_id, path = _draft_bill(app)
    with app.app_context():
        accounts.create_user(email="lain@demo.local", name="Pemohon Lain", password="Rahasia#2026x",
                             roles=("applicant",), verified=True)
        db.session.commit()
    assert client.get(path).status_code == 401
    assert ApiClient(client, "lain@demo.local", "Rahasia#2026x").get(path).status_code == 404
    assert ApiClient(client, "pemohon@demo.local").get(path).status_code == 200
    assert ApiClient(client, "teknis.pupr@demo.local").get(path).status_code == 200
    # the bill under another case id is not found, even for staff
    elsewhere = path.replace(f"/cases/{case_id}/", f"/cases/{case_id + 1000}/")
    assert ApiClient(client, "loket@demo.local").get(elsewhere).status_code == 404


def test_the_case_pages_link_the_skrd(app, client):
    bill_id, case_id, path = _draft_bill(app)
    login(client, "pemohon@demo.local")
    assert path in client.get(f"/permohonan/{case_id}").get_data(as_text=True)
    officer = app.test_client()
    login(officer, "loket@demo.local")
    page = officer.get(f"/petugas/permohonan/{case_id}").get_data(as_text=True)
    assert path in page
    assert f"/petugas/pembayaran/{bill_id}" in page
    listed = ApiClient(app.test_client(), "pemohon@demo.local").get(f"/api/v1/cases/{case_id}/bills").get_json()
    assert listed["items"][0]["skrd_url"] == path
