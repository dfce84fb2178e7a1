"""Inbox rules: who sees which task, claim / release / assign, and completing a step."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select, union
from sqlalchemy import case as sql_case
from sqlalchemy.orm import aliased, defer, joinedload, lazyload, load_only

from app.accounts.models import User
from app.cases import events, revisions, workflow
from app.cases import service as cases
from app.cases.models import Case
from app.catalog import service as catalog
from app.catalog.models import Service
from app.common import clock, signals
from app.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.common.i18n import N_, format_number
from app.engine import TaskNotReady
from app.extensions import db
from app.jsonforms.validation import validate
from app.sla import service as sla

from .deadlines import day_bounds, office_today, risk_moment, sla_view  # noqa: F401 - part of this module's API
from .models import OPEN_STATES, Task

APPLICANT_GROUP = "pemohon"


def is_supervisor(user: User) -> bool:
    """Supervisors (and admins) see and steer every group's tasks."""
    return user.has_role("supervisor", "admin")



def get_visible(user: User, task_id: str) -> Task:
    """A task the user may look at: 404 when its existence is private, 403 when not their group."""
    task = db.session.get(Task, task_id)
    if task is None:
        raise NotFound(_("Tugas tidak ditemukan."))
    if task.group_key == APPLICANT_GROUP:
        if task.case.applicant_id != user.id and not is_supervisor(user):
            raise NotFound(_("Tugas tidak ditemukan."))
        return task
    if is_supervisor(user) or task.group_key in user.group_keys or task.assignee_id == user.id:
        return task
    if not user.has_role("officer", "analyst"):
        raise NotFound(_("Tugas tidak ditemukan."))
    raise Forbidden(_("Tugas ini milik kelompok lain."))


DUE_FILTERS = ("overdue", "today", "at_risk")
SORTS = ("due", "priority", "received")
PRIORITY_LABELS = {0: N_("Normal"), 1: N_("Tinggi"), 2: N_("Mendesak")}
# The history note of a priority change, per shown level (stored in Indonesian, translated where shown).
PRIORITY_NOTES = {0: N_("prioritas normal"), 1: N_("prioritas tinggi"), 2: N_("prioritas mendesak")}
MAX_PRIORITY = 3


def _visible_now(today: date):
    """Tasks not deferred to a later follow-up day."""
    return or_(Task.follow_up_on.is_(None), Task.follow_up_on <= today)


REGISTRATION_NUMBER = re.compile(r"[A-Z]+-\d{4}-\d{6,}")


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _scope_condition(user: User, scope: str, state: str | None):
    if scope == "mine":
        return and_(Task.assignee_id == user.id, Task.state.in_(OPEN_STATES))
    if scope == "group":
        return and_(Task.group_key.in_(user.group_keys or ["-"]), Task.state == "ready", Task.assignee_id.is_(None))
    if scope == "all":
        if not is_supervisor(user):
            raise Forbidden(_("Hanya supervisor yang dapat melihat semua tugas."))
        return Task.state.in_([state] if state else OPEN_STATES)
    raise ValidationFailed(fields={"scope": [_("Pilih mine, group, atau all.")]})


# Rows of a list show their case, applicant, service and holder: load them in the same statement, with only
# the columns a list shows (a case's workflow state and form data, the step's result, a service's fee and
# requirements would be carried and decoded again for every row), leave the users' roles and groups unloaded
# (their selectin default would add a query per relationship), and the cases' process versions and clocks too.
_LIST_OPTIONS = (
    defer(Task.result),
    joinedload(Task.case).options(
        load_only(Case.registration_number, Case.service_key, Case.applicant_id, Case.status),
        lazyload(Case.process_version), lazyload(Case.clock),
        joinedload(Case.service).options(load_only(Service.name)),
        joinedload(Case.applicant).options(load_only(User.name), lazyload(User.role_rows), lazyload(User.groups))),
    joinedload(Task.assignee).options(load_only(User.name), lazyload(User.role_rows), lazyload(User.groups)),
)


