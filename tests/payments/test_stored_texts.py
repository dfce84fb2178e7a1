"""What payments store on a case's history is written in Indonesian with its marked source, whatever the language of
the request that stored it; the history shows it in its reader's language."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.cases import events
from app.cases.models import Case, CaseEvent
from app.common import clock
from app.extensions import db
from app.payments import service as payments

from .support import bill_at, waiting_bill


def _notes(case_id: int, kind: str) -> list[CaseEvent]:
    return list(db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == kind)))


def test_closing_a_bill_stores_the_marked_reason(app):
    with app.app_context():
        bill = bill_at(clock.now() - timedelta(hours=1), amount=1_250_000)
        case_id = bill.case_id
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        [issued] = _notes(case_id, "bill_issued")
        assert issued.note.endswith("Rp 1.250.000")
        case = db.session.get(Case, case_id)
        payments.close_open_bills(case, "expired", note=payments.PAST_DEADLINE_NOTE)
        db.session.flush()
        [closed] = _notes(case_id, "bill_expired")
        assert closed.note == "batas pembayaran terlewati"
        assert closed.data[events.NOTE_SOURCE]["text"] == payments.PAST_DEADLINE_NOTE
        db.session.rollback()


def test_a_gateway_payment_is_noted_in_indonesian_from_its_marked_source(app):
    with app.app_context():
        bill = waiting_bill()
        db.session.commit()
        case_id, code, amount = bill.case_id, bill.billing_code, bill.amount
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        payments.confirm_payment(billing_code=code, amount=amount, paid_at=clock.now(), reference="REF-ID-1",
                                 channel="BJB")
        db.session.flush()
        [paid] = _notes(case_id, "payment_received")
        written = payments.rupiah(amount, "id")
        assert "." in written and paid.note == f"{code} · {written} · ref REF-ID-1 · dikonfirmasi Bapenda"
        source = paid.data[events.NOTE_SOURCE]
        assert source["text"] == payments.PAID_BY_GATEWAY_NOTE and source["values"]["reference"] == "REF-ID-1"
        db.session.rollback()


def test_money_on_pages_follows_the_page_language_and_stays_indonesian_when_stored(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert payments.rupiah(1_250_000) == "Rp 1,250,000"
        assert payments.rupiah(1_250_000, payments.NOTE_LOCALE) == "Rp 1.250.000"
    with app.test_request_context():
        assert payments.rupiah(1_250_000) == "Rp 1.250.000"
