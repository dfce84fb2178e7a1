"""The development outbox: every message printed to the console and listed for administrators.

A newcomer on `make run` has no mail server; the verification code must still be readable somewhere.
"""
from __future__ import annotations

import io

from app.accounts import service as accounts
from app.extensions import db
from app.notifications import delivery, transports
from app.notifications import service as notifications
from app.notifications.models import Notification
from tests.sla.flow import web_login


def _queue_reset(link: str = "http://127.0.0.1:5000/akun/reset/abc") -> int:
    user = accounts.get_by_email("pemohon@demo.local")
    [note] = notifications.notify_user(user, "password_reset", "Atur ulang kata sandi SatuPintu",
                                       {"link": link, "hours": 2}, channels=("email",), dedupe_key="outbox-1")
    db.session.commit()
    return note.id


def test_the_console_transport_prints_the_whole_message_with_its_link(ctx):
    """With OUTBOX_CONSOLE the recipient, subject and body (the link) reach the console."""
    ctx.config.update(OUTBOX_CONSOLE=True, SMTP_HOST="")
    transport = transports.for_channel("email", ctx.config)
    assert isinstance(transport, transports.ConsoleTransport)
    note_id = _queue_reset()
    stream = io.StringIO()
    transports.ConsoleTransport(stream).send(db.session.get(Notification, note_id))
    printed = stream.getvalue()
    assert "pemohon@demo.local" in printed and "Atur ulang kata sandi" in printed
    assert "http://127.0.0.1:5000/akun/reset/abc" in printed


def test_without_the_setting_nothing_personal_is_printed(ctx):
    """Production keeps the recording transport when no gateway is set: no bodies on the console."""
    ctx.config.update(OUTBOX_CONSOLE=False, SMTP_HOST="")
    assert type(transports.for_channel("email", ctx.config)) is transports.RecordingTransport


def test_an_administrator_reads_every_message_with_clickable_links(client, app):
    """Sent messages are listed too (not only failures), and the link in the body is an anchor."""
    with app.app_context():
        note_id = _queue_reset()
        assert delivery.deliver_due(db.session.get(Notification, note_id).created_at)["sent"] == 1
    web_login(client, "admin@demo.local")
    page = client.get("/admin/kotak-keluar?state=sent")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f'id="pesan-{note_id}"' in html
    assert '<a href="http://127.0.0.1:5000/akun/reset/abc"' in html


def test_message_bodies_are_escaped_before_links_are_made(ctx):
    """A body carrying markup shows it as text; only http(s) links become anchors."""
    from app.notifications.views import linkify

    out = str(linkify('<script>x</script> javascript:alert(1) https://a.example/p?q="x"'))
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert 'href="javascript' not in out and '<a href="https://a.example/p?q=' in out


def test_the_outbox_is_for_administrators_only(client):
    """An officer or applicant gets no look at other people's messages."""
    web_login(client, "pemohon@demo.local")
    assert client.get("/admin/kotak-keluar").status_code in (403, 404)