def list_tasks(user: User, *, scope: str = "mine", service: str | None = None, overdue: bool | None = None,
               due_before: datetime | None = None, q: str | None = None, state: str | None = None,
               page: int = 1, per_page: int = 50, step: str | None = None, due: str | None = None,
               deferred: bool = False, sort: str | None = None) -> tuple[list[Task], int]:
    """Tasks of a scope: mine (assigned to me), group (unclaimed in my groups), all (supervisors).

    Tasks deferred to a later follow-up day are left out unless `deferred` (then only they are listed).
    One statement: the rows with their case, applicant and holder, and the total as a window count
    taken over the task rows alone before the page's rows are joined.
    """
    now = clock.now()
    today = office_today()
    query = select(Task.id.label("id"), func.count().over().label("total")).where(
        _scope_condition(user, scope, state))
    query = query.where(Task.follow_up_on > today if deferred else _visible_now(today))
    if service:
        query = query.join(Case, Case.id == Task.case_id)
    if service:
        query = query.where(Case.service_key == service)
    if step:
        query = query.where(Task.bpmn_id == step)
    if overdue is True:
        query = query.where(Task.due_at < now)
    elif overdue is False:
        query = query.where(or_(Task.due_at.is_(None), Task.due_at >= now))
    if due_before is not None:
        query = query.where(Task.due_at < due_before)
    if due == "overdue":
        query = query.where(Task.due_at < now)
    elif due == "today":
        start, end = day_bounds(today)
        query = query.where(Task.due_at >= start, Task.due_at < end)
    elif due == "at_risk":
        query = query.where(Task.at_risk_at <= now, Task.due_at >= now)
    elif due is not None:
        raise ValidationFailed(fields={"due": [_("Pilih overdue, today, atau at_risk.")]})
    if q and q.strip():
        term = q.strip()
        applicant = aliased(User)
        # Two lookups each served by its own (trigram) index, rather than one OR across two joined tables.
        if REGISTRATION_NUMBER.fullmatch(term.upper()):
            # A whole registration number: it and the numbers extending it, by prefix on the B-tree
            # (text_pattern_ops on PostgreSQL), instead of a trigram scan that grows with the table.
            by_number = Case.registration_number.like(_like(term.upper())[1:], escape="\\")
        else:
            by_number = Case.registration_number.like(_like(term.upper()), escape="\\")
        matching = union(
            select(Case.id).where(by_number),
            select(Case.id).join(applicant, applicant.id == Case.applicant_id)
            .where(func.lower(applicant.name).like(_like(term.lower()), escape="\\")))
        query = query.where(Task.case_id.in_(select(matching.subquery().c.id)))
    order = {
        None: (Task.priority.desc(), Task.due_at.asc().nulls_last(), Task.created_at),
        "due": (Task.due_at.asc().nulls_last(), Task.priority.desc(), Task.created_at),
        "priority": (Task.priority.desc(), Task.due_at.asc().nulls_last(), Task.created_at),
        "received": (Task.created_at, Task.id),
    }.get(sort)
    if order is None:
        raise ValidationFailed(fields={"sort": [_("Pilih due, priority, atau received.")]})
    # The page and the total are found on the task rows alone (narrow, from the indexes); only the page's
    # rows are then joined to their case, applicant, service and holder. Joining first would build every
    # matching row in full before the window count and the sort could throw all but one page away.
    page_ids = query.order_by(*order, Task.id).limit(per_page).offset((page - 1) * per_page).subquery("page")
    rows = db.session.execute(
        select(Task, page_ids.c.total).join(page_ids, page_ids.c.id == Task.id)
        .options(*_LIST_OPTIONS).order_by(*order, Task.id)).all()
    if rows:
        return [row[0] for row in rows], int(rows[0][1])
    if page == 1:
        return [], 0
    # Past the last page the window has no row to carry the total: count separately.
    counted = query.with_only_columns(func.count(Task.id)).order_by(None)
    return [], int(db.session.scalar(counted) or 0)


