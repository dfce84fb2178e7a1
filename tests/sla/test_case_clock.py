"""The case clock: starts after the file is complete, pauses on the applicant and agencies, never resets."""
from __future__ import annotations

import pytest

from app.cases import service as cases
from app.cases.models import Case
from app.common import clock
from app.extensions import db
from app.sla import clocks, ledger
from tests.sla.flow import (
    APPROVE,
    RECOMMEND,
    REVISION_RETURNED,
    SIGN,
    VERIFY_COMPLETE,
    VERIFY_REVISION,
    clock_row,
    complete,
    events_of,
    jkt,
    submit_case,
    user,
)


def summary_at(case_id: int, moment) -> dict:
    db.session.expire_all()
    return clocks.summary(db.session.get(Case, case_id), now=moment)


def test_submitted_case_has_a_pending_clock_with_a_provisional_deadline(ctx):
    case_id = submit_case(jkt(2026, 7, 6, 9))  # Monday
    case = db.session.get(Case, case_id)
    sla = cases.sla_summary(case)
    assert sla["state"] == "pending" and sla["used_working_days"] == 0
    # As if the file were complete today: 5 working days counted from Tuesday.
    assert case.due_at == jkt(2026, 7, 13, 16)
    assert sla["sop_days"] == 5 and sla["remaining_working_days"] == 5


def test_estimated_completion_adds_the_remaining_steps_but_never_precedes_the_target(ctx):
    case_id = submit_case(jkt(2026, 7, 6, 9))
    case = db.session.get(Case, case_id)
    # Steps still ahead: verification (due Tue 16:00: 15 office hours), Dinkes 3, head of division 1, signing 1
    # = 6.875 working days from Monday 09:00 -> Tuesday 14 Jul 16:00, a day past the 5-day target.
    assert clock.to_local(case.estimated_completion) == jkt(2026, 7, 14, 16)
    complete(case_id, "loket@demo.local", VERIFY_COMPLETE, jkt(2026, 7, 6, 10))
    complete(case_id, "teknis.dinkes@demo.local", RECOMMEND, jkt(2026, 7, 7, 10))
    case = db.session.get(Case, case_id)
    # Two short steps remain (Thu 9 Jul 16:00), but the clock's projection is later: 5 days from Tue 10:00.
    assert clock.to_local(case.estimated_completion) == jkt(2026, 7, 14, 10)
    assert case.estimated_completion == clock_row(case_id).target_at


def test_clock_starts_the_working_day_after_the_file_is_complete(ctx):
    case_id = submit_case(jkt(2026, 7, 9, 9))  # Thursday
    complete(case_id, "loket@demo.local", VERIFY_COMPLETE, jkt(2026, 7, 10, 14))  # Friday afternoon
    row = clock_row(case_id)
    assert clock.to_local(row.started_at) == jkt(2026, 7, 13, 8)  # Monday 08:00
    assert [e.kind for e in events_of(case_id, "sla_clock_started")] == ["sla_clock_started"]
    # sip_apoteker pauses while Dinas Kesehatan writes its recommendation.
    sla = summary_at(case_id, jkt(2026, 7, 15, 12))
    assert sla["paused"] is True and sla["paused_reason"] == "menunggu_rekomendasi:dinkes"
    assert sla["used_working_days"] == 0


def test_revision_before_completeness_does_not_count_and_agency_time_pauses(ctx):
    case_id = submit_case(jkt(2026, 7, 6, 9))
    complete(case_id, "loket@demo.local", VERIFY_REVISION, jkt(2026, 7, 6, 11))
    sla = summary_at(case_id, jkt(2026, 7, 7, 12))
    assert sla["paused"] is True and sla["paused_reason"] == "menunggu_pemohon" and sla["state"] == "pending"
    complete(case_id, "pemohon@demo.local", REVISION_RETURNED, jkt(2026, 7, 8, 9))
    complete(case_id, "loket@demo.local", VERIFY_COMPLETE, jkt(2026, 7, 8, 10))   # clock from Thu 9 Jul 08:00
    complete(case_id, "teknis.dinkes@demo.local", RECOMMEND, jkt(2026, 7, 13, 10))  # agency: Wed 8 - Mon 13 10:00
    complete(case_id, "kabid@demo.local", APPROVE, jkt(2026, 7, 13, 14))
    sla = summary_at(case_id, jkt(2026, 7, 14, 10))
    # Running since Monday 10:00: 6 hours Monday + 2 hours Tuesday = 1 working day.
    assert sla["used_working_days"] == 1.0 and sla["remaining_working_days"] == 4.0
    assert sla["paused"] is False
    # 4 days left from Tue 14 Jul 10:00 -> Mon 20 Jul 10:00.
    assert sla["target_at"] == "2026-07-20T10:00:00+07:00"
    complete(case_id, "kadis@demo.local", SIGN, jkt(2026, 7, 14, 11))
    case = db.session.get(Case, case_id)
    assert case.status == "issued"
    final = summary_at(case_id, jkt(2026, 8, 1, 10))
    assert final["state"] == "stopped" and final["used_working_days"] == round(9 / 8, 2)  # 9 office hours
    states = [(e.state, e.reason) for e in ledger.entries(case_id)]
    assert states == [("running", "diajukan"), ("paused", "menunggu_pemohon"), ("running", None),
                      ("running", "berkas_lengkap"), ("paused", "menunggu_rekomendasi:dinkes"), ("running", None),
                      ("stopped", "issued")]


