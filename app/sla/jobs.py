"""Scheduler work of the SLA domain: the escalation ladder, legal-deadline lapses, the daily digest.

Everything due is derived from indexed stored moments (`tasks.next_check_at`,
`case_clocks.lapse_check_at`), so a tick's cost follows the number of due items, not the number
of open cases. Several schedulers may run at once: due rows are taken with
``FOR UPDATE SKIP LOCKED`` (PostgreSQL), a rung is applied by a conditional UPDATE on the task's
`escalation_level`, and `(task, level)` is unique in `task_escalations`, so each rung happens once.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, tuple_, update
from sqlalchemy.orm import defer, joinedload, lazyload

from app.cases import events
from app.common import clock as app_clock
from app.common.i18n import N_
from app.engine import properties as P
from app.extensions import db

from . import digest, escalation, ledger
from .escalation import Rung
from .models import CaseClock, TaskEscalation

log = logging.getLogger(__name__)

# Event notes, stored in Indonesian with their values and shown in the reader's language
# (app.cases.events.note_for). Whole sentences per case, so that a translation never glues fragments.
REMINDER_NOTE = N_("Pengingat %(percent)s%% waktu layanan langkah ini.")
LATE_NOTES = {  # (escalated by hand, task given back to its group) -> note
    (False, False): N_("Terlambat %(days)s hari kerja (%(percent)s%% waktu layanan)."),
    (False, True): N_("Terlambat %(days)s hari kerja (%(percent)s%% waktu layanan). Tugas dikembalikan ke kelompok."),
    (True, False): N_("Dieskalasi oleh %(name)s. Terlambat %(days)s hari kerja (%(percent)s%% waktu layanan)."),
    (True, True): N_("Dieskalasi oleh %(name)s. Terlambat %(days)s hari kerja (%(percent)s%% waktu layanan). "
                     "Tugas dikembalikan ke kelompok."),
}
LAPSED_NOTE = N_("Batas waktu hukum terlampaui.")
DEEMED_APPROVED_NOTE = N_("Permohonan dianggap dikabulkan secara hukum (fiktif positif).")


def run_due(now: datetime) -> dict:
    """One pass as of `now`: escalate due tasks, handle lapsed legal deadlines, send due digests."""
    return {"escalations": escalate_due(now), "lapses": lapse_due(now), "digests": digest.send_due(now)}


def _locked(query):
    if db.session.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True)
    return query


def _sweep(query_for: Callable, handle: Callable[[object, datetime], int], now: datetime,
           after_batch: Callable[[], None] | None = None) -> int:
    """Take due rows in batches (locked), handle each in a savepoint, commit each batch.

    `query_for(after)` selects (id, sort key) of due rows ordered by (sort key, id), past the last row taken
    (`after`, None at first): each batch costs the same however many came before it.
    """
    batch = int(current_app.config.get("SLA_JOB_BATCH", 200))
    after = None
    done = 0
    while True:
        rows = db.session.execute(_locked(query_for(after).limit(batch))).all()
        if not rows:
            db.session.rollback()
            return done
        for item_id, _key in rows:
            try:
                with db.session.begin_nested():
                    done += handle(item_id, now)
            except Exception:  # noqa: BLE001 - one bad item must not stop the sweep
                log.exception("SLA job failed on %s", item_id)
        after = (rows[-1][1], rows[-1][0])
        db.session.commit()
        if after_batch is not None:
            after_batch()


# -- escalation ladder ------------------------------------------------------------------------------


def escalate_due(now: datetime) -> int:
    """Apply every due rung of every open task whose next check has come; returns rungs applied."""
    from app.inbox.models import OPEN_STATES, Task

    def query_for(after):
        query = select(Task.id, Task.next_check_at).where(Task.state.in_(OPEN_STATES), Task.next_check_at <= now)
        if after is not None:
            query = query.where(tuple_(Task.next_check_at, Task.id) > after)
        return query.order_by(Task.next_check_at, Task.id)

    staff: dict = {}  # recipients by role or group, loaded once per batch rather than once per task
    return _sweep(query_for, lambda task_id, at: apply_rungs(task_id, at, staff=staff), now, after_batch=staff.clear)


def _rung_options() -> tuple:
    """Load a task with what a rung needs in one statement: no workflow state, no model files, no roles."""
    from app.accounts.models import User
    from app.cases.models import Case
    from app.catalog.models import ProcessVersion
    from app.inbox.models import Task

    quiet = (lazyload(User.role_rows), lazyload(User.groups))
    return (joinedload(Task.case).options(defer(Case.workflow_state), defer(Case.data),
                                          joinedload(Case.applicant).options(*quiet),
                                          joinedload(Case.process_version).defer(ProcessVersion.files)),
            joinedload(Task.assignee).options(*quiet))


def apply_rungs(task_id: str, now: datetime, *, staff: dict | None = None) -> int:
    """Apply the due rungs of one task exactly once (conditional on its escalation level)."""
    from app.inbox.models import OPEN_STATES, Task

    task = db.session.get(Task, task_id, populate_existing=True, options=_rung_options())
    if task is None:
        return 0
    if task.state not in OPEN_STATES or task.due_at is None:
        task.next_check_at = None
        return 0
    due = escalation.due_rungs(task, now)
    if not due:
        task.next_check_at = escalation.next_check(task)
        return 0
    _rungs, reassign = escalation.ladder_for(task)
    return len(due) if _apply(task, due, now, staff={} if staff is None else staff, reassign=reassign) else 0


def _apply(task, due: list, now: datetime, *, staff: dict, reassign: bool, actor=None) -> bool:
    """Apply the rungs `due` to a task once (a conditional UPDATE on its level); False when beaten to it.

    `actor` is the supervisor who escalated by hand (None: the sweep); the events then name them,
    and the escalate rung records the share of the SLA reached now, not the rung's percentage.
    """
    from app.inbox.models import OPEN_STATES, Task

    level, new_level = task.escalation_level, due[-1][0]
    holders = _holders(task, staff)
    values = {"escalation_level": new_level, "next_check_at": escalation.next_check(task, new_level),
              "version": Task.version + 1}
    released = (reassign and any(r.action == "escalate" for _, r in due) and task.assignee_id is not None
                and task.group_key != "pemohon")
    if released:
        values.update(assignee_id=None, state="ready", claimed_at=None)
    result = db.session.execute(
        update(Task).where(Task.id == task.id, Task.escalation_level == level, Task.state.in_(OPEN_STATES))
        .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False  # another scheduler (or supervisor) applied it first
    case = task.case
    late = _late_days(task, now)
    for index, rung in due:
        manual = actor is not None and rung.action == "escalate"
        if manual:
            rung = Rung(_percent_used(task, now), rung.action)
        db.session.add(TaskEscalation(task_id=task.id, case_id=case.id, level=index, action=rung.action,
                                      percent=rung.percent, at=now))
        note, values = _note(rung, late, released, escalated_by=actor.name if manual else None)
        events.record(case, escalation.EVENT_KINDS[rung.action], actor_id=actor.id if actor is not None else None,
                      step=task.name, bpmn_id=task.bpmn_id, note=note, note_values=values,
                      data={"task_id": task.id, "level": index, "percent": rung.percent,
                            "due_at": app_clock.iso(task.due_at), "released": released, "manual": manual})
        superseded = rung.action == "reminder" and index != new_level
        if not superseded:
            _notify(task, case, index, rung, holders, late=late, released=released, staff=staff,
                    escalated_by=actor.name if manual else None)
    db.session.flush()  # (task, level) is unique: a duplicate rung fails here and rolls back
    db.session.expire(task)
    return True


def escalate_task(*, task_id: str, actor, now: datetime | None = None) -> int:
    """A supervisor escalates an overdue task at once: its ladder's escalate rung, as the sweep applies it.

    Rungs below it that are already due are applied with it; the level reached is returned. Refused
    (409) for a closed, not yet overdue or already escalated task, or a ladder without an escalate rung.
    """
    from app.common.errors import Conflict, Forbidden, NotFound
    from app.inbox.models import OPEN_STATES, Task

    if not actor.has_role("supervisor", "admin"):
        raise Forbidden(_("Hanya supervisor yang dapat mengeskalasi tugas."))
    now = now or app_clock.now()
    task = db.session.get(Task, task_id, populate_existing=True, options=_rung_options())
    if task is None:
        raise NotFound(_("Tugas tidak ditemukan."))
    if task.state not in OPEN_STATES:
        raise Conflict(_("Tugas ini sudah selesai."))
    if task.group_key == "pemohon":
        raise Conflict(_("Langkah ini menunggu pemohon; tidak dapat dieskalasi."))
    if task.due_at is None or task.due_at >= now:
        raise Conflict(_("Tugas ini belum melewati batas waktu; alihkan tugasnya bila perlu."))
    rungs, reassign = escalation.ladder_for(task)
    top = next(((index, rung) for index, rung in enumerate(rungs, start=1) if rung.action == "escalate"), None)
    if top is None:
        raise Conflict(_("Tangga eskalasi langkah ini tidak memiliki tahap eskalasi."))
    if task.escalation_level >= top[0]:
        raise Conflict(_("Tugas ini sudah dieskalasi."))
    due = [(index, rung) for index, rung in escalation.due_rungs(task, now) if index < top[0]] + [top]
    if not _apply(task, due, now, staff={}, reassign=reassign, actor=actor):
        raise Conflict(_("Tugas ini baru saja berubah. Muat ulang halaman lalu coba lagi."))
    return top[0]


def _percent_used(task, now: datetime) -> int:
    """How much of the task's SLA window has passed by `now`, in percent of working time."""
    from .service import calendar

    cal = calendar()
    window = cal.working_seconds_between(task.created_at, task.due_at)
    return round(cal.working_seconds_between(task.created_at, now) / window * 100) if window > 0 else 100