def tab_counts(user: User) -> dict[str, int | None]:
    """Open tasks per inbox tab (mine, group, all for supervisors, and my deferred ones), in one query."""
    today = office_today()
    visible = _visible_now(today)
    mine = and_(Task.assignee_id == user.id, Task.state.in_(OPEN_STATES))
    group = and_(Task.group_key.in_(user.group_keys or ["-"]), Task.state == "ready", Task.assignee_id.is_(None))
    supervisor = is_supervisor(user)
    deferred_scope = Task.state.in_(OPEN_STATES) if supervisor else mine

    def tally(condition):
        return func.coalesce(func.sum(sql_case((condition, 1), else_=0)), 0)

    row = db.session.execute(select(
        tally(and_(mine, visible)), tally(and_(group, visible)), tally(visible),
        tally(and_(deferred_scope, Task.follow_up_on > today)),
    ).where(Task.state.in_(OPEN_STATES))).one()
    return {"mine": int(row[0]), "group": int(row[1]), "all": int(row[2]) if supervisor else None,
            "deferred": int(row[3])}


def _shown_level(priority: int) -> int:
    return max(0, min(priority, 2))  # 3 (most urgent) is shown as urgent


def priority_label(priority: int) -> str:
    """The name of a priority level, in the page's language."""
    return _(PRIORITY_LABELS[_shown_level(priority)])


def claim(*, task: Task, actor: User) -> Task:
    """Take a group task; a task someone else holds is a 409."""
    _require_group(task, actor)
    if task.state not in OPEN_STATES:
        raise Conflict(_("Tugas ini sudah selesai."))
    if task.assignee_id not in (None, actor.id):
        raise Conflict(_("Tugas ini sedang dikerjakan oleh %(name)s.", name=task.assignee.name))
    if task.assignee_id == actor.id:
        return task
    task.assignee_id = actor.id
    task.state = "claimed"
    task.claimed_at = clock.now()
    db.session.flush()  # optimistic lock: a concurrent claim fails here with 409
    events.record(task.case, "task_claimed", actor_id=actor.id, step=task.name, bpmn_id=task.bpmn_id,
                  actor_role=task.group_key)
    return task


def release(*, task: Task, actor: User) -> Task:
    """Give a claimed task back to its group."""
    if task.state not in OPEN_STATES:
        raise Conflict(_("Tugas ini sudah selesai."))
    if task.group_key == APPLICANT_GROUP:
        raise Conflict(_("Tugas pemohon tidak dapat dilepas."))
    if task.assignee_id != actor.id and not is_supervisor(actor):
        raise Forbidden(_("Hanya pemegang tugas atau supervisor yang dapat melepasnya."))
    task.assignee_id = None
    task.state = "ready"
    task.claimed_at = None
    db.session.flush()
    events.record(task.case, "task_released", actor_id=actor.id, step=task.name, bpmn_id=task.bpmn_id)
    return task


def assign(*, task: Task, actor: User, assignee: User) -> Task:
    """A supervisor gives a task to a member of its group."""
    if not is_supervisor(actor):
        raise Forbidden(_("Hanya supervisor yang dapat menugaskan."))
    if task.state not in OPEN_STATES:
        raise Conflict(_("Tugas ini sudah selesai."))
    from . import routing

    delegate = routing.resolve_assignee(assignee)
    if delegate.id != assignee.id:
        if task.group_key not in delegate.group_keys:
            raise ValidationFailed(fields={"user_id": [
                _("%(name)s sedang tidak di tempat dan penggantinya bukan anggota kelompok tugas ini.",
                  name=assignee.name)]})
        assignee = delegate
    if task.group_key not in assignee.group_keys:
        raise ValidationFailed(fields={"user_id": [_("Pengguna bukan anggota kelompok tugas ini.")]})
    task.assignee_id = assignee.id
    task.state = "claimed"
    task.claimed_at = clock.now()
    db.session.flush()
    events.record(task.case, "task_assigned", actor_id=actor.id, step=task.name, bpmn_id=task.bpmn_id,
                  note=assignee.name, data={"assignee_id": assignee.id})
    return task


def _require_group(task: Task, actor: User) -> None:
    if task.group_key == APPLICANT_GROUP:
        if task.case.applicant_id != actor.id:
            raise NotFound(_("Tugas tidak ditemukan."))
        return
    if task.group_key not in actor.group_keys:
        raise Forbidden(_("Anda bukan anggota kelompok tugas ini."))


def form_of(task: Task) -> dict:
    """The task's form (from the case's own model version)."""
    version = task.case.process_version
    return {"schema": catalog.form_file(version, task.form_schema) or {"type": "object"},
            "ui_schema": catalog.form_file(version, task.form_ui_schema) or {}}


