"""A sip_apoteker case walked through reminder, breach and escalation by `worker run-once --now`.

August 2026: Monday the 17th is Hari Kemerdekaan, Tuesday the 25th Maulid Nabi. The Dinas
Kesehatan step (SLA 3 working days) opens Thursday 13 August 14:00 and is due Wednesday 19
August 16:00 (Friday, [weekend, holiday], Tuesday, Wednesday): 26 office hours. Its rungs fall
at 75% (Wed 09:30), 100% (Wed 16:00) and 150% (Fri 21 13:00), in office time.
"""
from __future__ import annotations

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
    claim,
    complete,
    events_of,
    jkt,
    open_task,
    submit_case,
    tick,
)

RUNG_KINDS = ("task_reminder", "task_breach", "task_escalated")


def rung_events(case_id: int) -> list[tuple[str, object]]:
    return [(e.kind, clock.to_local(e.at)) for e in events_of(case_id) if e.kind in RUNG_KINDS]


def subjects(smtp, address: str) -> list[str]:
    return [m["subject"] for m in smtp.to(address)]


def test_sip_apoteker_walks_the_ladder_on_working_days(ctx, smtp_server):
    ctx.config.update(SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port)
    case_id = submit_case(jkt(2026, 8, 10, 9))
    complete(case_id, "loket@demo.local", VERIFY_REVISION, jkt(2026, 8, 10, 11))
    waiting = clocks.summary(db.session.get(Case, case_id), now=jkt(2026, 8, 11, 10))
    assert waiting["paused"] is True and waiting["paused_reason"] == "menunggu_pemohon"
    complete(case_id, "pemohon@demo.local", REVISION_RETURNED, jkt(2026, 8, 12, 9))
    complete(case_id, "loket@demo.local", VERIFY_COMPLETE, jkt(2026, 8, 13, 14))
    task = claim(case_id, "teknis.dinkes@demo.local", jkt(2026, 8, 13, 15))
    assert clock.to_local(task.due_at) == jkt(2026, 8, 19, 16)

    # Before the reminder: Friday, the holiday Monday, and Tuesday (65% of the window) pass quietly.
    for moment in (jkt(2026, 8, 14, 15), jkt(2026, 8, 15, 10), jkt(2026, 8, 17, 12), jkt(2026, 8, 18, 15)):
        tick(ctx, moment)
        assert rung_events(case_id) == [], moment

    tick(ctx, jkt(2026, 8, 19, 10))
    assert rung_events(case_id) == [("task_reminder", jkt(2026, 8, 19, 10))]
    tick(ctx, jkt(2026, 8, 19, 15, 59))
    tick(ctx, jkt(2026, 8, 19, 16, 30))
    assert rung_events(case_id)[1:] == [("task_breach", jkt(2026, 8, 19, 16, 30))]
    tick(ctx, jkt(2026, 8, 20, 16))
    assert len(rung_events(case_id)) == 2
    tick(ctx, jkt(2026, 8, 21, 13, 30))
    tick(ctx, jkt(2026, 8, 21, 13, 30))  # the same moment again changes nothing
    assert rung_events(case_id)[2:] == [("task_escalated", jkt(2026, 8, 21, 13, 30))]
    assert open_task(case_id).escalation_level == 3

    # The agency answers; the office finishes across the Maulid Nabi holiday.
    complete(case_id, "teknis.dinkes@demo.local", RECOMMEND, jkt(2026, 8, 24, 9))
    complete(case_id, "kabid@demo.local", APPROVE, jkt(2026, 8, 24, 11))
    tick(ctx, jkt(2026, 8, 25, 12))  # holiday: the signing step (due Wed 26 16:00) is not reminded
    complete(case_id, "kadis@demo.local", SIGN, jkt(2026, 8, 26, 10))
    tick(ctx, jkt(2026, 8, 26, 10, 5))

    db.session.rollback()
    case = db.session.get(Case, case_id)
    assert case.status == "issued"
    # The clock ran only while the office held the file: Mon 24 09:00-16:00 and Wed 26 08:00-10:00.
    sla = clocks.summary(case)
    assert sla["used_working_days"] == round(9 / 8, 2) and sla["state"] == "stopped"
    ledger_lines = [(e.state, e.reason, clock.to_local(e.at)) for e in ledger.entries(case_id)]
    assert ("paused", "menunggu_pemohon", jkt(2026, 8, 10, 11)) in ledger_lines
    assert ("paused", "menunggu_rekomendasi:dinkes", jkt(2026, 8, 13, 14)) in ledger_lines
    assert [kind for kind, _ in rung_events(case_id)] == list(RUNG_KINDS)

    # Each rung's email reached the real SMTP server once, to the right person.
    reminder = [s for s in subjects(smtp_server, "teknis.dinkes@demo.local") if s.startswith("Pengingat: tugas")]
    assert len(reminder) == 1
    assert len([s for s in subjects(smtp_server, "supervisor@demo.local") if s.startswith("Melewati")]) == 1
    assert len([s for s in subjects(smtp_server, "kabid@demo.local") if s.startswith("Eskalasi")]) == 1
    # The officer's digest: once on each working day the step was due soon or late (never on the
    # holiday, and once only on days with several ticks).
    digests = [m["body"] for m in smtp_server.to("teknis.dinkes@demo.local") if m["subject"].startswith("Ringkasan")]
    assert sorted(body.split("(", 1)[1].split(")", 1)[0] for body in digests) == [
        "18 Agustus 2026", "19 Agustus 2026", "20 Agustus 2026", "21 Agustus 2026"]
    applicant = subjects(smtp_server, "pemohon@demo.local")
    assert sum(s.endswith("telah diterima") for s in applicant) == 1
    assert sum("telah terbit" in s for s in applicant) == 1
    ids = [m["notification_id"] for m in smtp_server.messages]
    assert len(ids) == len(set(ids))
