"""Aggregate SQL over the read model: each indicator is one statement, whatever the number of cases."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from app.accounts.models import User
from app.cases.models import Case, CaseEvent
from app.catalog.models import Service
from app.complaints.models import Complaint
from app.complaints.service import SERVICE_KEY as COMPLAINT_SERVICE
from app.extensions import db
from app.inbox.models import OPEN_STATES, Task
from app.payments.models import Bill
from app.sla.breaches import AT_RISK_WORKING_DAYS
from app.sla.service import calendar
from app.surveys import service as surveys
from app.surveys.models import ELEMENTS, SurveyResponse

from .periods import Period, month_key_sql

APPLICANT_GROUP = "pemohon"
CLOSED_TASK_STATES = ("completed", "cancelled")


def case_scope(service: str | None) -> ColumnElement:
    """Cases of one service, or of every service but complaints (reported on their own)."""
    return Case.service_key == service if service else Case.service_key != COMPLAINT_SERVICE


def services(service: str | None = None) -> list[dict]:
    """The services reported on, with their SOP (one query)."""
    query = select(Service.key, Service.name, Service.sop_days, Service.is_public).where(
        Service.active_version_id.is_not(None))
    query = query.where(Service.key == service) if service else query.where(Service.key != COMPLAINT_SERVICE)
    return [{"key": r.key, "name": r.name, "sop_days": int(r.sop_days), "is_public": bool(r.is_public)}
            for r in db.session.execute(query.order_by(Service.name))]


def open_cases(service: str | None) -> int:
    """Submitted cases not finished yet (now)."""
    return db.session.scalar(select(func.count(Case.id)).where(
        case_scope(service), Case.submitted_at.is_not(None), Case.completed_at.is_(None))) or 0


def task_counts(service: str | None, *, now: datetime) -> dict:
    """Open office and agency tasks now: all, overdue, at risk (the SLA breach list's definitions)."""
    horizon = calendar().project(now, AT_RISK_WORKING_DAYS)
    overdue = Task.due_at < now
    at_risk = and_(Task.due_at >= now, or_(Task.due_at <= horizon, Task.escalation_level >= 1))
    row = db.session.execute(
        select(func.count(Task.id), func.sum(case((overdue, 1), else_=0)), func.sum(case((at_risk, 1), else_=0)))
        .join(Case, Case.id == Task.case_id)
        .where(case_scope(service), Task.state.in_(OPEN_STATES), Task.group_key != APPLICANT_GROUP)).one()
    return {"open_tasks": int(row[0] or 0), "overdue_tasks": int(row[1] or 0), "at_risk_tasks": int(row[2] or 0)}


def late_condition(now: datetime) -> ColumnElement:
    """A task with a due date that was closed after it, or is still open past it."""
    return or_(and_(Task.state.in_(CLOSED_TASK_STATES), Task.completed_at > Task.due_at),
               and_(Task.state.in_(OPEN_STATES), Task.due_at < now))


def _breach_scope(period: Period, service: str | None, now: datetime) -> list[ColumnElement]:
    # A breach belongs to the period in which its deadline passed.
    return [case_scope(service), Task.due_at.is_not(None), Task.due_at >= period.start_at,
            Task.due_at < period.end_at, late_condition(now)]


def breaches_by_step(period: Period, service: str | None, *, now: datetime) -> list[dict]:
    """Late tasks per service step (deadline within the period), most first."""
    count = func.count(Task.id)
    rows = db.session.execute(
        select(Case.service_key, Task.process_id, Task.bpmn_id, Task.name, count)
        .join(Case, Case.id == Task.case_id).where(*_breach_scope(period, service, now))
        .group_by(Case.service_key, Task.process_id, Task.bpmn_id, Task.name)
        .order_by(count.desc(), Case.service_key, Task.bpmn_id))
    return [{"service": r[0], "process_id": r[1], "bpmn_id": r[2], "name": r[3], "count": int(r[4])} for r in rows]


def breaches_by_officer(period: Period, service: str | None, *, now: datetime) -> list[dict]:
    """Late tasks per officer (who completed or holds the step; unclaimed ones per group), most first."""
    holder = func.coalesce(Task.completed_by_id, Task.assignee_id)
    count = func.count(Task.id)
    rows = db.session.execute(
        select(Task.group_key, holder.label("user_id"), User.name, count)
        .join(Case, Case.id == Task.case_id).outerjoin(User, User.id == holder)
        .where(*_breach_scope(period, service, now))
        .group_by(Task.group_key, holder, User.name).order_by(count.desc(), Task.group_key))
    return [{"group": r[0], "user_id": r[1], "name": r[2] or _("(belum diambil) kelompok %(group)s", group=r[0]),
             "count": int(r[3])} for r in rows]


def volume_rows(period: Period, service: str | None) -> tuple[list, list]:
    """(service, month, submitted) and (service, month, status, finished) counts within the period (two queries)."""
    month = month_key_sql(Case.submitted_at)
    submitted = db.session.execute(
        select(Case.service_key, month, func.count(Case.id))
        .where(case_scope(service), Case.submitted_at >= period.start_at, Case.submitted_at < period.end_at)
        .group_by(Case.service_key, month)).all()
    month = month_key_sql(Case.completed_at)
    finished = db.session.execute(
        select(Case.service_key, month, Case.status, func.count(Case.id))
        .where(case_scope(service), Case.submitted_at.is_not(None), Case.completed_at >= period.start_at,
               Case.completed_at < period.end_at)
        .group_by(Case.service_key, month, Case.status)).all()
    return submitted, finished


def open_at(moment: datetime, service: str | None) -> int:
    """Cases submitted before a moment and not finished by then."""
    return db.session.scalar(select(func.count(Case.id)).where(
        case_scope(service), Case.submitted_at < moment,
        or_(Case.completed_at.is_(None), Case.completed_at >= moment))) or 0


def volume(period: Period, submitted: list, finished: list, open_at_start: int) -> list[dict]:
    """Per month: submitted, issued, rejected, other endings, and the backlog at the month's end."""
    months = {m: {"period": m, "submitted": 0, "issued": 0, "rejected": 0, "withdrawn": 0, "expired": 0,
                  "finished": 0, "backlog": 0} for m in period.months()}
    for _service, month, count in submitted:
        if month in months:
            months[month]["submitted"] += int(count)
    for _service, month, status, count in finished:
        if month in months:
            if status in ("issued", "rejected", "withdrawn", "expired"):
                months[month][status] += int(count)
            months[month]["finished"] += int(count)
    backlog = open_at_start
    for item in months.values():
        backlog += item["submitted"] - item["finished"]
        item["backlog"] = backlog
    return list(months.values())


def by_quarter(monthly: list[dict]) -> list[dict]:
    """Monthly volume summed per quarter (backlog: at the quarter's end)."""
    from .periods import quarter_of

    quarters: dict[str, dict] = {}
    for item in monthly:
        key = quarter_of(item["period"])
        total = quarters.setdefault(key, {"period": key, "submitted": 0, "issued": 0, "rejected": 0,
                                          "withdrawn": 0, "expired": 0, "finished": 0, "backlog": 0})
        for name in ("submitted", "issued", "rejected", "withdrawn", "expired", "finished"):
            total[name] += item[name]
        total["backlog"] = item["backlog"]
    return list(quarters.values())


def volume_per_service(submitted: list, finished: list) -> dict[str, dict]:
    """service -> {submitted, issued, rejected} over the whole period."""
    totals: dict[str, dict] = defaultdict(lambda: {"submitted": 0, "issued": 0, "rejected": 0})
    for service, _month, count in submitted:
        totals[service]["submitted"] += int(count)
    for service, _month, status, count in finished:
        if status in ("issued", "rejected"):
            totals[service][status] += int(count)
    return dict(totals)


def revenue(period: Period, service: str | None) -> dict:
    """Retribusi billed (bills issued in the period, not cancelled) and paid (payments in the period), in rupiah."""
    issued = and_(Bill.issued_at >= period.start_at, Bill.issued_at < period.end_at, Bill.status != "cancelled")
    paid = and_(Bill.paid_at.is_not(None), Bill.paid_at >= period.start_at, Bill.paid_at < period.end_at)
    row = db.session.execute(
        select(func.sum(case((issued, Bill.amount), else_=0)),
               func.sum(case((paid, func.coalesce(Bill.paid_amount, Bill.amount)), else_=0)))
        .join(Case, Case.id == Bill.case_id).where(case_scope(service), or_(issued, paid))).one()
    return {"billed": int(row[0] or 0), "paid": int(row[1] or 0)}


def ikm_by_service(period: Period, service: str | None) -> dict[str, dict]:
    """IKM per service over the period's responses: per-element NRR, score and category (one grouped query)."""
    query = (select(SurveyResponse.service_key, func.count(SurveyResponse.id),
                    *(func.avg(getattr(SurveyResponse, key)) for key, _ in ELEMENTS))
             .where(SurveyResponse.created_at >= period.start_at, SurveyResponse.created_at < period.end_at)
             .group_by(SurveyResponse.service_key))
    query = query.where(SurveyResponse.service_key == service) if service else query.where(
        SurveyResponse.service_key != COMPLAINT_SERVICE)
    result = {}
    for row in db.session.execute(query):
        nrr = [float(value) for value in row[2:]]
        score = round(sum(value / len(ELEMENTS) for value in nrr) * 25, 2)  # PermenPAN-RB 14/2017
        letter, label = surveys.category(score)
        result[row[0]] = {"score": score, "category": letter, "label": label, "responses": int(row[1]),
                          "elements": [{"key": key, "name": name, "nrr": round(value, 3)}
                                       for (key, name), value in zip(ELEMENTS, nrr, strict=True)]}
    return result


def complaints(period: Period, *, now: datetime) -> dict:
    """Complaints received in the period, answered in the period, and late (answered after or open past due)."""
    received = and_(Complaint.created_at >= period.start_at, Complaint.created_at < period.end_at)
    answered = and_(Complaint.answered_at.is_not(None), Complaint.answered_at >= period.start_at,
                    Complaint.answered_at < period.end_at)
    late = and_(received, Complaint.due_at.is_not(None), or_(
        Complaint.answered_at > Complaint.due_at, and_(Complaint.answered_at.is_(None), Complaint.due_at < now)))
    still_open = and_(received, Complaint.answered_at.is_(None))
    row = db.session.execute(select(
        func.sum(case((received, 1), else_=0)), func.sum(case((answered, 1), else_=0)),
        func.sum(case((late, 1), else_=0)), func.sum(case((still_open, 1), else_=0)))
        .where(or_(received, answered))).one()
    return {"received": int(row[0] or 0), "answered": int(row[1] or 0), "overdue": int(row[2] or 0),
            "open": int(row[3] or 0)}


def stuck_cases(service: str | None, *, days: int, now: datetime, limit: int = 50) -> tuple[list[dict], int]:
    """Open cases whose last event is older than `days` calendar days, oldest movement first (two queries)."""
    threshold = now - timedelta(days=days)
    open_case = and_(case_scope(service), Case.submitted_at.is_not(None), Case.completed_at.is_(None))
    last = (select(CaseEvent.case_id, func.max(CaseEvent.at).label("last_at"))
            .where(CaseEvent.case_id.in_(select(Case.id).where(open_case))).group_by(CaseEvent.case_id).subquery())
    condition = and_(open_case, last.c.last_at < threshold)
    total = db.session.scalar(select(func.count()).select_from(Case).join(last, last.c.case_id == Case.id)
                              .where(condition)) or 0
    rows = db.session.execute(
        select(Case.id, Case.registration_number, Case.service_key, Case.status, Case.current_step, last.c.last_at)
        .join(last, last.c.case_id == Case.id).where(condition).order_by(last.c.last_at, Case.id).limit(limit))
    items = [{"case_id": r[0], "registration_number": r[1], "service": r[2], "status": r[3], "current_step": r[4],
              "last_event_at": r[5], "idle_days": (now - r[5]).days} for r in rows]
    return items, total

