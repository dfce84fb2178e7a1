"""The payment callback cannot date a payment before its bill existed, nor in the future."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.cases import service as cases
from app.common import clock
from app.extensions import db
from app.payments import service as payments
from app.payments.models import Bill, PaymentLog
from tests.processes import http
from tests.processes.support import applicant, pbg_inspected


def _bill() -> Bill:
    case = cases.create_draft(actor=applicant(), service_key="pbg", data={})
    bill = payments.issue_bill(case, amount=248_400, element_id="terbitkan_skrd")
    db.session.commit()
    return bill


def _pay(client, bill: Bill, paid_at) -> object:
    return http.callback(client, {"billing_code": bill.billing_code, "amount": bill.amount,
                                  "paid_at": clock.iso(paid_at), "reference": "BJB-20261124-0009"})


@pytest.mark.parametrize("offset, reason", [
    (timedelta(days=-30), "paid_before_bill"),  # back-dated into a period before the bill existed
    (timedelta(days=-3650), "paid_before_bill"),
    (timedelta(days=2), "paid_in_future"),  # still before the bill expires
])
def test_a_paid_at_outside_the_bills_life_is_422_on_that_field(client, ctx, offset, reason):
    """Back-dating moves revenue into closed periods and hides late payment; both are refused, nothing paid."""
    bill = _bill()
    response = _pay(client, bill, bill.issued_at + offset)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["reason"] == reason and error["fields"]["paid_at"]
    db.session.expire_all()
    stored = db.session.get(Bill, bill.id)
    assert (stored.status, stored.paid_at) == ("issued", None)
    assert db.session.scalars(db.select(PaymentLog.outcome)).all() == [reason]


def test_a_paid_at_within_the_clock_skew_is_accepted(client, ctx):
    """The gateway's clock may be a little behind ours or ahead of it."""
    bill = db.session.scalar(db.select(Bill).where(Bill.case_id == pbg_inspected().id))  # waits for payment
    response = _pay(client, bill, bill.issued_at - timedelta(minutes=2))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "accepted"
