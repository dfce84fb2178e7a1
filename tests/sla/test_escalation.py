"""The escalation ladder: rung moments in working time, per-step configuration, once per rung."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.common import clock
from app.extensions import db
from app.inbox.models import Task
from app.notifications.models import Notification
from app.sla import escalation, jobs
from tests.sla.flow import (
    VERIFY_COMPLETE,
    VERIFY_REVISION,
    claim,
    complete,
    deploy_sip_apoteker_with,
    events_of,
    jkt,
    open_task,
    submit_case,
    tick,
)


def test_ladder_text_is_read_and_checked():
    assert escalation.parse_ladder("150:escalate, 75:reminder,100:breach") == (
        escalation.Rung(75, "reminder"), escalation.Rung(100, "breach"), escalation.Rung(150, "escalate"))
    for bad in ("", "75:remind", "x:breach", "75:reminder,75:breach", "0:breach"):
        with pytest.raises(ValueError):
            escalation.parse_ladder(bad)


def test_rungs_fall_in_office_time_across_a_weekend_and_a_holiday(ctx):
    # Ready Friday 14 Aug 2026 15:00 with 1 working day: due Tuesday 18 16:00 (Monday 17 is a holiday).
    task = SimpleNamespace(created_at=jkt(2026, 8, 14, 15), due_at=jkt(2026, 8, 18, 16))
    moments = [clock.to_local(escalation.rung_moment(task, escalation.Rung(p, "reminder"))) for p in (75, 100, 150)]
    # The window is 9 office hours: 75% = 6h45 (Friday 1h, Tuesday 5h45), 150% = 13h30 (Wednesday 12:30).
    assert moments == [jkt(2026, 8, 18, 13, 45), jkt(2026, 8, 18, 16), jkt(2026, 8, 19, 12, 30)]


def test_a_new_task_waits_for_its_first_rung_and_an_applicant_step_without_sla_for_none(ctx):
    case_id = submit_case(jkt(2026, 7, 6, 9))
    task = open_task(case_id)  # verification: 1 working day, due Tue 7 Jul 16:00 (15 office hours)
    assert clock.to_local(task.next_check_at) == jkt(2026, 7, 7, 12, 15)
    complete(case_id, "loket@demo.local", VERIFY_REVISION, jkt(2026, 7, 6, 10))
    revision = open_task(case_id)
    assert revision.group_key == "pemohon" and revision.due_at is None and revision.next_check_at is None


def test_running_the_job_twice_at_one_moment_applies_each_rung_once(ctx):
    case_id = submit_case(jkt(2026, 7, 6, 9))
    moment = jkt(2026, 7, 8, 16)  # past 150% of the verification step
    for _ in range(2):
        with clock.frozen_at(moment):
            jobs.run_due(moment)
    kinds = [e.kind for e in events_of(case_id) if e.kind.startswith("task_") and e.kind != "task_created"]
    assert kinds == ["task_reminder", "task_breach", "task_escalated"]
    # A reminder overtaken by the breach is recorded but not sent: the holder hears of the breach instead.
    assert db.session.query(Notification).filter_by(template="task_reminder").count() == 0
    assert db.session.query(Notification).filter_by(template="task_breach", channel="email").count() == 1
    assert open_task(case_id).next_check_at is None


def test_a_step_can_carry_its_own_ladder_and_give_the_task_back_on_escalation(ctx):
    deploy_sip_apoteker_with(
        ("rekomendasi_teknis.bpmn", "rekomendasi_dinkes", "escalationLadder", "50:reminder,100:breach,120:escalate"),
        ("rekomendasi_teknis.bpmn", "rekomendasi_dinkes", "escalationReassign", "true"))
    case_id = submit_case(jkt(2026, 7, 6, 9))
    complete(case_id, "loket@demo.local", VERIFY_COMPLETE, jkt(2026, 7, 6, 10))  # Dinkes: due Thu 9 Jul 16:00
    claim(case_id, "teknis.dinkes@demo.local", jkt(2026, 7, 6, 11))
    tick(ctx, jkt(2026, 7, 8, 8, 30))
    assert events_of(case_id, "task_reminder") == []
    tick(ctx, jkt(2026, 7, 8, 9, 30))  # 50% of 30 office hours: Wednesday 09:00
    assert len(events_of(case_id, "task_reminder")) == 1
    tick(ctx, jkt(2026, 7, 10, 13, 30))  # breach only: 120% is Friday 14:00
    assert open_task(case_id).assignee_id is not None
    tick(ctx, jkt(2026, 7, 10, 14, 30))
    escalated = events_of(case_id, "task_escalated")
    assert len(escalated) == 1 and escalated[0].data["released"] is True
    task = open_task(case_id)
    assert task.state == "ready" and task.assignee_id is None and task.escalation_level == 3
    kabid = [n for n in db.session.query(Notification).filter_by(template="task_escalated").all()]
    assert {n.channel for n in kabid} == {"email", "in_app"} and "dikembalikan" in kabid[0].body


def test_an_unreadable_ladder_falls_back_to_the_office_default(ctx):
    deploy_sip_apoteker_with(("sip_apoteker.bpmn", "sip_apoteker", "escalationLadder", "soon:panic"))
    case_id = submit_case(jkt(2026, 7, 6, 9))
    task = db.session.get(Task, open_task(case_id).id)
    rungs, reassign = escalation.ladder_for(task)
    assert [r.percent for r in rungs] == [75, 100, 150] and reassign is False
