"""Process heatmap: per user task of a service, duration in working days, count and breach rate.

Statistics come from task rows completed within the period (one query) plus the open ones (one
grouped query), computed with the office calendar; the diagram is the service's active version.
A call activity shows the time its called process took per case (all of its steps added up) and
the share of cases with a late step inside it.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import case, func, select

from app.cases.models import Case
from app.catalog import service as catalog
from app.common import clock
from app.engine import properties as P
from app.engine.specs import BPMN_NS, NS, parse_xml
from app.extensions import db
from app.inbox.models import OPEN_STATES, Task
from app.sla.service import calendar

from .periods import Period
from .timings import average, percentile

HIGH_BREACH_RATE = 0.25
MEDIUM_BREACH_RATE = 0.10
MEDIUM_SHARE_OF_SLA = 0.75


def severity(count: int, avg: float | None, sla: float | None, breach_rate: float | None) -> str:
    """none (no data), low, medium, high: against the step's SLA and its breach rate; info without an SLA."""
    if not count:
        return "none"
    rate = breach_rate or 0.0
    ratio = (avg or 0.0) / sla if sla else None
    if rate >= HIGH_BREACH_RATE or (ratio is not None and ratio > 1):
        return "high"
    if rate >= MEDIUM_BREACH_RATE or (ratio is not None and ratio > MEDIUM_SHARE_OF_SLA):
        return "medium"
    return "low" if sla or rate > 0 else "info"


def _outline(xml: str) -> dict[str, dict]:
    """process id -> {"tasks": [ids], "calls": {call id: called process id}} of one BPMN file."""
    root = parse_xml(xml)
    found = {}
    for proc in root.findall("bpmn:process", NS):
        found[proc.get("id")] = {
            "tasks": [el.get("id") for el in proc.iter(f"{{{BPMN_NS}}}userTask")],
            "calls": {el.get("id"): el.get("calledElement") for el in proc.iter(f"{{{BPMN_NS}}}callActivity")}}
    return found


def _file_order(main: str, outlines: dict[str, dict]) -> list[str]:
    """The main process's file first, then the files of the processes it calls (breadth first)."""
    file_of = {pid: name for name, procs in outlines.items() for pid in procs}
    order, queue, seen = [], [main], {main}
    while queue:
        pid = queue.pop(0)
        name = file_of.get(pid)
        if name is None:
            continue
        if name not in order:
            order.append(name)
        for called in outlines[name][pid]["calls"].values():
            if called and called not in seen:
                seen.add(called)
                queue.append(called)
    return order


def _task_rows(service: str, period: Period) -> list:
    return list(db.session.execute(
        select(Task.case_id, Task.process_id, Task.bpmn_id, Task.name, Task.created_at, Task.completed_at,
               Task.due_at, Task.sla_working_days)
        .join(Case, Case.id == Task.case_id)
        .where(Case.service_key == service, Task.state == "completed", Task.completed_at >= period.start_at,
               Task.completed_at < period.end_at)))


def _open_rows(service: str, now: datetime) -> dict[tuple[str, str], tuple[int, int]]:
    rows = db.session.execute(
        select(Task.process_id, Task.bpmn_id, func.count(Task.id), func.sum(case((Task.due_at < now, 1), else_=0)))
        .join(Case, Case.id == Task.case_id).where(Case.service_key == service, Task.state.in_(OPEN_STATES))
        .group_by(Task.process_id, Task.bpmn_id))
    return {(r[0], r[1]): (int(r[2]), int(r[3] or 0)) for r in rows}


def _stats(durations: list[float], late: int, sla: float | None) -> dict:
    count = len(durations)
    avg = average(durations)
    rate = round(late / count, 4) if count else None
    return {"count": count, "avg_working_days": avg, "p90_working_days": percentile(durations, 0.9),
            "late": late, "breach_rate": rate, "sla_working_days": sla, "severity": severity(count, avg, sla, rate)}