def follow(case_id: int, new: str, at) -> None:
    """Move a case's status as the workflow does, and the clock with it."""
    with clock.frozen_at(at):
        case = db.session.get(Case, case_id)
        old, case.status = case.status, new
        clocks.follow_status(case, old=old, new=new, actor_id=None)
        db.session.commit()


def started_case(at) -> int:
    case_id = submit_case(at)
    with clock.frozen_at(at):
        clocks.start(db.session.get(Case, case_id), actor_id=None)
        db.session.commit()
    return case_id


def test_waiting_on_payment_pauses_and_the_clock_never_resets(ctx):
    case_id = started_case(jkt(2026, 7, 6, 9))  # clock from Tue 7 Jul 08:00
    follow(case_id, "in_review", jkt(2026, 7, 6, 10))
    follow(case_id, "waiting_payment", jkt(2026, 7, 8, 8))  # 1 working day used (Tuesday)
    sla = summary_at(case_id, jkt(2026, 7, 10, 15))
    assert sla["paused_reason"] == "menunggu_pembayaran" and sla["used_working_days"] == 1.0
    follow(case_id, "in_review", jkt(2026, 7, 13, 8))
    with clock.frozen_at(jkt(2026, 7, 13, 9)):
        clocks.start(db.session.get(Case, case_id), actor_id=None)  # a second "complete" does not reset
        db.session.commit()
    assert summary_at(case_id, jkt(2026, 7, 13, 12))["used_working_days"] == 1.5


def test_pauses_beyond_the_allowed_count_wait_for_a_supervisor(ctx):
    ctx.config["SLA_MAX_PAUSES"] = 1
    case_id = started_case(jkt(2026, 7, 6, 9))
    follow(case_id, "waiting_applicant", jkt(2026, 7, 7, 9))
    follow(case_id, "in_review", jkt(2026, 7, 7, 10))
    follow(case_id, "waiting_applicant", jkt(2026, 7, 7, 12))  # the second pause needs approval
    row = clock_row(case_id)
    assert row.state == "running" and row.pending_pause_reason == "menunggu_pemohon"
    assert len(events_of(case_id, "sla_pause_requested")) == 1
    with clock.frozen_at(jkt(2026, 7, 7, 14)):
        case = db.session.get(Case, case_id)
        with pytest.raises(Exception, match="supervisor"):
            clocks.decide_pause(case, actor=user("loket@demo.local"), approve=True)
        clocks.decide_pause(case, actor=user("supervisor@demo.local"), approve=True, note="Pemohon sakit.")
        db.session.commit()
    # Running 08:00-09:00 and 10:00-14:00 on Tuesday: 5 hours.
    sla = summary_at(case_id, jkt(2026, 7, 9, 12))
    assert sla["paused"] is True and sla["used_working_days"] == 0.62
    assert len(events_of(case_id, "sla_pause_approved")) == 1


def test_extension_needs_a_supervisor_and_a_reason_and_moves_the_legal_deadline(client, app):
    from tests.support.api import ApiClient

    with app.app_context():
        case_id = started_case(jkt(2026, 7, 6, 9))
    supervisor = ApiClient(client, "supervisor@demo.local")
    officer = ApiClient(client, "loket@demo.local")
    assert officer.post(f"/api/v1/sla/cases/{case_id}/extensions", json={"days": 2, "reason": "x"}).status_code == 403
    missing = supervisor.post(f"/api/v1/sla/cases/{case_id}/extensions", json={"days": 2, "reason": "  "})
    assert missing.status_code == 422 and "reason" in missing.get_json()["error"]["fields"]
    before = supervisor.get(f"/api/v1/sla/cases/{case_id}").get_json()["summary"]
    response = supervisor.post(f"/api/v1/sla/cases/{case_id}/extensions",
                               json={"days": 2, "reason": "Menunggu hasil uji laboratorium."})
    assert response.status_code == 200, response.get_json()
    after = response.get_json()["summary"]
    assert after["extension_days"] == 2 and after["target_date"] == before["target_date"]
    assert after["legal_deadline"] > before["legal_deadline"]
    with app.app_context():
        event = events_of(case_id, "sla_extended")[0]
        assert event.note == "Menunggu hasil uji laboratorium." and event.data["days"] == 2
        assert clock.iso(db.session.get(Case, case_id).due_at) == after["legal_deadline_at"]


def test_pause_approval_is_for_supervisors_and_only_when_a_pause_waits(client, app):
    from tests.support.api import ApiClient

    with app.app_context():
        case_id = started_case(jkt(2026, 7, 6, 9))
    url = f"/api/v1/sla/cases/{case_id}/pause-approval"
    assert ApiClient(client, "loket@demo.local").post(url, json={"approve": True}).status_code == 403
    assert ApiClient(client, "supervisor@demo.local").post(url, json={"approve": True}).status_code == 409
    assert ApiClient(client, "supervisor@demo.local").post(url, json={}).status_code == 422
