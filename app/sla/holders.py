"""Time by holder: the working time each party held a case's file (the office, each agency, the applicant).

Computed from the task rows (who had an open step when) and, for moments without an open
step, from the clock ledger (a pause names who the case waits on; otherwise the office holds
it). Parallel steps of two holders count for both.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select

from app.common import clock as app_clock
from app.common.i18n import N_, translate
from app.extensions import db

from . import ledger

OFFICE = "dpmptsp"
APPLICANT = "pemohon"
APPLICANT_LABEL = N_("Pemohon")  # translated in the figures handed out; the office's and agencies' names are not


def _group_labels() -> dict[str, tuple[str, str]]:
    """group key -> (holder key, label)."""
    from app.accounts.models import Group

    labels = {}
    for group in db.session.scalars(select(Group)):
        if group.key == APPLICANT:
            labels[group.key] = (APPLICANT, APPLICANT_LABEL)
        elif not group.agency or group.agency.upper() == "DPMPTSP":
            labels[group.key] = (OFFICE, "DPMPTSP")
        else:
            labels[group.key] = (group.key.removeprefix("teknis_"), group.agency)
    return labels


def _holder_of_reason(reason: str | None) -> tuple[str, str]:
    if reason in (ledger.REASON_APPLICANT, ledger.REASON_PAYMENT):
        return APPLICANT, APPLICANT_LABEL
    if reason and reason.startswith(ledger.REASON_AGENCY + ":"):
        agency = reason.split(":", 1)[1]
        return agency, agency
    return OFFICE, "DPMPTSP"


def time_by_holder(case, *, now: datetime | None = None) -> dict:
    """Working days per holder and per step of a case, for the dashboard and the applicant's timeline."""
    from app.inbox.models import Task

    from .service import calendar

    if case.submitted_at is None:
        return {"holders": [], "steps": []}
    cal = calendar()
    day = cal.office_day_seconds
    now = now or app_clock.now()
    end = case.completed_at or now
    labels = _group_labels()
    tasks = list(db.session.scalars(select(Task).where(Task.case_id == case.id).order_by(Task.created_at)))
    spans = []
    steps = []
    for task in tasks:
        holder = labels.get(task.group_key, (task.group_key.removeprefix("teknis_"), task.group_key))
        closed = task.completed_at if task.state in ("completed", "cancelled") and task.completed_at else end
        spans.append((task.created_at, min(closed, end), holder))
        steps.append({"task_id": task.id, "step": task.name, "bpmn_id": task.bpmn_id, "group": task.group_key,
                      "holder": holder[0], "label": translate(holder[1]), "state": task.state,
                      "working_days": round(max(cal.working_days_between(task.created_at, min(closed, end)), 0), 2)})
    rows = ledger.entries(case.id)
    points = sorted({case.submitted_at, end, *(p for a, b, _ in spans for p in (a, b)),
                     *(r.at for r in rows)})
    points = [p for p in points if case.submitted_at <= p <= end]
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for a, b in zip(points, points[1:], strict=False):
        seconds = cal.working_seconds_between(a, b)
        if seconds <= 0:
            continue
        holders = {h for s, e, h in spans if s <= a and e >= b}
        if not holders:
            state = None
            for row in rows:
                if row.at <= a:
                    state = row
            holders = {_holder_of_reason(state.reason if state is not None and state.state == "paused" else None)}
        for holder in holders:
            totals[holder] += seconds
    items = [{"holder": key, "label": translate(label), "working_days": round(seconds / day, 2)}
             for (key, label), seconds in sorted(totals.items(), key=lambda kv: -kv[1])]
    return {"holders": items, "steps": steps}
