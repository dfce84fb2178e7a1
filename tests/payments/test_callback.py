"""POST /api/v1/payments/callback: signature, idempotency on reference, and every refusal of API.md."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from app.cases import service as cases
from app.cases.models import CaseEvent
from app.common import clock
from app.extensions import db
from app.payments import service as payments
from app.payments.models import Bill, PaymentLog
from tests.processes import http
from tests.processes.support import applicant, pbg_inspected


def _bill(amount: int = 248_400, *, element_id: str = "terbitkan_skrd") -> Bill:
    """An issued bill on a draft application (enough for every refusal)."""
    case = cases.create_draft(actor=applicant(), service_key="pbg", data={})
    bill = payments.issue_bill(case, amount=amount, element_id=element_id)
    db.session.commit()
    return bill


def _body(bill: Bill, **changes) -> dict:
    return {"billing_code": bill.billing_code, "amount": bill.amount, "paid_at": clock.iso(clock.now()),
            "reference": "BJB-20261124-0001", **changes}


def _outcomes() -> list[str]:
    return list(db.session.scalars(select(PaymentLog.outcome).order_by(PaymentLog.id)))


def test_a_bad_signature_is_refused_and_logged(client, ctx):
    bill = _bill()
    response = http.callback(client, _body(bill), secret="not-the-secret")
    assert response.status_code == 401
    assert db.session.get(Bill, bill.id).status == "issued"
    assert _outcomes() == ["unauthorized"]


def test_without_a_configured_secret_every_callback_is_refused(client, ctx):
    bill = _bill()
    ctx.config["PAYMENT_CALLBACK_SECRET"] = ""
    raw = json.dumps(_body(bill)).encode()
    response = client.post("/api/v1/payments/callback", data=raw, content_type="application/json",
                           headers={"X-Signature": payments.signature_for(raw, "")})
    assert response.status_code == 401


def test_an_unknown_billing_code_is_404(client, ctx):
    response = http.callback(client, _body(_bill(), billing_code="320026999999990"))
    assert response.status_code == 404


def test_a_refused_body_holding_nul_characters_is_still_logged(client, ctx):
    # PostgreSQL refuses NUL in text and JSON columns: the refusal must be logged, never end in a 500.
    response = http.callback(client, _body(_bill(), billing_code="3200\u0000", reference="X\u0000Y", note="\u0000"))
    assert response.status_code in (404, 422)
    assert _outcomes()[-1] in ("not_found", "validation_error")


def test_an_amount_other_than_the_bill_is_409_and_the_bill_stays_unpaid(client, ctx):
    bill = _bill()
    response = http.callback(client, _body(bill, amount=bill.amount - 1000))
    assert response.status_code == 409
    assert response.get_json()["error"]["reason"] == "amount_mismatch"
    assert db.session.get(Bill, bill.id).status == "issued"
    assert _outcomes() == ["amount_mismatch"]


def test_a_payment_made_after_the_bill_expired_is_409_even_before_the_timer_fired(client, ctx):
    bill = _bill()
    late = clock.iso(bill.expires_at + timedelta(minutes=5))
    response = http.callback(client, _body(bill, paid_at=late))
    assert response.status_code == 409
    assert response.get_json()["error"]["reason"] == "bill_expired"


def test_a_withdrawn_application_cancels_its_bill(client, ctx):
    bill = _bill()
    cases.withdraw(case=bill.case, actor=applicant(), reason="Batal membangun.")
    db.session.commit()
    assert db.session.get(Bill, bill.id).status == "cancelled"
    assert http.callback(client, _body(bill)).status_code == 409


def test_an_invalid_body_is_refused_before_any_bill_is_touched(client, ctx):
    bill = _bill()
    raw = b"not json"
    malformed = client.post("/api/v1/payments/callback", data=raw, content_type="application/json",
                            headers={"X-Signature": payments.signature_for(raw, http.CALLBACK_SECRET)})
    assert malformed.status_code == 400
    missing = http.callback(client, {"billing_code": bill.billing_code, "amount": "248400"})
    assert missing.status_code == 422
    assert {"amount", "paid_at", "reference"} <= set(missing.get_json()["error"]["fields"])
    assert db.session.get(Bill, bill.id).status == "issued"


def test_the_same_reference_again_answers_200_and_records_nothing_new(client, ctx):
    case = pbg_inspected()
    bill = db.session.scalar(select(Bill).where(Bill.case_id == case.id))
    body = _body(bill, paid_at=clock.iso(bill.issued_at + timedelta(minutes=2)))
    first = http.callback(client, body)
    assert first.status_code == 200 and first.get_json()["status"] == "accepted"
    events_after_first = db.session.scalar(select(func.count()).select_from(CaseEvent)
                                           .where(CaseEvent.case_id == case.id))
    second = http.callback(client, body)
    assert second.status_code == 200 and second.get_json()["status"] == "duplicate"
    assert second.get_json()["billing_code"] == bill.billing_code
    assert db.session.scalar(select(func.count()).select_from(CaseEvent)
                             .where(CaseEvent.case_id == case.id)) == events_after_first
    db.session.expire_all()
    paid = db.session.get(Bill, bill.id)
    assert (paid.status, paid.reference, paid.paid_amount, paid.confirmed_by) == (
        "paid", body["reference"], bill.amount, "gateway")
    assert _outcomes() == ["accepted", "duplicate"]
    assert db.session.get(type(case), case.id).status == "in_review"


def test_a_reference_already_used_for_another_bill_is_409(client, ctx):
    paid = _bill(element_id="first")
    paid.status, paid.reference, paid.paid_at = "paid", "BJB-20261124-0001", clock.now()
    other = _bill(element_id="second")
    db.session.commit()
    response = http.callback(client, _body(other))
    assert response.status_code == 409
    assert response.get_json()["error"]["reason"] == "reference_reused"