def _late_days(task, now: datetime) -> float:
    from .service import calendar

    return round(calendar().working_days_between(task.due_at, now), 2)


def _note(rung, late: float, released: bool, *, escalated_by: str | None = None) -> tuple[str, dict]:
    """The marked note of a rung and its values (`escalated_by`: the supervisor who escalated by hand)."""
    if rung.action == "reminder":
        return REMINDER_NOTE, {"percent": rung.percent}
    values = {"days": f"{max(late, 0):.2f}", "percent": rung.percent}
    if escalated_by is not None:
        values["name"] = escalated_by
    return LATE_NOTES[(escalated_by is not None, released)], values


def _staff(staff: dict, kind: str, key: str) -> list:
    """Members of a group or holders of a role, from the sweep's cache."""
    from app.notifications import service as notifications

    if (kind, key) not in staff:
        staff[(kind, key)] = (notifications.group_members(key) if kind == "group"
                              else notifications.users_with_role(key))
    return staff[(kind, key)]


def _holders(task, staff: dict) -> list:
    if task.assignee_id is not None:
        return [task.assignee]
    if task.group_key == "pemohon":
        return [task.case.applicant]
    return _staff(staff, "group", task.group_key)


def _notify(task, case, level: int, rung, holders: list, *, late: float, released: bool, staff: dict,
            escalated_by: str | None = None) -> None:
    from app.notifications import service as notifications

    if rung.action == "reminder":
        recipients, template = holders, "task_reminder"
    elif rung.action == "breach":
        recipients, template = _staff(staff, "role", "supervisor"), "task_breach"
    else:
        recipients, template = _staff(staff, "group", "kabid"), "task_escalated"
    context = {"percent": rung.percent, "late_days": max(late, 0), "due_at": app_clock.to_local(task.due_at),
               "released": released, "holder_names": ", ".join(h.name for h in holders) or task.group_key,
               "escalated_by": escalated_by}
    for user in recipients:
        notifications.notify_staff(user, template, case=case, task=task, context=context,
                                   dedupe_key=f"sla:{task.id}:{level}:{user.id}")


