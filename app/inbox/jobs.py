"""Inbox housekeeping on each scheduler tick; everything is derived from stored fields, so a re-run is harmless."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import literal_column, select, text

from app.common import clock
from app.extensions import db

from . import routing
from .deadlines import mark_risk
from .models import STALE_RISK, Task

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
    ids = list(db.session.scalars(_stale_risk_ids()))
    tasks = list(db.session.scalars(select(Task).where(Task.id.in_(ids)))) if ids else []
    for task in tasks:
        mark_risk(task)
        marked += 1
    db.session.flush()
    return {"absences_handed_over": handed, "tasks_risk_marked": marked}


def _stale_risk_ids():
    """Open tasks whose risk moment was set for another due date, from the partial index ix_tasks_risk_stale.

    The condition is the index's own predicate with literal values, so PostgreSQL matches it to the index;
    SQLite's planner would rather walk every open task by state, so it is told which index to use.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        return (select(literal_column("id")).select_from(text("tasks INDEXED BY ix_tasks_risk_stale"))
                .where(text(STALE_RISK)).limit(BATCH))
    return select(Task.id).where(text(STALE_RISK)).limit(BATCH)
