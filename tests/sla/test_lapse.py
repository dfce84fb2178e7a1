"""Legal deadline lapse (fiktif positif): the head of office is told once, or the case is deemed approved."""
from __future__ import annotations

from app.cases.models import Case
from app.extensions import db
from app.notifications.models import Notification
from tests.sla.flow import (
    RECOMMEND,
    VERIFY_COMPLETE,
    clock_row,
    complete,
    deploy_sip_apoteker_with,
    events_of,
    jkt,
    submit_case,
    tick,
)


def running_case() -> int:
    """A case whose clock runs from Tue 7 Jul 2026 08:00 (legal deadline Mon 13 Jul 16:00)."""
    case_id = submit_case(jkt(2026, 7, 6, 9))
    complete(case_id, "loket@demo.local", VERIFY_COMPLETE, jkt(2026, 7, 6, 10))
    complete(case_id, "teknis.dinkes@demo.local", RECOMMEND, jkt(2026, 7, 6, 11))
    return case_id


def test_a_lapsed_legal_deadline_flags_the_case_for_the_head_of_office_once(ctx):
    case_id = running_case()
    row = clock_row(case_id)
    assert row.lapse_check_at == row.legal_deadline_at
    tick(ctx, jkt(2026, 7, 13, 15))
    assert events_of(case_id, "sla_lapsed") == []
    tick(ctx, jkt(2026, 7, 13, 16, 30))
    tick(ctx, jkt(2026, 7, 14, 9))
    [lapsed] = events_of(case_id, "sla_lapsed")
    assert lapsed.data["action"] == "flag"
    told = {n.recipient for n in db.session.query(Notification).filter_by(template="sla_lapsed", channel="email")}
    assert told == {"kadis@demo.local", "supervisor@demo.local"}
    assert db.session.get(Case, case_id).status == "in_review"
    assert clock_row(case_id).deemed_approved_at is None and events_of(case_id, "sla_deemed_approved") == []


def test_a_service_may_deem_a_lapsed_case_approved(ctx):
    deploy_sip_apoteker_with(("sip_apoteker.bpmn", "sip_apoteker", "lapseAction", "auto_approve"))
    case_id = running_case()
    tick(ctx, jkt(2026, 7, 14, 9))
    assert len(events_of(case_id, "sla_deemed_approved")) == 1
    db.session.rollback()
    assert clock_row(case_id).deemed_approved_at is not None
    applicant = db.session.query(Notification).filter_by(template="case_deemed_approved", channel="email").one()
    assert applicant.recipient == "pemohon@demo.local"
    from app.sla import clocks

    assert clocks.summary(db.session.get(Case, case_id))["deemed_approved"] is True


def test_a_paused_clock_does_not_lapse(ctx):
    case_id = submit_case(jkt(2026, 7, 6, 9))
    complete(case_id, "loket@demo.local", VERIFY_COMPLETE, jkt(2026, 7, 6, 10))  # waits on Dinas Kesehatan
    tick(ctx, jkt(2026, 7, 31, 9))
    assert events_of(case_id, "sla_lapsed") == []
