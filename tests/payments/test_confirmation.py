"""Counter confirmation: an officer records a bank slip through the same path as the gateway's callback."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.cases.models import Case, CaseEvent, Document
from app.common import clock
from app.common.signals import security_event
from app.extensions import db
from app.inbox.models import OPEN_STATES, Task
from app.payments.models import Bill, PaymentLog
from tests.processes import http
from tests.support.api import MINIMAL_PNG, ApiClient
from tests.support.pages import csrf_token, login

from .support import bill_at, slip_form, waiting_bill


@pytest.fixture
def signals():
    """The payment_confirmed security signals sent during the test."""
    received = []

    def receiver(sender, **kw):
        if kw.get("kind") == "payment_confirmed":
            received.append(kw)

    security_event.connect(receiver)
    yield received
    security_event.disconnect(receiver)


def _ref(bill: Bill) -> dict:
    return {"id": bill.id, "case_id": bill.case_id, "code": bill.billing_code, "amount": bill.amount,
            "issued_at": bill.issued_at, "expires_at": bill.expires_at}


def _waiting(app) -> dict:
    """A bill whose case waits for the payment (a pbg application taken through its steps)."""
    with app.app_context():
        return _ref(waiting_bill())


def _draft_bill(app) -> dict:
    """A bill on a draft application: quicker, for what is refused before the case is touched."""
    with app.app_context():
        return _ref(bill_at(clock.now() - timedelta(hours=2), amount=248_400))


def _officer(app, email: str = "loket@demo.local"):
    browser = app.test_client()
    login(browser, email)
    return browser


def _post_slip(browser, bill: dict, **changes):
    """Submit the counter form (CSRF token from the page), as of a day after the bill was issued."""
    path = f"/petugas/pembayaran/{bill['id']}"
    with clock.frozen_at(bill["issued_at"] + timedelta(days=1)):
        token = csrf_token(browser, path)
        stub = Bill(id=bill["id"], billing_code=bill["code"], amount=bill["amount"], issued_at=bill["issued_at"])
        return browser.post(path, data={**slip_form(stub, **changes), "csrf_token": token},
                            content_type="multipart/form-data")


def _state(app, case_id: int) -> dict:
    """What the payment changed: case status, open steps, bill, events by kind."""
    with app.app_context():
        case = db.session.get(Case, case_id)
        bill = db.session.scalar(select(Bill).where(Bill.case_id == case_id))
        steps = sorted(t.bpmn_id for t in db.session.scalars(
            select(Task).where(Task.case_id == case_id, Task.state.in_(OPEN_STATES))))
        kinds = list(db.session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case_id)
                                        .order_by(CaseEvent.id)))
        payment = db.session.scalar(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                            CaseEvent.kind == "payment_received"))
        proofs = list(db.session.scalars(select(Document).where(Document.case_id == case_id,
                                                                Document.requirement == "bukti_bayar")))
        return {"status": case.status, "steps": steps, "bill_status": bill.status, "paid_amount": bill.paid_amount,
                "confirmed_by": bill.confirmed_by, "confirmed_by_id": bill.confirmed_by_id,
                "proof_document_id": bill.proof_document_id, "kinds": kinds,
                "payment_actor": payment.actor_id if payment else None,
                "proofs": [(p.id, p.content_type) for p in proofs]}


def _user_id(app, email: str) -> int:
    from app.accounts import service as accounts

    with app.app_context():
        return accounts.get_by_email(email).id


def test_a_counter_confirmation_completes_the_payment_step_like_the_gateway(app, client, signals):
    by_gateway, by_counter = _waiting(app), _waiting(app)
    body = {"billing_code": by_gateway["code"], "amount": by_gateway["amount"], "reference": "BPD-GW-1",
            "paid_at": clock.iso(by_gateway["issued_at"] + timedelta(hours=1))}
    assert http.callback(client, body).status_code == 200
    response = _post_slip(_officer(app), by_counter)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"].endswith(f"/petugas/permohonan/{by_counter['case_id']}")

    gateway, counter = _state(app, by_gateway["case_id"]), _state(app, by_counter["case_id"])
    assert counter["status"] == gateway["status"] == "in_review"
    assert counter["steps"] == gateway["steps"] == ["persetujuan"]
    assert counter["bill_status"] == gateway["bill_status"] == "paid"
    assert counter["paid_amount"] == by_counter["amount"]
    # the same audit trail, plus the stored proof; the officer is the actor
    assert [k for k in counter["kinds"] if k != "document_uploaded"] == \
        [k for k in gateway["kinds"] if k != "document_uploaded"]
    loket = _user_id(app, "loket@demo.local")
    assert (counter["confirmed_by"], counter["confirmed_by_id"], counter["payment_actor"]) == ("manual", loket, loket)
    assert (gateway["confirmed_by"], gateway["confirmed_by_id"], gateway["payment_actor"]) == ("gateway", None, None)
    assert counter["proofs"] == [(counter["proof_document_id"], "application/pdf")]
    assert [(s["kind"], s["actor_id"], s["detail"]["channel"], s["ok"]) for s in signals] == [
        ("payment_confirmed", None, "gateway", True), ("payment_confirmed", loket, "manual", True)]
    assert signals[1]["subject"] == f"bill:{by_counter['id']}"
    assert signals[1]["detail"] == {"billing_code": by_counter["code"], "amount": by_counter["amount"],
                                    "channel": "manual"}


def test_recording_the_same_slip_twice_changes_nothing_the_second_time(app, signals):
    bill = _waiting(app)
    browser = _officer(app)
    assert _post_slip(browser, bill).status_code == 302
    first = _state(app, bill["case_id"])
    again = _post_slip(browser, bill)
    assert again.status_code == 302
    page = browser.get(again.headers["Location"]).get_data(as_text=True)
    assert "sudah tercatat" in page
    assert _state(app, bill["case_id"]) == first
    assert len(signals) == 1
    with app.app_context():
        assert list(db.session.scalars(select(PaymentLog.outcome).order_by(PaymentLog.id))) == ["accepted",
                                                                                                  "duplicate"]


def test_an_amount_other_than_the_bill_is_shown_against_the_amount_field(app):
    bill = _draft_bill(app)
    response = _post_slip(_officer(app), bill, amount=bill["amount"] - 1000)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="e-amount"' in page and "Jumlah harus sama dengan tagihan" in page
    state = _state(app, bill["case_id"])
    assert (state["bill_status"], state["proofs"]) == ("issued", [])


def test_a_payment_after_the_deadline_is_shown_against_the_date_field(app):
    bill = _draft_bill(app)
    late = bill["expires_at"] + timedelta(hours=2)
    browser = _officer(app)
    path = f"/petugas/pembayaran/{bill['id']}"
    with clock.frozen_at(late + timedelta(hours=1)):
        token = csrf_token(browser, path)
        stub = Bill(id=bill["id"], billing_code=bill["code"], amount=bill["amount"], issued_at=bill["issued_at"])
        response = browser.post(path, data={**slip_form(stub, paid_at=late), "csrf_token": token},
                                content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="e-paid_at"' in page and "batas waktu tagihan" in page
    assert _state(app, bill["case_id"])["bill_status"] == "issued"


def test_an_expired_bill_cannot_be_confirmed(app):
    bill = _draft_bill(app)
    with app.app_context():
        db.session.get(Bill, bill["id"]).status = "expired"
        db.session.commit()
    response = _post_slip(_officer(app), bill)
    assert response.status_code == 422
    assert "tidak dapat dibayar lagi" in response.get_data(as_text=True)
    assert _state(app, bill["case_id"])["bill_status"] == "expired"


@pytest.mark.parametrize(("content", "filename"), [(MINIMAL_PNG, "slip.pdf"), (b"MZ\x90\x00 not a pdf", "slip.pdf"),
                                                   (b"%PDF-1.4 ...", "slip.exe")])
def test_a_proof_that_is_not_what_it_claims_is_refused(app, content, filename):
    bill = _draft_bill(app)
    response = _post_slip(_officer(app), bill, proof=content, filename=filename)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="e-proof"' in page
    state = _state(app, bill["case_id"])
    assert (state["bill_status"], state["proofs"]) == ("issued", [])
    uploads = [p for p in (app.config["UPLOAD_DIR"] and __import__("pathlib").Path(app.config["UPLOAD_DIR"])
                           .rglob("*")) if p.is_file()]
    with app.app_context():
        kept = db.session.scalar(select(func.count()).select_from(Document))
    assert len(uploads) == kept  # the refused file was not left in storage


def test_only_the_front_office_supervisors_and_admins_may_confirm(app, client):
    bill = _draft_bill(app)
    path = f"/petugas/pembayaran/{bill['id']}"
    for email, expected in (("pemohon@demo.local", 403), ("teknis.pupr@demo.local", 403),
                            ("supervisor@demo.local", 200), ("loket@demo.local", 200)):
        assert _officer(app, email).get(path).status_code == expected, email
        api = ApiClient(app.test_client(), email)
        assert api.get("/api/v1/payments/outstanding").status_code == expected, email
    applicant = ApiClient(app.test_client(), "pemohon@demo.local")
    refused = applicant.post(f"/api/v1/payments/bills/{bill['id']}/confirmations", data={},
                             content_type="multipart/form-data")
    assert refused.status_code == 403
    assert client.get(path).status_code == 302  # anonymous: to the login page
    assert _state(app, bill["case_id"])["bill_status"] == "issued"


def test_the_form_needs_its_csrf_token(app):
    bill = _draft_bill(app)
    browser = _officer(app)
    stub = Bill(id=bill["id"], billing_code=bill["code"], amount=bill["amount"], issued_at=bill["issued_at"])
    response = browser.post(f"/petugas/pembayaran/{bill['id']}", data=slip_form(stub),
                            content_type="multipart/form-data")
    assert response.status_code == 400
    assert _state(app, bill["case_id"])["bill_status"] == "issued"


def test_the_outstanding_list_finds_a_bill_by_code_or_registration_number(app):
    bill = _waiting(app)
    with app.app_context():
        registration = db.session.get(Case, bill["case_id"]).registration_number
    browser = _officer(app)
    for term in (bill["code"], registration.lower()):
        page = browser.get("/petugas/pembayaran", query_string={"q": term}).get_data(as_text=True)
        assert f"/petugas/pembayaran/{bill['id']}" in page, term
    assert f"/petugas/pembayaran/{bill['id']}" not in browser.get(
        "/petugas/pembayaran", query_string={"q": "TIDAK-ADA"}).get_data(as_text=True)


def test_the_json_api_confirms_the_same_way(app):
    import io

    from tests.support.api import MINIMAL_PDF

    bill = _waiting(app)
    path = f"/api/v1/payments/bills/{bill['id']}/confirmations"
    form = {"amount": str(bill["amount"]), "paid_at": clock.iso(bill["issued_at"] + timedelta(hours=3)),
            "bank": "Bank Jateng", "reference": "JTG-889"}
    with clock.frozen_at(bill["issued_at"] + timedelta(days=1)):
        api = ApiClient(app.test_client(), "loket@demo.local")
        wrong = api.post(path, data={**form, "amount": "1000", "proof": (io.BytesIO(MINIMAL_PDF), "slip.pdf")},
                         content_type="multipart/form-data")
        assert wrong.status_code == 409
        assert wrong.get_json()["error"]["reason"] == "amount_mismatch"
        assert "amount" in wrong.get_json()["error"]["fields"]
        done = api.post(path, data={**form, "proof": (io.BytesIO(MINIMAL_PDF), "slip.pdf")},
                        content_type="multipart/form-data")
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "accepted"
    assert done.get_json()["bill"]["status"] == "paid"
    assert done.get_json()["bill"]["channel"] == "Bank Jateng"
    assert _state(app, bill["case_id"])["status"] == "in_review"


def test_the_outstanding_list_loads_its_bills_cases_in_the_same_statements_whatever_their_number(app):
    from tests.inbox.test_query_count import recorded_statements

    officer = _officer(app)

    def statements_for_page() -> int:
        with app.app_context(), recorded_statements() as statements:
            assert officer.get("/petugas/pembayaran").status_code == 200
        return len(statements)

    with app.app_context():
        for hours in (2, 3):
            bill_at(clock.now() - timedelta(hours=hours))
    few = statements_for_page()
    with app.app_context():
        for hours in range(4, 10):
            bill_at(clock.now() - timedelta(hours=hours))
    assert statements_for_page() == few  # no statement per bill (its case, service, applicant)
