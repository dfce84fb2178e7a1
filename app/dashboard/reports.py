"""The cases export (CSV): one row per case submitted or finished within the period.

The header row is in the requester's language; the cells are data for spreadsheets and scripts, the same in
every language (see `cases_csv`).
"""
from __future__ import annotations

import csv
import io
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import and_, case, func, or_, select

from app.cases.models import Case
from app.common import clock
from app.common.i18n import N_
from app.extensions import db
from app.inbox.models import Task
from app.payments.models import Bill
from app.surveys.models import ELEMENTS, SurveyResponse

from . import indicators, timings
from .periods import Period

COLUMNS = ("registration_number", "service", "status", "submitted_at", "completed_at", "sop_days", "extension_days",
           "clock_state", "lead_time_working_days", "elapsed_working_days", "on_time", "late_steps", "billed", "paid",
           "ikm_score")
# Each column's heading is marked under its documented name (docs/DASHBOARD.md): the office's language keeps
# those names, so the scripts that read the export by column name go on working; the English catalog gives
# readable English headings.
HEADINGS = {
    "registration_number": N_("registration_number"), "service": N_("service"), "status": N_("status"),
    "submitted_at": N_("submitted_at"), "completed_at": N_("completed_at"), "sop_days": N_("sop_days"),
    "extension_days": N_("extension_days"), "clock_state": N_("clock_state"),
    "lead_time_working_days": N_("lead_time_working_days"), "elapsed_working_days": N_("elapsed_working_days"),
    "on_time": N_("on_time"), "late_steps": N_("late_steps"), "billed": N_("billed"), "paid": N_("paid"),
    "ikm_score": N_("ikm_score"),
}


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def rows(period: Period, service: str | None, *, now: datetime) -> list[dict]:
    """The export's rows (four queries)."""
    submitted = and_(Case.submitted_at >= period.start_at, Case.submitted_at < period.end_at)
    finished = and_(Case.completed_at >= period.start_at, Case.completed_at < period.end_at)
    condition = and_(indicators.case_scope(service), Case.submitted_at.is_not(None), or_(submitted, finished))
    found = timings.fetch(condition, now=now)
    late = dict(db.session.execute(
        select(Task.case_id, func.count(Task.id)).join(Case, Case.id == Task.case_id)
        .where(condition, Task.due_at.is_not(None), indicators.late_condition(now)).group_by(Task.case_id)).all())
    money = {r[0]: (int(r[1] or 0), int(r[2] or 0)) for r in db.session.execute(
        select(Bill.case_id, func.sum(case((Bill.status != "cancelled", Bill.amount), else_=0)),
               func.sum(case((Bill.paid_at.is_not(None), func.coalesce(Bill.paid_amount, Bill.amount)), else_=0)))
        .join(Case, Case.id == Bill.case_id).where(condition).group_by(Bill.case_id))}
    scores = {}
    for row in db.session.execute(select(SurveyResponse.case_id, *(getattr(SurveyResponse, k) for k, _ in ELEMENTS))
                                  .join(Case, Case.id == SurveyResponse.case_id).where(condition)):
        scores[row[0]] = round(sum(row[1:]) / len(ELEMENTS) * 25, 2)
    items = []
    for item in found.cases:
        billed, paid = money.get(item.case_id, (0, 0))
        items.append({
            "registration_number": item.registration_number or "", "service": item.service, "status": item.status,
            "submitted_at": clock.iso(item.submitted_at) or "", "completed_at": clock.iso(item.completed_at) or "",
            "sop_days": item.sop_days, "extension_days": item.extension_days, "clock_state": item.clock_state or "",
            "lead_time_working_days": _number(item.lead_days), "elapsed_working_days": _number(item.elapsed_days),
            "on_time": ("ya" if item.on_time else "tidak") if item.measured else "",
            "late_steps": int(late.get(item.case_id, 0)), "billed": billed, "paid": paid,
            "ikm_score": _number(scores.get(item.case_id))})
    return items


def headings() -> list[str]:
    """The header row in the requester's language (the documented column names in Indonesian)."""
    return [gettext(HEADINGS[column]) for column in COLUMNS]


def cases_csv(period: Period, service: str | None, *, now: datetime) -> str:
    """The export as CSV text: a header row in the requester's language, then machine-readable cells.

    Only the header row follows the language (translated through gettext). The cell values are the same in
    every language so that spreadsheets and scripts read them alike: comma separated, times in ISO 8601 with
    `+07:00`, dates never written in words, numbers plain with a decimal point and no thousands separator
    (`4.00`, `1250000`), statuses and clock states as their codes, `on_time` as `ya`/`tidak`.
    """
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(headings())
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writerows(rows(period, service, now=now))
    return out.getvalue()
