"""The escalation ladder of a task: which rung fires when, and what each rung does.

A ladder is a list of `percent:action` rungs measured in working time across the task's SLA
window (from the moment it became ready to its `due_at`): by default a reminder to the holder
at 75%, a breach at 100% (task flagged, supervisors told) and an escalation at 150% (the head of
division told, and, where `escalationReassign` says so, the task given back to its group).
A user task's `escalationLadder` property wins over its service's, which wins over the
office default (`SLA_ESCALATION_LADDER`).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from app.engine import properties as P

log = logging.getLogger(__name__)
ACTIONS = ("reminder", "breach", "escalate")
EVENT_KINDS = {"reminder": "task_reminder", "breach": "task_breach", "escalate": "task_escalated"}


@dataclass(frozen=True)
class Rung:
    """One step of a ladder: at `percent` of the SLA window, do `action`."""

    percent: int
    action: str


def parse_ladder(text: str) -> tuple[Rung, ...]:
    """Read "75:reminder,100:breach,150:escalate"; raise ValueError on anything else."""
    rungs = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        percent, _, action = part.partition(":")
        action = action.strip()
        if action not in ACTIONS or not percent.strip().isdigit() or int(percent) <= 0:
            raise ValueError(f"bad escalation rung {part!r}")
        rungs.append(Rung(int(percent), action))
    if not rungs:
        raise ValueError("empty escalation ladder")
    rungs.sort(key=lambda r: r.percent)
    if len({r.percent for r in rungs}) != len(rungs):
        raise ValueError("two rungs at one percentage")
    return tuple(rungs)


def _properties(task) -> tuple[dict, dict]:
    from app.catalog import service as catalog

    model = catalog.model_for_version(task.case.process_version)
    element = model.element(task.process_id, task.bpmn_id)
    return (element.properties if element else {}), model.main.properties


def ladder_for(task) -> tuple[tuple[Rung, ...], bool]:
    """The task's ladder and whether escalation gives the task back to its group."""
    own, service = _properties(task)
    default = current_app.config["SLA_ESCALATION_LADDER"]
    text = own.get(P.ESCALATION_LADDER) or service.get(P.ESCALATION_LADDER) or default
    try:
        rungs = parse_ladder(text)
    except ValueError:
        log.warning("invalid %s %r on %s/%s; using the default", P.ESCALATION_LADDER, text, task.process_id,
                    task.bpmn_id)
        rungs = parse_ladder(default)
    raw = own.get(P.ESCALATION_REASSIGN) or service.get(P.ESCALATION_REASSIGN)
    reassign = P.truthy(raw) if raw is not None else bool(current_app.config["SLA_ESCALATION_REASSIGN"])
    return rungs, reassign


def rung_moment(task, rung: Rung) -> datetime | None:
    """When a rung is due: that share of the task's working-time window after it became ready."""
    if task.due_at is None:
        return None
    if rung.percent == 100:
        return task.due_at
    from .service import calendar

    cal = calendar()
    window = max(cal.working_seconds_between(task.created_at, task.due_at), 0.0)
    seconds = round(window * rung.percent / 100)
    # A hair under the exact value keeps a rung that ends at closing time on that day, not the next.
    moment = cal.project(task.created_at, max(seconds / cal.office_day_seconds - 1e-9, 0.0))
    return _whole_second(moment)


def _whole_second(moment: datetime) -> datetime:
    rounded = moment.replace(microsecond=0)
    return rounded + timedelta(seconds=1) if moment.microsecond >= 500_000 else rounded


def next_check(task, level: int | None = None) -> datetime | None:
    """The moment of the first rung above `level` (default: the task's escalation level)."""
    if task.due_at is None:
        return None
    rungs, _ = ladder_for(task)
    level = task.escalation_level if level is None else level
    for index, rung in enumerate(rungs, start=1):
        if index > level:
            return rung_moment(task, rung)
    return None


def due_rungs(task, now: datetime) -> list[tuple[int, Rung]]:
    """Rungs above the task's level whose moment has come, as (level, rung)."""
    rungs, _ = ladder_for(task)
    found = []
    for index, rung in enumerate(rungs, start=1):
        if index <= task.escalation_level:
            continue
        moment = rung_moment(task, rung)
        if moment is not None and moment <= now:
            found.append((index, rung))
    return found


def breach_level(task) -> int | None:
    """The ladder level of the breach rung (the task is flagged once it is reached)."""
    rungs, _ = ladder_for(task)
    for index, rung in enumerate(rungs, start=1):
        if rung.action == "breach":
            return index
    return None
