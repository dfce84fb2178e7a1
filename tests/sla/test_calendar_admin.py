"""Calendar administration: listing, adding and cancelling holidays, and re-projecting open deadlines."""
from __future__ import annotations

from app.cases.models import Case
from app.common import clock
from app.extensions import db
from tests.sla.flow import VERIFY_COMPLETE, complete, csrf_of, events_of, jkt, open_task, submit_case, web_login
from tests.support.api import ApiClient


def test_the_year_lists_national_holidays_and_cuti_bersama(client):
    officer = ApiClient(client, "loket@demo.local")
    body = officer.get("/api/v1/calendar/holidays?year=2026").get_json()
    by_date = {item["date"]: item for item in body["items"]}
    assert by_date["2026-08-17"]["kind"] == "national" and by_date["2026-08-17"]["source"] == "nasional"
    assert by_date["2026-12-24"]["kind"] == "cuti_bersama"
    assert client.get("/api/v1/calendar/holidays").status_code == 401
    assert ApiClient(client, "pemohon@demo.local").get("/api/v1/calendar/holidays").status_code == 403


def test_only_admins_change_the_calendar_and_bad_input_is_422(client):
    payload = {"date": "2026-07-08", "name": "Hari Jadi Kota", "kind": "local"}
    assert ApiClient(client, "supervisor@demo.local").post("/api/v1/calendar/holidays", json=payload).status_code == 403
    admin = ApiClient(client, "admin@demo.local")
    assert admin.post("/api/v1/calendar/holidays", json={**payload, "kind": "feast"}).status_code == 422
    assert admin.post("/api/v1/calendar/holidays", json={**payload, "date": "8 Juli"}).status_code == 422
    not_listed = admin.post("/api/v1/calendar/holidays", json={**payload, "kind": "working_day"})
    assert not_listed.status_code == 422 and "date" in not_listed.get_json()["error"]["fields"]


def test_a_new_local_holiday_moves_open_deadlines_and_is_recorded_on_the_case(client, app):
    with app.app_context():
        case_id = submit_case(jkt(2026, 7, 6, 9))
        complete(case_id, "loket@demo.local", VERIFY_COMPLETE, jkt(2026, 7, 6, 10))
        complete(case_id, "teknis.dinkes@demo.local", {"recommendation": "recommend"}, jkt(2026, 7, 6, 11))
        task = open_task(case_id)  # the head of division's approval, due Tue 7 Jul 16:00
        assert clock.to_local(task.due_at) == jkt(2026, 7, 7, 16)
        case_due = db.session.get(Case, case_id).due_at
        task_id = task.id
    admin = ApiClient(client, "admin@demo.local")
    with clock.frozen_at(jkt(2026, 7, 6, 12)):
        response = admin.post("/api/v1/calendar/holidays",
                              json={"date": "2026-07-07", "name": "Hari Jadi Kota", "kind": "local"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["reprojected"] == 2  # the task and the case
    with app.app_context():
        from app.inbox.models import Task

        task = db.session.get(Task, task_id)
        assert clock.to_local(task.due_at) == jkt(2026, 7, 8, 16)
        assert clock.to_local(task.next_check_at) > jkt(2026, 7, 8, 8)
        case = db.session.get(Case, case_id)
        assert case.due_at > case_due
        moved = events_of(case_id, "deadline_reprojected")
        assert len(moved) == 2 and all("2026-07-07" in e.note for e in moved)
    # Removing the office's row brings the old deadline back.
    with clock.frozen_at(jkt(2026, 7, 6, 13)):
        assert admin.client.delete("/api/v1/calendar/holidays/2026-07-07",
                                   headers={"Authorization": f"Bearer {admin.token}"}).status_code == 200
    with app.app_context():
        assert clock.to_local(db.session.get(Task, task_id).due_at) == jkt(2026, 7, 7, 16)


def test_a_listed_holiday_can_be_made_a_working_day_by_decree(client, app):
    with app.app_context():
        case_id = submit_case(jkt(2026, 8, 14, 9))  # verification due Monday 17 is a holiday: Tuesday 18
        assert clock.to_local(open_task(case_id).due_at) == jkt(2026, 8, 18, 16)
    admin = ApiClient(client, "admin@demo.local")
    with clock.frozen_at(jkt(2026, 8, 14, 10)):
        response = admin.post("/api/v1/calendar/holidays", json={
            "date": "2026-08-17", "name": "Hari kerja (keputusan pembatalan)", "kind": "working_day"})
    assert response.status_code == 201 and response.get_json()["working_day"] is True
    with app.app_context():
        assert clock.to_local(open_task(case_id).due_at) == jkt(2026, 8, 17, 16)
    listed = {i["date"]: i for i in admin.get("/api/v1/calendar/holidays?year=2026").get_json()["items"]}
    assert listed["2026-08-17"]["working_day"] is True and listed["2026-08-17"]["source"] == "kantor"


def test_the_admin_calendar_page_adds_a_holiday_through_its_form(client):
    web_login(client, "admin@demo.local")
    page = client.get("/admin/kalender?tahun=2026")
    assert page.status_code == 200 and "Hari Kemerdekaan" in page.get_data(as_text=True)
    response = client.post("/admin/kalender", data={"date": "2026-07-08", "name": "Hari Jadi Kota", "kind": "local",
                                                    "csrf_token": csrf_of(page.get_data(as_text=True))})
    assert response.status_code == 302
    assert "Hari Jadi Kota" in client.get("/admin/kalender?tahun=2026").get_data(as_text=True)


def test_the_calendar_page_is_for_admins(client):
    assert client.get("/admin/kalender").status_code == 302  # to the login page
    web_login(client, "loket@demo.local")
    assert client.get("/admin/kalender").status_code == 403