def heatmap(*, service: str, period: Period, now: datetime | None = None) -> dict:
    """The service's diagrams with per-element statistics for the period."""
    now = now or clock.now()
    svc = catalog.get(service)
    version, model = catalog.active_model(svc)
    files = version.files.get("bpmn", {})
    outlines = {name: _outline(xml) for name, xml in files.items()}
    cal = calendar()
    durations: dict[tuple[str, str], list[float]] = defaultdict(list)
    late: dict[tuple[str, str], int] = defaultdict(int)
    per_case: dict[tuple[int, str], float] = defaultdict(float)  # (case, process) -> working days of its steps
    late_cases: set[tuple[int, str]] = set()
    for row in _task_rows(service, period):
        days = max(cal.working_days_between(row.created_at, row.completed_at), 0.0)
        key = (row.process_id, row.bpmn_id)
        durations[key].append(days)
        per_case[(row.case_id, row.process_id)] += days
        if row.due_at is not None and row.completed_at > row.due_at:
            late[key] += 1
            late_cases.add((row.case_id, row.process_id))
    calls = {pid: procs[pid]["calls"] for procs in outlines.values() for pid in procs}
    own_tasks = {pid: bool(procs[pid]["tasks"]) for procs in outlines.values() for pid in procs}

    def has_steps(pid: str, seen: frozenset = frozenset()) -> bool:
        """Whether a process, or one it calls, has user tasks (a payment wait has none to show)."""
        return own_tasks.get(pid, False) or any(
            has_steps(called, seen | {pid}) for called in calls.get(pid, {}).values() if called and called not in seen)
    case_ids = {case_id for case_id, _ in per_case}

    def process_total(case_id: int, pid: str, seen: frozenset = frozenset()) -> tuple[float, bool, bool]:
        """(working days, any step ran, any step late) of a called process for one case, nested calls included."""
        total = per_case.get((case_id, pid), 0.0)
        ran = (case_id, pid) in per_case
        was_late = (case_id, pid) in late_cases
        for called in calls.get(pid, {}).values():
            if called and called not in seen:
                sub = process_total(case_id, called, seen | {pid})
                total, ran, was_late = total + sub[0], ran or sub[1], was_late or sub[2]
        return total, ran, was_late

    open_counts = _open_rows(service, now)
    diagrams = []
    for name in _file_order(model.process_id, outlines):
        if model.process_id not in outlines[name] and not any(has_steps(pid) for pid in outlines[name]):
            continue  # a called process without human steps (e.g. waiting for a payment)
        elements = []
        for pid, outline in outlines[name].items():
            for bpmn_id in outline["tasks"]:
                info = model.element(pid, bpmn_id)
                sla_raw = info.properties.get(P.SLA_WORKING_DAYS) if info else None
                sla = float(sla_raw) if sla_raw and sla_raw.replace(".", "", 1).isdigit() else None
                opened, overdue = open_counts.get((pid, bpmn_id), (0, 0))
                elements.append({"id": bpmn_id, "process_id": pid, "kind": "userTask",
                                 "name": info.name if info else bpmn_id, "group": info.lane if info else None,
                                 "open": opened, "overdue": overdue,
                                 **_stats(durations.get((pid, bpmn_id), []), late.get((pid, bpmn_id), 0), sla)})
            for call_id, called in outline["calls"].items():
                if not called or not has_steps(called):
                    continue
                totals = [process_total(c, called) for c in case_ids]
                ran = [t for t in totals if t[1]]
                info = model.element(pid, call_id)
                elements.append({"id": call_id, "process_id": pid, "kind": "callActivity", "called": called,
                                 "name": info.name if info else call_id, "group": None, "open": 0, "overdue": 0,
                                 **_stats([t[0] for t in ran], sum(1 for t in ran if t[2]), None)})
        titles = [model.processes[pid].name for pid in outlines[name] if pid in model.processes]
        diagrams.append({"file": name, "title": " / ".join(titles) or name, "xml": files[name],
                         "elements": elements})
    return {"service": svc.key, "name": svc.name, "sop_days": int(svc.sop_days), "version": version.version,
            "period": period.as_dict(), "generated_at": clock.iso(now), "diagrams": diagrams}
