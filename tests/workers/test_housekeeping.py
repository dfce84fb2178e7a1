"""The scheduler forgets idempotency replay records once the replay window has passed."""
from __future__ import annotations

from datetime import timedelta

from tests.support.api import ApiClient
from tests.support.flow import submit_application


def _stored_keys(app) -> int:
    with app.app_context():
        from sqlalchemy import func, select

        from app.common.transaction import IdempotencyKey
        from app.extensions import db

        return db.session.scalar(select(func.count()).select_from(IdempotencyKey))


def test_replay_records_older_than_the_window_are_deleted_by_a_tick(client, app):
    applicant = ApiClient(client, "pemohon@demo.local")
    body = {"service": "sip_apoteker"}
    first = applicant.post("/api/v1/cases", json=body, headers={"Idempotency-Key": "retry-me"})
    assert first.status_code == 201 and _stored_keys(app) == 1
    from workers.scheduler import tick

    with app.app_context():
        from app.common import clock

        soon = tick(app, clock.now() + timedelta(hours=23))
        assert soon["idempotency_keys_forgotten"] == 0  # still inside the window: a retry gets the first answer
        replay = applicant.post("/api/v1/cases", json=body, headers={"Idempotency-Key": "retry-me"})
        assert replay.get_json()["id"] == first.get_json()["id"]
        later = tick(app, clock.now() + timedelta(hours=25))
    assert later["idempotency_keys_forgotten"] == 1 and _stored_keys(app) == 0
    assert submit_application(applicant)["status"] == "submitted"  # the app carries on