def prefill(task: Task) -> dict[str, Any]:
    """Data to show in the task's form: the fields of its schema the process already knows."""
    if task.state not in OPEN_STATES:
        return task.result or {}
    schema = form_of(task)["schema"]
    fields = set((schema.get("properties") or {}).keys())
    data = workflow.task_data(task.case, task.id)
    if task.group_key == APPLICANT_GROUP:
        data = {**data, "application": task.case.data}
    return {k: v for k, v in data.items() if k in fields}


def instructions_of(task: Task) -> str | None:
    """The open task's instructions from its model, rendered now for showing (None when done or without any)."""
    if task.state not in OPEN_STATES:
        return None
    return workflow.task_instructions(task.case, task.id)


def ensure_can_complete(*, task: Task, actor: User) -> None:
    """Refuse a step the actor may not complete: other group (403), done or held by someone else (409)."""
    _require_group(task, actor)
    if task.state not in OPEN_STATES:
        raise Conflict(_("Tugas ini sudah diselesaikan."))
    if task.assignee_id not in (None, actor.id):
        raise Conflict(_("Tugas ini sedang dikerjakan oleh %(name)s.", name=task.assignee.name))


def complete(*, task: Task, actor: User, data: dict[str, Any]) -> Case:
    """Complete a step with validated form data and move the case on (one transaction)."""
    ensure_can_complete(task=task, actor=actor)
    if not isinstance(data, dict):
        raise ValidationFailed(fields={"data": [_("Harus berupa objek.")]})
    errors = validate(form_of(task)["schema"], data, prefix="data")
    case = task.case
    if task.group_key == APPLICANT_GROUP and "application" in data:
        model = catalog.model_for_version(case.process_version)
        errors.update(validate(catalog.application_form(model)["schema"], data["application"],
                               prefix="data.application"))
    if task.group_key == APPLICANT_GROUP:
        errors.update(revisions.unanswered(case, task, data))
    if errors:
        raise ValidationFailed(fields=errors)
    run = workflow.load_or_quarantine(case, actor_id=actor.id)
    if run is None:
        return case  # its stored state cannot be restored: now an incident, the step stays open for after the repair
    now = clock.now()
    task.state = "completed"
    task.assignee_id = actor.id
    task.completed_at = now
    task.completed_by_id = actor.id
    task.result = data
    # The task row is written with the rest of the step (one flush): its version check still makes the second of
    # two racers fail with 409, after its engine run instead of before it.
    with sla.one_refresh():
        signals.task_closed.send(task.case, case=task.case, task=task, outcome="completed", actor_id=actor.id)
        step_data = dict(data)
        if task.group_key == APPLICANT_GROUP:
            if "application" in data:
                case.data = data["application"]
            step_data["documents"] = cases.document_refs(case)
        schema = form_of(task)["schema"]
        decision = _decision_title(data, schema)
        events.record(case, "task_completed", actor_id=actor.id, step=task.name, bpmn_id=task.bpmn_id,
                      actor_role=task.group_key, note=_summary(data, schema),
                      data={"task_id": task.id} | ({"decision": decision} if isinstance(decision, str) else {}))
        try:
            workflow.act(case, lambda loaded: loaded.complete(task.id, step_data), actor_id=actor.id, run=run)
        except TaskNotReady as exc:
            raise Conflict(_("Langkah ini sudah tidak menunggu penyelesaian.")) from exc
    db.session.flush()
    return case


DECISION_FIELDS = ("verification_outcome", "recommendation", "approval_decision", "signing_decision")


def _decision_title(data: dict, schema: dict | None) -> Any:
    """A completed step's decision in the form's words (its model text, shown translated), if it has one."""
    for key in DECISION_FIELDS:
        if key in data:
            return _choice_title(schema, key, data[key])
    return None


def _summary(data: dict, schema: dict | None = None) -> str | None:
    """The history note of a completed step: its decision in the form's words (not its code), and its note."""
    for key in DECISION_FIELDS:
        if key in data:
            note = data.get(key.replace("_outcome", "_note").replace("_decision", "_note")
                            if key != "recommendation" else "recommendation_note")
            return f"{_choice_title(schema, key, data[key])}" + (f": {note}" if note else "")
    return data.get("response_note") or None


