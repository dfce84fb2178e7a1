"""The officers' daily digest: working days after the digest hour, once per officer per day."""
from __future__ import annotations

from app.common import clock
from app.extensions import db
from app.notifications.models import Notification
from app.sla import digest
from tests.sla.flow import jkt, submit_case


def digests() -> list[Notification]:
    db.session.rollback()
    return list(db.session.query(Notification).filter_by(template="daily_digest", channel="email"))


def send(moment) -> int:
    with clock.frozen_at(moment):
        return digest.send_due(moment)


def test_officers_get_one_digest_a_working_day_listing_their_due_tasks(ctx):
    submit_case(jkt(2026, 7, 6, 9))  # verification due Tue 7 Jul 16:00, in the verifikator group
    assert send(jkt(2026, 7, 6, 6, 59)) == 0  # before the digest hour
    assert send(jkt(2026, 7, 6, 10)) == 1
    assert send(jkt(2026, 7, 6, 15)) == 0  # once a day
    [note] = digests()
    assert note.recipient == "loket@demo.local" and "Verifikasi berkas" in note.body
    assert send(jkt(2026, 7, 7, 8)) == 1
    assert len(digests()) == 2


def test_no_digest_on_a_weekend_or_holiday_or_without_due_tasks(ctx):
    assert send(jkt(2026, 7, 6, 10)) == 0  # no tasks at all
    submit_case(jkt(2026, 8, 14, 9))
    assert send(jkt(2026, 8, 15, 10)) == 0  # Saturday
    assert send(jkt(2026, 8, 17, 10)) == 0  # Hari Kemerdekaan
    assert digests() == []
