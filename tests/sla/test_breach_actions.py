"""From the breach list a supervisor opens the case, gives the task to someone else, or escalates it."""
from __future__ import annotations

from html import unescape

from sqlalchemy import select

from app.common import clock
from app.extensions import db
from app.inbox.models import Task
from app.notifications.models import Notification
from app.sla.models import TaskEscalation
from tests.sla.flow import claim, csrf_of, jkt, open_task, submit_case, user, web_login

NOW = jkt(2026, 7, 9, 12)  # the verification of a case submitted Mon 6 Jul 09:00 was due Tue 7 Jul 16:00


def _page(client) -> str:
    with clock.frozen_at(NOW):
        response = client.get("/sla/pelanggaran")
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def test_the_breach_list_links_to_the_case_and_reassigns_in_place(client, app):
    with app.app_context():
        late = submit_case(jkt(2026, 7, 6, 9))
        task_id = open_task(late).id
        loket_id = user("loket@demo.local").id
    web_login(client, "supervisor@demo.local")
    page = _page(client)
    assert '<table class="tasks">' in page and 'data-label="No. registrasi"' in page
    assert f'href="/petugas/permohonan/{late}"' in page and f'href="/petugas/tugas/{task_id}"' in page
    assert f'action="/petugas/tugas/{task_id}/tugaskan"' in page and f'action="/sla/pelanggaran/{task_id}/eskalasi"' in page
    with clock.frozen_at(NOW):
        moved = client.post(f"/petugas/tugas/{task_id}/tugaskan", data={
            "csrf_token": csrf_of(page), "user_id": str(loket_id), "next": "/sla/pelanggaran?status=all"})
    assert moved.status_code == 302 and moved.headers["Location"] == "/sla/pelanggaran?status=all"
    with app.app_context():
        assert open_task(late).assignee_id == loket_id
    assert "Penugasan disimpan." in _page(client)


def test_a_supervisor_escalates_an_overdue_task_once_and_the_head_of_division_is_told(client, app):
    with app.app_context():
        late = submit_case(jkt(2026, 7, 6, 9))
        claim(late, "loket@demo.local", jkt(2026, 7, 6, 10))
        task_id = open_task(late).id
    web_login(client, "supervisor@demo.local")
    token = csrf_of(_page(client))
    with clock.frozen_at(NOW):
        done = client.post(f"/sla/pelanggaran/{task_id}/eskalasi", data={"csrf_token": token}, follow_redirects=True)
        again = client.post(f"/sla/pelanggaran/{task_id}/eskalasi", data={"csrf_token": token}, follow_redirects=True)
    assert "Tugas dieskalasi" in done.get_data(as_text=True)
    assert "sudah dieskalasi" in again.get_data(as_text=True)
    with app.app_context():
        task = db.session.get(Task, task_id)
        assert task.escalation_level == 3 and task.assignee_id == user("loket@demo.local").id  # not released
        rungs = db.session.scalars(select(TaskEscalation.action).where(TaskEscalation.task_id == task_id)
                                   .order_by(TaskEscalation.level)).all()
        assert rungs == ["reminder", "breach", "escalate"]  # the due rungs below it come with it, each once
        told = db.session.scalars(select(Notification).where(Notification.template == "task_escalated",
                                                             Notification.channel == "email")).all()
        assert told and all("langsung oleh supervisor" in n.body for n in told)
        assert user("kabid@demo.local").email in {n.recipient for n in told}


def test_escalation_is_refused_before_the_deadline_and_to_officers(client, app):
    with app.app_context():
        soon = submit_case(jkt(2026, 7, 8, 9))  # due Thu 9 Jul 16:00: at risk at noon, not late
        task_id = open_task(soon).id
    web_login(client, "supervisor@demo.local")
    page = _page(client)
    assert f'action="/sla/pelanggaran/{task_id}/eskalasi"' not in page
    with clock.frozen_at(NOW):
        refused = client.post(f"/sla/pelanggaran/{task_id}/eskalasi", data={"csrf_token": csrf_of(page)},
                              follow_redirects=True)
        unknown = client.post("/sla/pelanggaran/tidak-ada/eskalasi", data={"csrf_token": csrf_of(page)})
    assert "belum melewati batas waktu" in refused.get_data(as_text=True)
    assert unknown.status_code == 302  # flashed back to the list, never a 500
    with app.app_context():
        assert db.session.get(Task, task_id).escalation_level == 0
    officer = app.test_client()
    web_login(officer, "loket@demo.local")
    assert officer.post(f"/sla/pelanggaran/{task_id}/eskalasi", data={"csrf_token": csrf_of(
        officer.get("/petugas/tugas").get_data(as_text=True))}).status_code == 403
