"""Deliver the outbox: pending messages go out through their channel's transport.

Two steps, so that several scheduler processes never send one message twice and no row lock
is held while a slow SMTP server or gateway answers:

1. *claim*: due rows are picked (``FOR UPDATE SKIP LOCKED`` on PostgreSQL) and moved to
   ``sending`` by a conditional UPDATE on their state and attempt count, then committed;
   only the process whose UPDATE matched owns the message;
2. *send*: each owned message goes out and is marked ``sent``, or ``failed`` with its next
   attempt after an exponential backoff, or ``dead`` after the last attempt.

A process that dies between the two leaves its messages in ``sending``; their lease
(``NOTIFY_SENDING_LEASE_SECONDS``) expires and another tick takes them again.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from app.extensions import db

from .models import Notification

log = logging.getLogger(__name__)
BATCH = 100
MAX_BACKOFF = timedelta(hours=6)


def _transport(channel: str):
    from . import transports

    return transports.for_channel(channel, current_app.config)


def backoff(attempts: int) -> timedelta:
    """Delay before the next attempt after `attempts` failures: base * 2^(attempts-1), capped."""
    base = int(current_app.config.get("NOTIFY_BACKOFF_SECONDS", 60))
    return min(timedelta(seconds=base * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def claim(now: datetime, limit: int = BATCH) -> list[tuple[int, int]]:
    """Take due messages for this process; returns (id, attempt number) of those it owns."""
    query = (select(Notification.id, Notification.state, Notification.attempts)
             .where(Notification.state.in_(("pending", "failed", "sending")), Notification.next_attempt_at <= now)
             .order_by(Notification.next_attempt_at).limit(limit))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    lease = timedelta(seconds=int(current_app.config.get("NOTIFY_SENDING_LEASE_SECONDS", 600)))
    owned = []
    try:
        for note_id, state, attempts in db.session.execute(query).all():
            result = db.session.execute(
                update(Notification)
                .where(Notification.id == note_id, Notification.state == state, Notification.attempts == attempts)
                .values(state="sending", attempts=attempts + 1, next_attempt_at=now + lease)
                .execution_options(synchronize_session=False))
            if result.rowcount == 1:
                owned.append((note_id, attempts + 1))
        db.session.commit()
    except OperationalError:  # SQLite: another process wrote first; its claim stands, ours is void
        db.session.rollback()
        log.info("another scheduler claimed the outbox batch first")
        return []
    return owned


def _finish(note_id: int, attempt: int, **values) -> None:
    db.session.execute(update(Notification)
                       .where(Notification.id == note_id, Notification.state == "sending",
                              Notification.attempts == attempt)
                       .values(**values).execution_options(synchronize_session=False))
    db.session.commit()


def deliver_due(now: datetime) -> dict:
    """Send messages due by `now`; failures back off exponentially, the last one is dead-lettered."""
    max_attempts = int(current_app.config.get("NOTIFY_MAX_ATTEMPTS", 6))
    sent = failed = dead = 0
    while True:
        owned = claim(now)
        if not owned:
            break
        for note_id, attempt in owned:
            note = db.session.get(Notification, note_id, populate_existing=True)
            try:
                _transport(note.channel).send(note)
            except Exception as exc:  # noqa: BLE001 - any transport failure is retried
                error = f"{exc.__class__.__name__}: {exc}"[:2000]
                db.session.rollback()
                if attempt >= max_attempts:
                    _finish(note_id, attempt, state="dead", last_error=error, next_attempt_at=None)
                    dead += 1
                else:
                    _finish(note_id, attempt, state="failed", last_error=error,
                            next_attempt_at=now + backoff(attempt))
                    failed += 1
                continue
            _finish(note_id, attempt, state="sent", sent_at=now, last_error=None)
            sent += 1
        if len(owned) < BATCH:
            break
    db.session.expire_all()
    return {"sent": sent, "failed": failed, "dead": dead}
