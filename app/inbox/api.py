"""Tasks API: list, get, claim, release, assign, complete; the draft permit of an approval or signing step."""
from __future__ import annotations

import io

from flask import send_file
from flask_babel import gettext as _
from flask_smorest import Blueprint

from app.accounts import service as accounts
from app.cases import service as cases
from app.common import clock
from app.common.auth import require_user
from app.common.errors import Forbidden, ValidationFailed
from app.common.transaction import transactional
from app.permits import draft

from . import service
from .schemas import (
    AssignSchema,
    CompleteResultSchema,
    CompleteSchema,
    FollowUpSchema,
    PrioritySchema,
    TaskDetailSchema,
    TaskListArgsSchema,
    TaskListSchema,
    TaskSchema,
)

bp = Blueprint("inbox_api", __name__, url_prefix="/api/v1", description="Tugas (kotak masuk)")


def task_view(task, *, for_applicant: bool = False) -> dict:
    """A task row as the API shows it."""
    now = clock.now()
    sla = service.sla_view(task, now=now)
    return {"id": task.id, "case_id": task.case_id, "registration_number": task.case.registration_number,
            "service": task.case.service_key, "name": task.name, "bpmn_id": task.bpmn_id, "group": task.group_key,
            "assignee": (task.assignee.name if task.assignee and not for_applicant else None),
            "assignee_id": task.assignee_id if not for_applicant else None,
            "state": task.state, "created_at": clock.iso(task.created_at), "due_at": clock.iso(task.due_at),
            "overdue": bool(task.due_at and task.due_at < now and task.state in ("ready", "claimed")),
            "escalation_level": task.escalation_level, "priority": task.priority,
            "applicant": task.case.applicant.name, "at_risk": sla["at_risk"],
            "working_days_left": sla["working_days_left"],
            "follow_up_on": task.follow_up_on if not for_applicant else None,
            "follow_up_note": task.follow_up_note if not for_applicant else None}


@bp.get("/tasks")
@bp.arguments(TaskListArgsSchema, location="query")
@bp.response(200, TaskListSchema)
def list_tasks(args):
    """Tasks by scope: mine, group (unclaimed in my groups), all (supervisors)."""
    user = require_user()
    items, total = service.list_tasks(user, scope=args["scope"], service=args["service"], overdue=args["overdue"],
                                      due_before=args["due_before"], q=args["q"], page=args["page"],
                                      per_page=args["per_page"], step=args["step"], due=args["due"],
                                      deferred=args["deferred"], sort=args["sort"])
    staff = accounts.is_staff(user)
    return {"items": [task_view(t, for_applicant=not staff) for t in items], "total": total, "page": args["page"],
            "per_page": args["per_page"]}


@bp.get("/tasks/<task_id>")
@bp.response(200, TaskDetailSchema)
def get_task(task_id: str):
    """A task with its form, prefilled data and case."""
    user = require_user()
    task = service.get_visible(user, task_id)
    view = task_view(task, for_applicant=not accounts.is_staff(user))
    view.update({"form": service.form_of(task), "data": service.prefill(task),
                 "instructions": service.instructions_of(task), "case": cases.describe(task.case, user)})
    return view


@bp.post("/tasks/<task_id>/claim")
@bp.response(200, TaskSchema)
@transactional
def claim_task(task_id: str):
    """Claim a group task (409 when someone else holds it)."""
    user = require_user()
    task = service.claim(task=service.get_visible(user, task_id), actor=user)
    return task_view(task)


@bp.post("/tasks/<task_id>/release")
@bp.response(200, TaskSchema)
@transactional
def release_task(task_id: str):
    """Give a claimed task back to its group."""
    user = require_user()
    task = service.release(task=service.get_visible(user, task_id), actor=user)
    return task_view(task)


@bp.post("/tasks/<task_id>/assign")
@bp.arguments(AssignSchema)
@bp.response(200, TaskSchema)
@transactional
def assign_task(args, task_id: str):
    """A supervisor assigns a task to a group member."""
    user = require_user()
    task = service.get_visible(user, task_id)
    if not service.is_supervisor(user):  # before the lookup: others learn nothing about user ids
        raise Forbidden(_("Hanya supervisor yang dapat menugaskan."))
    assignee = accounts.get(args["user_id"])
    if assignee is None:
        raise ValidationFailed(fields={"user_id": [_("Pengguna tidak ditemukan.")]})
    return task_view(service.assign(task=task, actor=user, assignee=assignee))


@bp.post("/tasks/<task_id>/complete")
@bp.arguments(CompleteSchema)
@bp.response(200, CompleteResultSchema)
@transactional
def complete_task(args, task_id: str):
    """Complete a step with its form data; the case moves on."""
    user = require_user()
    task = service.get_visible(user, task_id)
    data = args["data"]
    confirmed = "1" if args["confirm_draft_reviewed"] else None
    errors = draft.confirmation_errors(task=task, data=data, confirmed=confirmed)
    if errors:
        raise ValidationFailed(fields=errors)
    draft.record_confirmation(task=task, actor=user, data=data)
    case = service.complete(task=task, actor=user, data=data)
    return {"case": cases.describe(case, user)}


@bp.get("/tasks/<task_id>/draft-permit.pdf")
@bp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf",
             description="The draft permit, marked as draft (not stored)")
def draft_permit(task_id: str):
    """The permit as it would be issued, for an open approval or signing step: watermarked, no number, no QR."""
    user = require_user()
    task = service.get_visible(user, task_id)
    if not accounts.is_staff(user):
        raise Forbidden()
    body = draft.for_task(task=task, viewer=user)
    response = send_file(io.BytesIO(body), mimetype="application/pdf",
                         download_name=f"draf-izin-{task.case.registration_number or task.case_id}.pdf")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/tasks/<task_id>/priority")
@bp.arguments(PrioritySchema)
@bp.response(200, TaskSchema)
@transactional
def set_priority(args, task_id: str):
    """A supervisor sets a task's priority (0 normal, 1 high, 2 urgent, 3 most urgent)."""
    user = require_user()
    task = service.set_priority(task=service.get_visible(user, task_id), actor=user, priority=args["priority"])
    return task_view(task)


@bp.post("/tasks/<task_id>/follow-up")
@bp.arguments(FollowUpSchema)
@bp.response(200, TaskSchema)
@transactional
def set_follow_up(args, task_id: str):
    """The holder (or a supervisor) defers a task waiting on a third party until a later day; null clears it."""
    user = require_user()
    task = service.set_follow_up(task=service.get_visible(user, task_id), actor=user,
                                 follow_up_on=args["follow_up_on"], note=args.get("note"))
    return task_view(task)
