"""The in-app list: the current user's messages, unread count and read marking."""
from __future__ import annotations

from tests.sla.flow import jkt, submit_case, web_login
from tests.support.api import ApiClient


def test_the_applicant_reads_their_in_app_messages(client, app):
    with app.app_context():
        submit_case(jkt(2026, 7, 6, 9))
    applicant = ApiClient(client, "pemohon@demo.local")
    body = applicant.get("/api/v1/notifications").get_json()
    assert body["unread"] == body["total"] >= 1
    first = next(i for i in body["items"] if i["template"] == "case_submitted")
    assert first["read"] is False and "telah diterima" in first["subject"]
    read = applicant.post(f"/api/v1/notifications/{first['id']}/read")
    assert read.status_code == 200 and read.get_json()["read"] is True
    assert applicant.get("/api/v1/notifications?unread=true").get_json()["total"] == body["total"] - 1
    assert applicant.post("/api/v1/notifications/read-all").get_json()["marked"] == body["total"] - 1
    assert applicant.get("/api/v1/notifications").get_json()["unread"] == 0


def test_nobody_reads_or_marks_someone_elses_messages(client, app):
    with app.app_context():
        submit_case(jkt(2026, 7, 6, 9))
    mine = ApiClient(client, "pemohon@demo.local").get("/api/v1/notifications").get_json()["items"][0]
    officer = ApiClient(client, "loket@demo.local")
    assert all(i["id"] != mine["id"] for i in officer.get("/api/v1/notifications").get_json()["items"])
    assert officer.post(f"/api/v1/notifications/{mine['id']}/read").status_code == 404
    assert client.get("/api/v1/notifications").status_code == 401


def test_the_notifications_page_shows_and_marks_messages(client, app):
    with app.app_context():
        submit_case(jkt(2026, 7, 6, 9))
    web_login(client, "pemohon@demo.local")
    page = client.get("/notifikasi").get_data(as_text=True)
    assert "telah diterima" in page and "belum dibaca" in page