def _choice_title(schema: dict | None, key: str, value: Any) -> Any:
    """The title the form gives a choice (`oneOf` const/title), else the value itself."""
    prop = ((schema or {}).get("properties") or {}).get(key) or {}
    for option in prop.get("oneOf") or []:
        if isinstance(option, dict) and option.get("const") == value and option.get("title"):
            return option["title"]
    return value


def set_priority(*, task: Task, actor: User, priority: int) -> Task:
    """A supervisor raises or lowers a task's priority (0 normal .. MAX_PRIORITY)."""
    if not is_supervisor(actor):
        raise Forbidden(_("Hanya supervisor yang dapat mengubah prioritas."))
    if task.state not in OPEN_STATES:
        raise Conflict(_("Tugas ini sudah selesai."))
    if not isinstance(priority, int) or not 0 <= priority <= MAX_PRIORITY:
        raise ValidationFailed(fields={"priority": [_("Prioritas antara 0 dan %(max)s.", max=MAX_PRIORITY)]})
    if task.priority == priority:
        return task
    task.priority = priority
    db.session.flush()
    events.record(task.case, "task_priority", actor_id=actor.id, step=task.name, bpmn_id=task.bpmn_id,
                  note=PRIORITY_NOTES[_shown_level(priority)], note_values={}, data={"priority": priority})
    return task


MAX_FOLLOW_UP_DAYS = 90


def set_follow_up(*, task: Task, actor: User, follow_up_on: date | None, note: str | None = None) -> Task:
    """Defer a task waiting on a third party until a later day (None clears it); holder or supervisor."""
    if task.state not in OPEN_STATES:
        raise Conflict(_("Tugas ini sudah selesai."))
    if task.group_key == APPLICANT_GROUP:
        raise Conflict(_("Tugas pemohon tidak dapat ditunda."))
    if task.assignee_id != actor.id and not is_supervisor(actor):
        raise Forbidden(_("Hanya pemegang tugas atau supervisor yang dapat menunda tugas."))
    today = office_today()
    if follow_up_on is not None and not today < follow_up_on <= today + timedelta(days=MAX_FOLLOW_UP_DAYS):
        raise ValidationFailed(fields={"follow_up_on": [
            _("Pilih tanggal setelah hari ini, paling lambat %(days)s hari lagi.", days=MAX_FOLLOW_UP_DAYS)]})
    note = (note or "").strip() or None
    if note is not None and len(note) > 500:
        raise ValidationFailed(fields={"note": [_("Paling banyak %(count)s karakter.", count=format_number(500))]})
    task.follow_up_on = follow_up_on
    task.follow_up_note = note if follow_up_on else None
    db.session.flush()
    events.record(task.case, "task_follow_up", actor_id=actor.id, step=task.name, bpmn_id=task.bpmn_id,
                  note=N_("ditindaklanjuti %(date)s") if follow_up_on else N_("penundaan dibatalkan"),
                  note_values={"date": follow_up_on.isoformat()} if follow_up_on else {},
                  data={"follow_up_on": follow_up_on.isoformat() if follow_up_on else None})
    return task


def bulk_assign(*, tasks: list[Task], actor: User, assignee: User | None) -> dict[str, list]:
    """A supervisor hands several tasks to one officer (None: back to their groups); skips what cannot move."""
    if not is_supervisor(actor):
        raise Forbidden(_("Hanya supervisor yang dapat mengalihkan tugas."))
    done: list[Task] = []
    skipped: list[tuple[Task, str]] = []
    for task in tasks:
        try:
            if assignee is None:
                release(task=task, actor=actor)
            else:
                assign(task=task, actor=actor, assignee=assignee)
        except (Conflict, Forbidden, ValidationFailed) as exc:
            reason = next(iter(exc.fields.values()), [exc.message])[0] if exc.fields else exc.message
            skipped.append((task, reason))
            continue
        done.append(task)
    return {"assigned": done, "skipped": skipped}


def get_many_visible(user: User, task_ids: list[str]) -> list[Task]:
    """Tasks by id that the user may look at (others are left out)."""
    found = []
    for task_id in dict.fromkeys(task_ids):
        try:
            found.append(get_visible(user, task_id))
        except (NotFound, Forbidden):
            continue
    return found
