"""The officers' daily digest: once per officer per working day, the open tasks due soon or late.

The first tick after `SLA_DIGEST_HOUR` (office time) on a working day inserts the day's row in
`sla_daily_runs` and queues every digest in the same transaction; a second scheduler's insert
of that row fails (primary key), so it sends nothing. Each message also carries a per-officer,
per-day dedupe key.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError, OperationalError

from app.common import clock as app_clock
from app.extensions import db

from .models import DailyRun

JOB = "digest"


def send_due(now: datetime) -> int:
    """Queue today's digests if their hour has come and no scheduler did yet; returns how many."""
    from .service import calendar

    cal = calendar()
    local = now.astimezone(cal.tz)
    if not cal.is_working_day(local.date()) or local.hour < int(current_app.config.get("SLA_DIGEST_HOUR", 7)):
        return 0
    day = local.date()
    if db.session.get(DailyRun, (JOB, day)) is not None:
        return 0
    try:
        with db.session.begin_nested():
            db.session.add(DailyRun(job=JOB, day=day, at=now))
            db.session.flush()
    except (IntegrityError, OperationalError):  # another scheduler is sending (or sent) today's digests
        return 0
    sent = queue_digests(now)
    db.session.commit()
    return sent


def due_tasks_of(officer, horizon: datetime) -> list:
    """An officer's open tasks (assigned, or unclaimed in their groups) due by `horizon` or late."""
    from app.inbox.models import OPEN_STATES, Task

    groups = [g for g in officer.group_keys if g != "pemohon"]
    mine = Task.assignee_id == officer.id
    claimable = (Task.assignee_id.is_(None) & Task.group_key.in_(groups)) if groups else None
    who = or_(mine, claimable) if claimable is not None else mine
    return list(db.session.scalars(select(Task).where(Task.state.in_(OPEN_STATES), Task.due_at.is_not(None),
                                                      Task.due_at <= horizon, who).order_by(Task.due_at)))


def queue_digests(now: datetime) -> int:
    """Queue one digest to each officer with tasks due by the end of the next working day."""
    from app.notifications import service as notifications

    from .service import calendar

    cal = calendar()
    horizon = cal.add_working_days(now, 1)
    day = now.astimezone(cal.tz).date()
    count = 0
    for officer in notifications.users_with_role("officer"):
        tasks = due_tasks_of(officer, horizon)
        if not tasks:
            continue
        rows = [{"name": t.name, "case": t.case, "reg": t.case.registration_number,
                 "due_at": app_clock.to_local(t.due_at),
                 "late": t.due_at < now, "escalation_level": t.escalation_level} for t in tasks]
        notifications.notify_user(officer, "daily_digest", notifications.subject_for("daily_digest"),
                                  {"tasks": rows, "day": day, "late_count": sum(1 for r in rows if r["late"])},
                                  channels=("email", "in_app"), dedupe_key=f"digest:{officer.id}:{day.isoformat()}")
        count += 1
    return count
