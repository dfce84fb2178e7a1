"""Deadlines of tasks in office working time: days left, overdue, at risk (share of the SLA used)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from app.common import clock
from app.sla import service as sla

from .models import OPEN_STATES, Task

AT_RISK_SHARE = 0.75  # a task is at risk once this share of its SLA is used


def office_today() -> date:
    """Today's date at the office (Asia/Jakarta)."""
    return clock.now().astimezone(clock.JAKARTA).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The start of an office day and of the next one (Asia/Jakarta)."""
    start = datetime.combine(day, time.min, tzinfo=clock.JAKARTA)
    return start, start + timedelta(days=1)


def sla_view(task: Task, *, now: datetime | None = None) -> dict[str, Any]:
    """Working days left before the task's due date, and whether it is overdue or at risk."""
    now = now or clock.now()
    if task.due_at is None:
        return {"working_days_left": None, "overdue": False, "at_risk": False}
    cal = sla.calendar()
    overdue = task.due_at < now and task.state in OPEN_STATES
    total = cal.working_days_between(task.created_at, task.due_at)
    used = cal.working_days_between(task.created_at, now)
    at_risk = (not overdue and task.state in OPEN_STATES
               and (total <= 0 or used / total >= AT_RISK_SHARE))
    # Working time is additive (created -> now -> due, either way round): what is left is total minus used.
    return {"working_days_left": round(total - used, 1), "overdue": overdue, "at_risk": at_risk}


def mark_risk(task: Task) -> None:
    """Store when the task becomes at risk, and for which due date (a moved due date is marked again)."""
    task.at_risk_at = risk_moment(task)
    task.at_risk_for_due_at = task.due_at


def risk_moment(task: Task) -> datetime | None:
    """The moment the share AT_RISK_SHARE of the task's SLA (created -> due, in working time) is used."""
    if task.due_at is None or task.created_at is None:
        return None
    cal = sla.calendar()
    total = cal.working_days_between(task.created_at, task.due_at)
    if total <= 0:
        return task.due_at
    return cal.project(task.created_at, AT_RISK_SHARE * total).astimezone(UTC)
