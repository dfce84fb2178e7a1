"""Inbox rules: who sees which task, claim / release / assign, and completing a step."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from app.accounts.models import User
from app.cases import events, workflow
from app.cases import service as cases
from app.cases.models import Case
from app.catalog import service as catalog
from app.common import clock, signals
from app.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.engine import TaskNotReady
from app.extensions import db
from app.jsonforms.validation import validate

from .models import OPEN_STATES, Task

APPLICANT_GROUP = "pemohon"


def _is_supervisor(user: User) -> bool:
    return user.has_role("supervisor", "admin")


def get_visible(user: User, task_id: str) -> Task:
    """A task the user may look at: 404 when its existence is private, 403 when not their group."""
    task = db.session.get(Task, task_id)
    if task is None:
        raise NotFound("Tugas tidak ditemukan.")
    if task.group_key == APPLICANT_GROUP:
        if task.case.applicant_id != user.id and not _is_supervisor(user):
            raise NotFound("Tugas tidak ditemukan.")
        return task
    if _is_supervisor(user) or task.group_key in user.group_keys or task.assignee_id == user.id:
        return task
    if not user.has_role("officer", "analyst"):
        raise NotFound("Tugas tidak ditemukan.")
    raise Forbidden("Tugas ini milik kelompok lain.")


def list_tasks(user: User, *, scope: str = "mine", service: str | None = None, overdue: bool | None = None,
               due_before: datetime | None = None, q: str | None = None, state: str | None = None,
               page: int = 1, per_page: int = 50) -> tuple[list[Task], int]:
    """Tasks of a scope: mine (assigned to me), group (unclaimed in my groups), all (supervisors)."""
    query = select(Task).join(Case, Case.id == Task.case_id)
    if scope == "mine":
        query = query.where(Task.assignee_id == user.id, Task.state.in_(OPEN_STATES))
    elif scope == "group":
        query = query.where(Task.group_key.in_(user.group_keys or ["-"]), Task.state == "ready",
                            Task.assignee_id.is_(None))
    elif scope == "all":
        if not _is_supervisor(user):
            raise Forbidden("Hanya supervisor yang dapat melihat semua tugas.")
        query = query.where(Task.state.in_([state] if state else OPEN_STATES))
    else:
        raise ValidationFailed(fields={"scope": ["Pilih mine, group, atau all."]})
    if service:
        query = query.where(Case.service_key == service)
    now = clock.now()
    if overdue is True:
        query = query.where(Task.due_at < now)
    elif overdue is False:
        query = query.where(or_(Task.due_at.is_(None), Task.due_at >= now))
    if due_before is not None:
        query = query.where(Task.due_at < due_before)
    if q:
        term = q.strip()
        from app.accounts.models import User as Applicant

        query = query.join(Applicant, Applicant.id == Case.applicant_id).where(or_(
            Case.registration_number == term.upper(),
            func.lower(Applicant.name).like(f"%{term.lower()}%")))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = list(db.session.scalars(
        query.order_by(Task.priority.desc(), Task.due_at.asc().nulls_last(), Task.created_at)
        .limit(per_page).offset((page - 1) * per_page)))
    return items, total


def claim(*, task: Task, actor: User) -> Task:
    """Take a group task; a task someone else holds is a 409."""
    _require_group(task, actor)
    if task.state not in OPEN_STATES:
        raise Conflict("Tugas ini sudah selesai.")
    if task.assignee_id not in (None, actor.id):
        raise Conflict(f"Tugas ini sedang dikerjakan oleh {task.assignee.name}.")
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
        raise Conflict("Tugas ini sudah selesai.")
    if task.group_key == APPLICANT_GROUP:
        raise Conflict("Tugas pemohon tidak dapat dilepas.")
    if task.assignee_id != actor.id and not _is_supervisor(actor):
        raise Forbidden("Hanya pemegang tugas atau supervisor yang dapat melepasnya.")
    task.assignee_id = None
    task.state = "ready"
    task.claimed_at = None
    db.session.flush()
    events.record(task.case, "task_released", actor_id=actor.id, step=task.name, bpmn_id=task.bpmn_id)
    return task


def assign(*, task: Task, actor: User, assignee: User) -> Task:
    """A supervisor gives a task to a member of its group."""
    if not _is_supervisor(actor):
        raise Forbidden("Hanya supervisor yang dapat menugaskan.")
    if task.state not in OPEN_STATES:
        raise Conflict("Tugas ini sudah selesai.")
    if task.group_key not in assignee.group_keys:
        raise ValidationFailed(fields={"user_id": ["Pengguna bukan anggota kelompok tugas ini."]})
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
            raise NotFound("Tugas tidak ditemukan.")
        return
    if task.group_key not in actor.group_keys:
        raise Forbidden("Anda bukan anggota kelompok tugas ini.")


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
    data = workflow.load(task.case).task_data(task.id)
    if task.group_key == APPLICANT_GROUP:
        data = {**data, "application": task.case.data}
    return {k: v for k, v in data.items() if k in fields}


def complete(*, task: Task, actor: User, data: dict[str, Any]) -> Case:
    """Complete a step with validated form data and move the case on (one transaction)."""
    _require_group(task, actor)
    if task.state not in OPEN_STATES:
        raise Conflict("Tugas ini sudah diselesaikan.")
    if task.assignee_id not in (None, actor.id):
        raise Conflict(f"Tugas ini sedang dikerjakan oleh {task.assignee.name}.")
    if not isinstance(data, dict):
        raise ValidationFailed(fields={"data": ["Harus berupa objek."]})
    errors = validate(form_of(task)["schema"], data, prefix="data")
    case = task.case
    if task.group_key == APPLICANT_GROUP and "application" in data:
        model = catalog.model_for_version(case.process_version)
        errors.update(validate(catalog.application_form(model)["schema"], data["application"],
                               prefix="data.application"))
    if errors:
        raise ValidationFailed(fields=errors)
    now = clock.now()
    task.state = "completed"
    task.assignee_id = actor.id
    task.completed_at = now
    task.completed_by_id = actor.id
    task.result = data
    db.session.flush()  # optimistic lock on the task row: the second of two racers gets 409 here
    signals.task_closed.send(task.case, case=task.case, task=task, outcome="completed", actor_id=actor.id)
    step_data = dict(data)
    if task.group_key == APPLICANT_GROUP:
        if "application" in data:
            case.data = data["application"]
        step_data["documents"] = cases.document_refs(case)
    events.record(case, "task_completed", actor_id=actor.id, step=task.name, bpmn_id=task.bpmn_id,
                  actor_role=task.group_key, note=_summary(data), data={"task_id": task.id})
    try:
        workflow.act(case, lambda run: run.complete(task.id, step_data), actor_id=actor.id)
    except TaskNotReady as exc:
        raise Conflict("Langkah ini sudah tidak menunggu penyelesaian.") from exc
    db.session.flush()
    return case


def _summary(data: dict) -> str | None:
    for key in ("verification_outcome", "recommendation", "approval_decision", "signing_decision"):
        if key in data:
            note = data.get(key.replace("_outcome", "_note").replace("_decision", "_note")
                            if key != "recommendation" else "recommendation_note")
            return f"{data[key]}" + (f": {note}" if note else "")
    return data.get("response_note") or None
