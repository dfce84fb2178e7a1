"""Inbox housekeeping on each scheduler tick; everything is derived from stored fields, so a re-run is harmless."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from app.common import clock
from app.extensions import db

from . import routing
from .deadlines import mark_risk
from .models import OPEN_STATES, Task

BATCH = 500


def run_due(now: datetime) -> dict:
    """Hand over the tasks of absences that began, and note when open tasks become at risk."""
    day = now.astimezone(clock.JAKARTA).date()
    handed = 0
    for absence in routing.absences_to_hand_over(day):
        handed += routing.hand_over(absence, now=now)
    marked = 0
    # New tasks are marked when they open; this catches rows written before, and due dates moved since
    # (e.g. a holiday added to the calendar).
    stale = or_(Task.at_risk_for_due_at.is_(None), Task.at_risk_for_due_at != Task.due_at)
    tasks = list(db.session.scalars(select(Task).where(Task.state.in_(OPEN_STATES), Task.due_at.is_not(None), stale)
                                    .limit(BATCH)))
    for task in tasks:
        mark_risk(task)
        marked += 1
    db.session.flush()
    return {"absences_handed_over": handed, "tasks_risk_marked": marked}