# -- legal deadline lapse (fiktif positif) ------------------------------------------------------------


def lapse_due(now: datetime) -> int:
    """Handle clocks whose legal deadline has come; returns how many lapsed now."""

    def query_for(after):
        query = select(CaseClock.case_id, CaseClock.lapse_check_at).where(CaseClock.lapse_check_at <= now)
        if after is not None:
            query = query.where(tuple_(CaseClock.lapse_check_at, CaseClock.case_id) > after)
        return query.order_by(CaseClock.lapse_check_at, CaseClock.case_id)

    return _sweep(query_for, handle_lapse, now)


def handle_lapse(case_id: int, now: datetime) -> int:
    """Flag (or deem approved) a case whose legal deadline passed; once per case."""
    from app.cases.models import Case

    row = db.session.get(CaseClock, case_id, populate_existing=True)
    case = db.session.get(Case, case_id)
    if row is None or case is None:
        return 0
    if case.status in ledger.FINAL_STATUSES or row.state != "running" or row.lapsed_at is not None:
        row.lapse_check_at = None
        return 0
    figures = ledger.figures(row, ledger.entries(case_id), now)  # the calendar may have changed since
    if figures.legal_deadline_at is None or figures.legal_deadline_at > now:
        row.lapse_check_at = figures.legal_deadline_at
        return 0
    result = db.session.execute(
        update(CaseClock).where(CaseClock.case_id == case_id, CaseClock.lapsed_at.is_(None))
        .values(lapsed_at=now, lapse_check_at=None, version=CaseClock.version + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return 0
    action = _lapse_action(case)
    events.record(case, "sla_lapsed", actor_id=None, note=LAPSED_NOTE, note_values={},
                  data={"legal_deadline": app_clock.iso(figures.legal_deadline_at), "action": action})
    from app.notifications import service as notifications

    recipients = {u.id: u for u in notifications.group_members("penandatangan")}
    recipients.update({u.id: u for u in notifications.users_with_role("supervisor")})
    for user in recipients.values():
        notifications.notify_staff(user, "sla_lapsed", case=case, context={"action": action},
                                   dedupe_key=f"lapse:{case.id}:{user.id}")
    if action == "auto_approve":
        db.session.execute(update(CaseClock).where(CaseClock.case_id == case_id)
                           .values(deemed_approved_at=now, version=CaseClock.version + 1)
                           .execution_options(synchronize_session=False))
        events.record(case, "sla_deemed_approved", actor_id=None, note=DEEMED_APPROVED_NOTE, note_values={})
        notifications.notify_case(case, "case_deemed_approved", element_id="lapse")
    db.session.flush()
    db.session.expire(row)
    return 1


def _lapse_action(case) -> str:
    from app.catalog import service as catalog

    model = catalog.model_for_version(case.process_version)
    value = (model.main.properties.get(P.LAPSE_ACTION) or "flag").strip().lower()
    return "auto_approve" if value == "auto_approve" else "flag"
