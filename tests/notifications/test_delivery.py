"""Delivery of the outbox: SMTP to a real server, SMS/WhatsApp to an HTTP gateway, retries and dead letters."""
from __future__ import annotations

from datetime import timedelta

from app.accounts import service as accounts
from app.common import clock
from app.extensions import db
from app.notifications import delivery
from app.notifications import service as notifications
from app.notifications.models import Notification
from tests.sla.flow import csrf_of, jkt, web_login
from tests.support.api import ApiClient

T0 = jkt(2026, 7, 6, 9)


def queue(email: str, channels: tuple[str, ...], key: str = "k1") -> list[int]:
    with clock.frozen_at(T0):
        user = accounts.get_by_email(email)
        notes = notifications.notify_user(user, "password_reset", "Atur ulang kata sandi SatuPintu",
                                          {"link": "https://contoh/reset/abc", "hours": 2}, channels=channels,
                                          dedupe_key=key)
        db.session.commit()
        return [n.id for n in notes]


def test_email_reaches_the_smtp_server_with_subject_body_and_reference(ctx, smtp_server):
    ctx.config.update(SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port)
    [note_id] = queue("pemohon@demo.local", ("email",))
    assert delivery.deliver_due(T0) == {"sent": 1, "failed": 0, "dead": 0}
    [message] = smtp_server.messages
    assert message["to"] == ["pemohon@demo.local"] and message["subject"] == "Atur ulang kata sandi SatuPintu"
    assert "https://contoh/reset/abc" in message["body"] and message["notification_id"] == str(note_id)
    assert db.session.get(Notification, note_id).state == "sent"
    assert delivery.deliver_due(T0 + timedelta(hours=1))["sent"] == 0  # nothing twice


def test_sms_and_whatsapp_go_through_their_configured_gateways(ctx, gateway):
    ctx.config.update(SMS_GATEWAY_URL=f"{gateway.url}/sms", SMS_GATEWAY_TOKEN="rahasia-sms",
                      WHATSAPP_GATEWAY_URL=f"{gateway.url}/wa", WHATSAPP_GATEWAY_TOKEN="")
    queue("pemohon@demo.local", ("sms", "whatsapp"))
    assert delivery.deliver_due(T0)["sent"] == 2
    by_path = {r["path"]: r for r in gateway.requests}
    assert by_path["/sms"]["json"]["to"] == "081234567890" and by_path["/sms"]["json"]["channel"] == "sms"
    assert by_path["/sms"]["authorization"] == "Bearer rahasia-sms"
    assert by_path["/wa"]["json"]["channel"] == "whatsapp" and by_path["/wa"]["authorization"] is None
    assert "Atur ulang kata sandi" in by_path["/wa"]["json"]["message"]


def test_a_case_message_goes_to_every_configured_applicant_channel(ctx, gateway, smtp_server):
    from tests.sla.flow import submit_case

    ctx.config.update(NOTIFY_APPLICANT_CHANNELS="in_app,email,sms,whatsapp", SMTP_HOST=smtp_server.host,
                      SMTP_PORT=smtp_server.port, SMS_GATEWAY_URL=f"{gateway.url}/sms",
                      WHATSAPP_GATEWAY_URL=f"{gateway.url}/wa")
    submit_case(T0)
    delivery.deliver_due(T0 + timedelta(minutes=1))
    submitted = db.session.query(Notification).filter_by(template="case_submitted").all()
    assert {n.channel for n in submitted} == {"in_app", "email", "sms", "whatsapp"}
    assert {n.state for n in submitted} == {"sent"}
    assert {r["path"] for r in gateway.requests} == {"/sms", "/wa"}
    assert any(m["subject"].endswith("telah diterima") for m in smtp_server.messages)


def test_failures_back_off_exponentially_then_the_message_is_dead_lettered(ctx, gateway):
    ctx.config.update(SMS_GATEWAY_URL=f"{gateway.url}/sms", NOTIFY_MAX_ATTEMPTS=3, NOTIFY_BACKOFF_SECONDS=60)
    gateway.fail_next = 10
    [note_id] = queue("pemohon@demo.local", ("sms",))
    assert delivery.deliver_due(T0)["failed"] == 1
    note = db.session.get(Notification, note_id, populate_existing=True)
    assert note.state == "failed" and note.attempts == 1 and note.next_attempt_at == T0 + timedelta(seconds=60)
    assert "503" in note.last_error
    assert delivery.deliver_due(T0 + timedelta(seconds=59))["failed"] == 0  # not due yet
    second = T0 + timedelta(seconds=60)
    delivery.deliver_due(second)
    note = db.session.get(Notification, note_id, populate_existing=True)
    assert note.attempts == 2 and note.next_attempt_at == second + timedelta(seconds=120)
    assert delivery.deliver_due(second + timedelta(seconds=120))["dead"] == 1
    note = db.session.get(Notification, note_id, populate_existing=True)
    assert note.state == "dead" and note.next_attempt_at is None and len(gateway.requests) == 3


def test_admins_see_failures_and_a_retry_delivers(client, app, gateway):
    app.config.update(SMS_GATEWAY_URL=f"{gateway.url}/sms", NOTIFY_MAX_ATTEMPTS=1)
    gateway.fail_next = 1
    with app.app_context():
        [note_id] = queue("pemohon@demo.local", ("sms",))
        assert delivery.deliver_due(T0)["dead"] == 1
    assert ApiClient(client, "supervisor@demo.local").get("/api/v1/notifications/failures").status_code == 403
    admin = ApiClient(client, "admin@demo.local")
    failures = admin.get("/api/v1/notifications/failures").get_json()
    assert [f["id"] for f in failures["items"]] == [note_id] and failures["items"][0]["state"] == "dead"
    retried = admin.post(f"/api/v1/notifications/{note_id}/retry")
    assert retried.status_code == 200 and retried.get_json()["state"] == "pending"
    assert admin.post(f"/api/v1/notifications/{note_id}/retry").status_code == 409
    with app.app_context():
        assert delivery.deliver_due(clock.now())["sent"] == 1
    assert admin.get("/api/v1/notifications/failures").get_json()["total"] == 0


def test_the_failures_page_lists_dead_messages_with_a_retry_button(client, app, gateway):
    app.config.update(SMS_GATEWAY_URL=f"{gateway.url}/sms", NOTIFY_MAX_ATTEMPTS=1)
    gateway.fail_next = 1
    with app.app_context():
        [note_id] = queue("pemohon@demo.local", ("sms",))
        delivery.deliver_due(T0)
    web_login(client, "admin@demo.local")
    page = client.get("/admin/notifikasi")
    assert page.status_code == 200 and "081234567890" in page.get_data(as_text=True)
    response = client.post(f"/admin/notifikasi/{note_id}/ulang", data={"csrf_token": csrf_of(page.get_data(as_text=True))})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Notification, note_id).state == "pending"


def test_a_message_whose_sender_died_mid_send_is_taken_again_after_its_lease(ctx, smtp_server):
    ctx.config.update(SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port, NOTIFY_SENDING_LEASE_SECONDS=600)
    [note_id] = queue("pemohon@demo.local", ("email",))
    assert delivery.claim(T0) == [(note_id, 1)]  # claimed, then the process "dies" before sending
    assert delivery.deliver_due(T0 + timedelta(minutes=5))["sent"] == 0
    assert delivery.deliver_due(T0 + timedelta(minutes=11))["sent"] == 1
    assert len(smtp_server.messages) == 1
