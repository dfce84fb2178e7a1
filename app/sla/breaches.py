"""The supervisors' view of breaches: open tasks past their due date or at risk of it."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from app.common import clock as app_clock
from app.common.errors import Forbidden
from app.extensions import db

from .models import TaskEscalation

# A task is at risk when its first rung (the reminder) fired or less than this much working time is left.
AT_RISK_WORKING_DAYS = 1.0


def list_breaches(actor, *, status: str = "all", service: str | None = None, group: str | None = None,
                  page: int = 1, per_page: int = 50, now: datetime | None = None) -> tuple[list[dict], int]:
    """Overdue and at-risk open tasks, most late first (supervisors and admins)."""
    from app.cases.models import Case
    from app.inbox.models import OPEN_STATES, Task

    from .service import calendar

    if not actor.has_role("supervisor", "admin"):
        raise Forbidden(_("Hanya supervisor yang dapat melihat pelanggaran waktu layanan."))
    cal = calendar()
    now = now or app_clock.now()
    horizon = cal.project(now, AT_RISK_WORKING_DAYS)
    overdue = Task.due_at < now
    at_risk = (Task.due_at >= now) & or_(Task.due_at <= horizon, Task.escalation_level >= 1)
    condition = {"overdue": overdue, "at_risk": at_risk}.get(status, or_(overdue, at_risk))
    query = (select(Task).join(Case, Case.id == Task.case_id)
             .where(Task.state.in_(OPEN_STATES), Task.due_at.is_not(None), condition))
    if service:
        query = query.where(Case.service_key == service)
    if group:
        query = query.where(Task.group_key == group)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    tasks = list(db.session.scalars(query.order_by(Task.due_at.asc()).limit(per_page).offset((page - 1) * per_page)))
    flagged = set(db.session.scalars(select(TaskEscalation.task_id).where(
        TaskEscalation.task_id.in_([t.id for t in tasks] or ["-"]), TaskEscalation.action == "breach")))
    return [_view(t, now, cal, t.id in flagged) for t in tasks], total


def _view(task, now: datetime, cal, flagged: bool) -> dict:
    late = cal.working_days_between(task.due_at, now)
    holder = task.assignee.name if task.assignee is not None else _("kelompok %(group)s", group=task.group_key)
    return {"task_id": task.id, "case_id": task.case_id, "registration_number": task.case.registration_number,
            "service": task.case.service_key, "service_name": task.case.service.name, "step": task.name,
            "bpmn_id": task.bpmn_id, "group": task.group_key,
            "holder": holder, "assignee_id": task.assignee_id, "created_at": app_clock.iso(task.created_at),
            "due_at": app_clock.iso(task.due_at), "status": "overdue" if task.due_at < now else "at_risk",
            "late_working_days": round(late, 2), "escalation_level": task.escalation_level, "flagged": flagged}


def assignable(items: list[dict]) -> dict[str, list]:
    """Active members of each office group in the list, by group key: whom a task may be given to."""
    from app.notifications import service as notifications

    groups = sorted({item["group"] for item in items if item["group"] and item["group"] != "pemohon"})
    return {key: sorted(notifications.group_members(key), key=lambda user: user.name) for key in groups}
