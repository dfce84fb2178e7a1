"""Bills to work on: a real pbg application waiting for payment, and bills issued at chosen moments."""
from __future__ import annotations

import io
from datetime import datetime, timedelta

from sqlalchemy import select

from app.cases import service as cases
from app.common import clock
from app.extensions import db
from app.payments import service as payments
from app.payments.models import Bill
from tests.processes.support import applicant, pbg_inspected


def waiting_bill() -> Bill:
    """The bill of a pbg application that went through verification and inspection (waiting for payment)."""
    case = pbg_inspected()
    bill = db.session.scalar(select(Bill).where(Bill.case_id == case.id))
    assert bill is not None and case.status == "waiting_payment", case.status
    return bill


def bill_at(moment: datetime, *, service: str = "pbg", amount: int = 100_000, valid_days: int = 14) -> Bill:
    """A bill issued at `moment` on a draft application of the service (committed)."""
    with clock.frozen_at(moment):
        case = cases.create_draft(actor=applicant(), service_key=service, data={})
        bill = payments.issue_bill(case, amount=amount, valid_days=valid_days, element_id=f"bill-{moment:%Y%m%d%H%M}")
        db.session.commit()
    return bill


def local_input(moment: datetime) -> str:
    """A moment as a datetime-local input holds it (Jakarta time, minutes)."""
    return clock.to_local(moment).strftime("%Y-%m-%dT%H:%M")


def slip_form(bill: Bill, *, paid_at: datetime | None = None, amount: object = None, reference: str = "BJB-LKT-0001",
              proof: bytes | None = None, filename: str = "slip.pdf") -> dict:
    """The counter form paying the bill in full an hour after issue, with a PDF slip."""
    from tests.support.api import MINIMAL_PDF

    return {"amount": str(bill.amount if amount is None else amount),
            "paid_at": local_input(paid_at or bill.issued_at + timedelta(hours=1)),
            "bank": "Bank BJB", "reference": reference,
            "proof": (io.BytesIO(MINIMAL_PDF if proof is None else proof), filename)}
