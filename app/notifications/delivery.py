"""Deliver the outbox: pending messages go out through their channel's transport."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app.extensions import db

from .models import Notification

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
BATCH = 100


def _transport(channel: str):
    from . import transports

    return transports.for_channel(channel, current_app.config)


def deliver_due(now: datetime) -> dict:
    """Send pending messages due by `now`; retries back off, the last failure is dead-lettered."""
    query = (select(Notification).where(Notification.state.in_(("pending", "failed")),
                                        Notification.next_attempt_at <= now)
             .order_by(Notification.next_attempt_at).limit(BATCH))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    sent = failed = 0
    for note in db.session.scalars(query).all():
        note.attempts += 1
        try:
            _transport(note.channel).send(note)
            note.state = "sent"
            note.sent_at = now
            note.last_error = None
            sent += 1
        except Exception as exc:  # noqa: BLE001 - any transport failure is retried
            note.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
            if note.attempts >= MAX_ATTEMPTS:
                note.state = "dead"
            else:
                note.state = "failed"
                note.next_attempt_at = now + timedelta(minutes=2 ** note.attempts)
            failed += 1
    db.session.commit()
    return {"sent": sent, "failed": failed}
