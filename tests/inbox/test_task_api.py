"""The task endpoints keep the pages' rules: priority, follow-up, filters, and who may do what."""
from __future__ import annotations

from datetime import timedelta

from app.common import clock
from tests.inbox.support import make_case, make_task
from tests.support.api import ApiClient


def _task(app, **kw) -> str:
    with app.app_context():
        from app.extensions import db

        task = make_task(make_case(), **kw)
        db.session.commit()
        return task.id


def test_only_supervisors_set_priority_through_the_api(app, client):
    task_id = _task(app)
    loket = ApiClient(client, "loket@demo.local")
    supervisor = ApiClient(client, "supervisor@demo.local")
    assert loket.post(f"/api/v1/tasks/{task_id}/priority", json={"priority": 2}).status_code == 403
    assert supervisor.post(f"/api/v1/tasks/{task_id}/priority", json={"priority": 9}).status_code == 422
    response = supervisor.post(f"/api/v1/tasks/{task_id}/priority", json={"priority": 2})
    assert response.status_code == 200 and response.get_json()["priority"] == 2


def test_a_follow_up_day_hides_the_task_from_the_list_until_then(app, client):
    task_id = _task(app)
    loket = ApiClient(client, "loket@demo.local")
    day = (clock.now().astimezone(clock.JAKARTA).date() + timedelta(days=2)).isoformat()
    assert loket.post(f"/api/v1/tasks/{task_id}/follow-up", json={"follow_up_on": day}).status_code == 403
    assert loket.post(f"/api/v1/tasks/{task_id}/claim").status_code == 200
    response = loket.post(f"/api/v1/tasks/{task_id}/follow-up", json={"follow_up_on": day, "note": "Menunggu KFN"})
    assert response.status_code == 200 and response.get_json()["follow_up_on"] == day
    assert loket.get("/api/v1/tasks?scope=mine").get_json()["total"] == 0
    deferred = loket.get("/api/v1/tasks?scope=mine&deferred=true").get_json()
    assert [t["id"] for t in deferred["items"]] == [task_id]
    cleared = loket.post(f"/api/v1/tasks/{task_id}/follow-up", json={"follow_up_on": None})
    assert cleared.status_code == 200 and cleared.get_json()["follow_up_on"] is None
    assert loket.get("/api/v1/tasks?scope=mine").get_json()["total"] == 1


def test_the_list_filters_by_step_and_due_state_and_reports_risk(app, client):
    overdue = _task(app, created_at=clock.now() - timedelta(days=14))
    _task(app, bpmn_id="verifikasi_ulang", sla_days=20)
    loket = ApiClient(client, "loket@demo.local")
    listed = loket.get("/api/v1/tasks?scope=group&due=overdue").get_json()
    assert [t["id"] for t in listed["items"]] == [overdue]
    assert listed["items"][0]["overdue"] is True and listed["items"][0]["working_days_left"] < 0
    assert loket.get("/api/v1/tasks?scope=group&step=verifikasi_ulang").get_json()["total"] == 1
    assert loket.get("/api/v1/tasks?scope=group&due=someday").status_code == 422
    assert loket.get("/api/v1/tasks?scope=group&sort=due").get_json()["items"][0]["id"] == overdue
