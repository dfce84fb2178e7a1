"""Texts the permits domain stores on a case (event notes, the incident message) are the marked Indonesian sources,
whatever the language of the request that stored them, so the history can show them in its reader's language."""
from __future__ import annotations

from sqlalchemy import select

from app.accounts import service as accounts
from app.cases import events
from app.cases.models import CaseEvent
from app.extensions import db
from app.permits import draft
from app.permits import service as permits
from tests.permits.support import draft_case, sign


def _events(case, kind: str) -> list[CaseEvent]:
    return list(db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == kind)))


def test_the_signers_statement_is_stored_as_its_marked_source(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        case = draft_case(signed=False)
        task = sign(case)
        draft.record_confirmation(task=task, actor=accounts.get_by_email("kadis@demo.local"),
                                  data={"signing_decision": "sign"})
        db.session.flush()
        [event] = _events(case, "draft_permit_confirmed")
        assert event.note == draft.CONFIRMED_NOTE == "draf izin diperiksa sebelum ditandatangani"
        assert event.data[events.NOTE_SOURCE]["text"] == draft.CONFIRMED_NOTE
        db.session.rollback()


def test_an_unsigned_case_keeps_the_marked_refusal_as_its_incident_message(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        case = draft_case(signed=False)
        assert permits.refuse_unsigned(case, actor_id=None) is True
        db.session.flush()
        assert case.incident_message == permits.UNSIGNED_MESSAGE
        [event] = _events(case, "incident")
        assert event.note == permits.UNSIGNED_MESSAGE and event.data[events.NOTE_SOURCE]["text"] == event.note
        db.session.rollback()
