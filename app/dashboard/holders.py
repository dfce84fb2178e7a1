"""Working time by holder of the file over many cases at once (the SLA module's rule, read in bulk).

The rule is `app.sla.holders.time_by_holder` (docs/SLA.md): a task row says which party had an open
step when; a moment without an open step belongs to whom the clock ledger says the case waits on
(the applicant, an agency) or else to the office. Parallel steps of two holders count for both.
Here the task rows and ledger lines of all cases come from two queries, not three per case.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.sql.elements import ColumnElement

from app.accounts.models import Group
from app.cases.models import Case
from app.common.i18n import N_, translate
from app.extensions import db
from app.inbox.models import Task
from app.sla import ledger
from app.sla.holders import APPLICANT, OFFICE
from app.sla.service import calendar

from .timings import Timings

OFFICE_LABEL = "DPMPTSP"  # the office's name, the same in every language
APPLICANT_LABEL = N_("Pemohon")


def group_holders() -> dict[str, tuple[str, str]]:
    """group key -> (holder key, label): the applicant, the office's units (DPMPTSP), or an agency."""
    labels = {}
    for key, agency in db.session.execute(select(Group.key, Group.agency)):
        if key == APPLICANT:
            labels[key] = (APPLICANT, APPLICANT_LABEL)
        elif not agency or agency.upper() == OFFICE_LABEL:
            labels[key] = (OFFICE, OFFICE_LABEL)
        else:
            labels[key] = (key.removeprefix("teknis_"), agency)
    return labels


def holder_of_reason(reason: str | None) -> str:
    """Who a paused clock waits on, from the ledger's reason code."""
    if reason in (ledger.REASON_APPLICANT, ledger.REASON_PAYMENT):
        return APPLICANT
    if reason and reason.startswith(ledger.REASON_AGENCY + ":"):
        return reason.split(":", 1)[1]
    return OFFICE


def case_holders(submitted_at: datetime, end: datetime, tasks: list, entries: list, labels: dict,
                 cal) -> dict[str, float]:
    """Office seconds each holder had one case's file between submission and `end`."""
    spans = []
    for task in tasks:
        holder = labels.get(task.group_key, (task.group_key.removeprefix("teknis_"), task.group_key))[0]
        closed = task.completed_at if task.state in ("completed", "cancelled") and task.completed_at else end
        spans.append((task.created_at, min(closed, end), holder))
    points = sorted({submitted_at, end, *(p for a, b, _ in spans for p in (a, b)), *(e.at for e in entries)})
    points = [p for p in points if submitted_at <= p <= end]
    totals: dict[str, float] = defaultdict(float)
    for a, b in zip(points, points[1:], strict=False):
        seconds = cal.working_seconds_between(a, b)
        if seconds <= 0:
            continue
        holders = {h for s, e, h in spans if s <= a and e >= b}
        if not holders:
            state = None
            for entry in entries:
                if entry.at <= a:
                    state = entry
            holders = {holder_of_reason(state.reason if state is not None and state.state == "paused" else None)}
        for holder in holders:
            totals[holder] += seconds
    return totals


def by_holder(condition: ColumnElement, timings: Timings, *, now: datetime) -> list[dict]:
    """Per holder: total working days, cases held, and the average per case over the given cases.

    Labels are in the reader's language (agency names as the office wrote them).
    """
    labels = group_holders()
    tasks: dict[int, list] = defaultdict(list)
    for row in db.session.execute(
            select(Task.case_id, Task.group_key, Task.state, Task.created_at, Task.completed_at)
            .join(Case, Case.id == Task.case_id).where(condition).order_by(Task.case_id, Task.created_at)):
        tasks[row.case_id].append(row)
    cal = calendar()
    names = {key: label for key, label in labels.values()}
    names.update({OFFICE: OFFICE_LABEL, APPLICANT: APPLICANT_LABEL})
    seconds: dict[str, float] = defaultdict(float)
    held: dict[str, int] = defaultdict(int)
    counted = 0
    for case in timings.cases:
        if case.submitted_at is None:
            continue
        counted += 1
        end = case.completed_at or now
        for holder, value in case_holders(case.submitted_at, end, tasks.get(case.case_id, []),
                                          timings.entries.get(case.case_id, []), labels, cal).items():
            seconds[holder] += value
            held[holder] += 1
    day = cal.office_day_seconds
    items = [{"holder": key, "label": translate(names.get(key, key)), "working_days": round(value / day, 2),
              "cases": held[key], "avg_working_days": round(value / day / counted, 2) if counted else None}
             for key, value in seconds.items()]
    return sorted(items, key=lambda item: (-item["working_days"], item["holder"]))
