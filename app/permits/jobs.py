"""Scheduler job: remind holders 60 and 14 days before their permit expires, exactly once each.

What is due is derived from stored fields (valid_until, status, permit_reminders), so a re-run or
a second scheduler process sends nothing twice; the unique (permit_id, days_before) row is the record.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select

from app.common import clock
from app.extensions import db

from .models import Permit, PermitReminder

REMINDER_DAYS = (60, 14)
BATCH = 500
TEMPLATE = "permit_expiring"


def _due(threshold: int, today, *, limit: int) -> list[Permit]:
    """Valid permits expiring within `threshold` days (not yet expired) without a reminder row for it."""
    sent = exists().where(PermitReminder.permit_id == Permit.id, PermitReminder.days_before == threshold)
    query = (select(Permit).where(Permit.status == "valid", Permit.valid_until.is_not(None),
                                  Permit.valid_until >= today, Permit.valid_until <= today + timedelta(days=threshold),
                                  ~sent)
             .order_by(Permit.valid_until, Permit.id).limit(limit))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Permit, skip_locked=True)  # other schedulers skip these rows
    return list(db.session.scalars(query))


def remind_expiring(now: datetime) -> int:
    """Queue the due expiry reminders as of `now`; returns how many holders were notified."""
    from app.notifications import service as notifications

    today = now.astimezone(clock.JAKARTA).date()
    notified = 0
    # Most urgent first: a permit 10 days from expiry gets the 14-day reminder only, and its
    # 60-day reminder is recorded as moot so it never follows.
    for threshold in sorted(REMINDER_DAYS):
        for permit in _due(threshold, today, limit=BATCH):
            notifications.notify_case(permit.case, TEMPLATE, element_id=f"permit-{permit.id}-{threshold}d")
            db.session.add(PermitReminder(permit_id=permit.id, days_before=threshold, sent_at=now, notified=True))
            have = set(db.session.scalars(select(PermitReminder.days_before).where(
                PermitReminder.permit_id == permit.id)))
            for larger in (d for d in REMINDER_DAYS if d > threshold and d not in have):
                db.session.add(PermitReminder(permit_id=permit.id, days_before=larger, sent_at=now, notified=False))
            db.session.flush()
            notified += 1
    return notified


def run_due(now: datetime) -> dict:
    """The permits domain's scheduler work for one tick."""
    return {"permit_reminders": remind_expiring(now)}
