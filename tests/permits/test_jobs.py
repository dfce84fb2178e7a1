"""Holders are reminded 60 and 14 days before their permit expires, once each, by the scheduler tick."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.common import clock
from tests.permits.support import issue_and_commit

EXPIRY = date(2031, 11, 23)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=clock.JAKARTA)


def _tick(app, day: date) -> dict:
    from workers.scheduler import tick

    with app.app_context():
        return tick(app, now=_at(day))


def _reminders(app) -> list:
    with app.app_context():
        from app.extensions import db
        from app.notifications.models import Notification

        return list(db.session.scalars(select(Notification).where(Notification.template == "permit_expiring",
                                                                  Notification.channel == "email")))


def test_reminders_go_out_at_60_and_14_days_exactly_once_each(app):
    permit = issue_and_commit(app, valid_until=EXPIRY)
    _tick(app, EXPIRY - timedelta(days=61))
    assert _reminders(app) == []
    for _ in range(2):  # a second tick the same day sends nothing more
        _tick(app, EXPIRY - timedelta(days=60))
    assert len(_reminders(app)) == 1
    _tick(app, EXPIRY - timedelta(days=30))
    assert len(_reminders(app)) == 1
    for _ in range(2):
        _tick(app, EXPIRY - timedelta(days=14))
    _tick(app, EXPIRY - timedelta(days=3))
    sent = _reminders(app)
    assert len(sent) == 2
    assert all(permit["number"] in n.body and "23 November 2031" in n.body for n in sent)
    assert sent[0].subject.startswith("Izin Anda")


def test_a_permit_first_seen_inside_14_days_gets_only_the_14_day_reminder(app):
    issue_and_commit(app, valid_until=EXPIRY)
    _tick(app, EXPIRY - timedelta(days=10))
    _tick(app, EXPIRY - timedelta(days=9))
    assert len(_reminders(app)) == 1


def test_revoked_and_expired_permits_get_no_reminder(app):
    revoked = issue_and_commit(app, valid_until=EXPIRY)
    issue_and_commit(app, valid_until=EXPIRY - timedelta(days=100))
    with app.app_context():
        from app.accounts import service as accounts
        from app.extensions import db
        from app.permits import service as permits

        permits.revoke(permit=permits.get_by_number(revoked["number"]),
                       actor=accounts.get_by_email("kadis@demo.local"), reason="Dicabut.")
        db.session.commit()
    _tick(app, EXPIRY - timedelta(days=14))
    assert _reminders(app) == []


def test_reminder_text_is_indonesian_and_names_the_expiry_date(app):
    issue_and_commit(app, valid_until=EXPIRY)
    _tick(app, EXPIRY - timedelta(days=60))
    body = _reminders(app)[0].body
    assert "berlaku sampai dengan 23 November 2031" in body
    assert "perpanjangan" in body


def test_verification_shows_expired_after_the_last_day(client, app):
    permit = issue_and_commit(app, valid_until=EXPIRY)
    with clock.frozen_at(_at(EXPIRY)):
        assert client.get(f"/api/v1/verify/{permit['token']}").get_json()["status"] == "valid"
    with clock.frozen_at(_at(EXPIRY + timedelta(days=1))):
        assert client.get(f"/api/v1/verify/{permit['token']}").get_json()["status"] == "expired"
        assert 'data-status="expired"' in client.get(f"/verify/{permit['token']}").get_data(as_text=True)
