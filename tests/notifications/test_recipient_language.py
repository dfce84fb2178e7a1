"""A message is written in its recipient's language (their stored choice, else Indonesian), never in the language
of whoever's request caused it; every word of the templates is marked for translation."""
from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from app.accounts import service as accounts
from app.extensions import db
from app.notifications import service as notifications

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates" / "notifications"
DUE = datetime(2026, 12, 16, 9, 0, tzinfo=UTC)  # 16.00 in Jakarta


def _digest(user) -> str:
    [note] = notifications.notify_user(
        user, "daily_digest", notifications.SUBJECTS["daily_digest"],
        {"day": DUE.date(), "late_count": 0, "tasks": [{"reg": "SIPA-2026-000001", "name": "Verifikasi berkas",
                                                        "due_at": DUE, "late": False}]},
        channels=("in_app",), dedupe_key=f"lang-{user.id}-{user.locale}")
    return note.body


def test_an_english_page_does_not_change_the_language_of_an_indonesian_recipients_message(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        officer = accounts.get_by_email("loket@demo.local")
        assert officer.locale == "id"
        body = _digest(officer)
        assert "Yth. Andi Verifikator," in body and "16 Desember 2026 16.00 WIB" in body
        assert "December" not in body
        db.session.rollback()


def test_a_recipient_who_chose_english_gets_the_message_in_english(app):
    with app.test_request_context():  # the page is Indonesian; the recipient is not
        officer = accounts.get_by_email("loket@demo.local")
        officer.locale = "en"
        assert "16 December 2026 16.00 WIB" in _digest(officer)
        officer.locale = "xx"  # a language we do not speak: Indonesian
        assert "16 Desember 2026 16.00 WIB" in _digest(officer)
        db.session.rollback()


def test_subjects_are_marked_sources_filled_with_their_values(ctx):
    assert all("{" not in subject for subject in notifications.SUBJECTS.values())
    assert notifications.subject_for("case_rejected", reg="SIPA-2026-000001") == "Permohonan SIPA-2026-000001 ditolak"
    assert notifications.subject_for("task_reminder", reg="X-1") == "Pengingat: tugas  untuk permohonan X-1"
    assert notifications.subject_for("no_such_template", reg="X-1") == "Kabar permohonan X-1"
    assert notifications.subject_for("permit_expiring", reg="X-1") == "Izin Anda (permohonan X-1) akan segera berakhir"


def test_every_word_of_the_notification_templates_is_marked():
    """Outside `{{ ... }}` and `{% ... %}` a template holds only layout: blank lines and a list's dash."""
    offenders = []
    for path in sorted(TEMPLATES.glob("*.txt")):
        bare = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", path.read_text("utf-8"), flags=re.S)
        words = re.findall(r"[A-Za-z]{2,}", bare)
        if words:
            offenders.append(f"{path.name}: {' '.join(words[:8])}")
    assert not offenders, offenders


def test_a_subject_with_values_is_translated_for_the_recipient_then_filled(ctx):
    user = accounts.get_by_email("pemohon@demo.local")
    [note] = notifications.notify_user(user, "password_reset", "Tanggapan atas pengaduan %(ticket)s",
                                       {"link": "https://contoh/reset", "hours": 2}, channels=("in_app",),
                                       subject_values={"ticket": "ADU-2026-000001"})
    assert note.subject == "Tanggapan atas pengaduan ADU-2026-000001"
    db.session.rollback()
