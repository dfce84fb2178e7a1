"""Messages made in Python follow the reader's language; what the system stores stays Indonesian.

Indonesian is the source language, so every message is Indonesian by default. Tests marked `needs_catalog`
assert English for messages this change added to the catalog: they skip, saying which messages are missing,
until `app/translations/en/LC_MESSAGES/messages.mo` is compiled with them (`make translations`); the others
assert messages the catalog already held.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from babel.support import Translations
from flask_babel import force_locale

from tests.support.api import ApiClient
from tests.support.flow import submit_application, take_group_task

CATALOG = Path(__file__).resolve().parents[2] / "app" / "translations" / "en" / "LC_MESSAGES"


def needs_catalog(*messages: str) -> None:
    """Skip unless the compiled English catalog translates these (new) messages."""
    with (CATALOG / "messages.mo").open("rb") as handle:
        compiled = Translations(handle)
    missing = [m for m in messages if compiled.gettext(m) == m]
    if missing:
        pytest.skip(f"English catalog not compiled with these messages yet: {missing}")


def english(message: str) -> str:
    """The English of a message already in the catalog."""
    with (CATALOG / "messages.po").open("rb") as handle:
        found = read_po(handle).get(message)
    assert found is not None and found.string, message
    return found.string


def test_an_api_error_is_indonesian_by_default_and_english_on_request(client):
    plain = client.get("/api/v1/track/SIPA-2026-999999")
    assert plain.status_code == 404
    assert plain.get_json()["error"]["message"] == "Nomor registrasi tidak ditemukan."
    client.get("/bahasa/en")
    translated = client.get("/api/v1/track/SIPA-2026-999999")
    assert translated.status_code == 404 and translated.get_json()["error"]["code"] == "not_found"
    assert translated.get_json()["error"]["message"] == english("Nomor registrasi tidak ditemukan.")


def test_field_messages_are_made_in_the_callers_language(ctx):
    from app.accounts import service as accounts
    from app.common.errors import ValidationFailed
    from app.complaints import service as complaints
    from app.inbox import routing

    supervisor = accounts.get_by_email("supervisor@demo.local")
    for locale, expected in (("id", "Pilihan tidak valid."), ("en", english("Pilihan tidak valid."))):
        with ctx.test_request_context(), force_locale(locale):
            with pytest.raises(ValidationFailed) as refused:
                routing.set_routing(group_key="verifikator", mode="sometimes", actor=supervisor)
            assert refused.value.fields == {"mode": [expected]}
    with ctx.test_request_context(), force_locale("en"), pytest.raises(ValidationFailed) as refused:
        complaints.normalize_contact("budi@contoh")
    assert refused.value.fields == {"contact": [english("Alamat email tidak valid.")]}


def test_a_case_status_is_named_in_the_readers_language(client):
    case = submit_application(ApiClient(client, "pemohon@demo.local"))
    from app.cases.service import STATUS_LABELS

    number = case["registration_number"]
    tracked = client.get(f"/api/v1/track/{number}").get_json()
    assert tracked["status_label"] == STATUS_LABELS[tracked["status"]]
    client.get("/bahasa/en")
    tracked = client.get(f"/api/v1/track/{number}").get_json()
    assert tracked["status_label"] == english(STATUS_LABELS[tracked["status"]])


def test_a_typed_note_is_shown_as_typed_even_when_it_reads_like_a_catalog_message(client):
    """An applicant who writes "Ditolak" as their reason sees "Ditolak" in English too, not "Rejected"."""
    applicant = ApiClient(client, "pemohon@demo.local")
    case = submit_application(applicant)
    withdrawn = applicant.post(f"/api/v1/cases/{case['id']}/withdraw", json={"reason": "Ditolak"})
    assert withdrawn.status_code == 200, withdrawn.get_json()
    assert english("Ditolak") != "Ditolak"
    client.get("/bahasa/en")
    history = applicant.get(f"/api/v1/cases/{case['id']}").get_json()["history"]
    [line] = [h for h in history if h["kind"] == "withdrawn"]
    assert line["note"] == "Ditolak" and line["label"] == english("Dibatalkan pemohon")


def _raise_priority(client) -> tuple[int, ApiClient]:
    applicant = ApiClient(client, "pemohon@demo.local")
    case = submit_application(applicant)
    task = take_group_task(ApiClient(client, "loket@demo.local"), case["id"])
    client.get("/bahasa/en")  # the supervisor works in English
    raised = ApiClient(client, "supervisor@demo.local").post(f"/api/v1/tasks/{task['id']}/priority",
                                                             json={"priority": 1})
    assert raised.status_code == 200, raised.get_json()
    return case["id"], applicant


def test_a_system_note_is_stored_in_indonesian_whatever_the_actors_language(app, client):
    case_id, applicant = _raise_priority(client)
    with app.app_context():
        from sqlalchemy import select

        from app.cases.models import CaseEvent
        from app.extensions import db

        event = db.session.scalar(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                          CaseEvent.kind == "task_priority"))
        assert event.note == "prioritas tinggi"
        assert event.data["note_source"] == {"text": "prioritas tinggi", "values": {}}
    client.get("/bahasa/id")
    officer = ApiClient(client, "loket@demo.local")
    [line] = [h for h in officer.get(f"/api/v1/cases/{case_id}").get_json()["history"] if h["kind"] == "task_priority"]
    assert line["note"] == "prioritas tinggi"


def test_a_system_note_is_shown_in_the_readers_language(client):
    # needs_catalog: the lead compiles the catalog with this change's translations, then this runs.
    needs_catalog("prioritas tinggi")
    case_id, _applicant = _raise_priority(client)
    officer = ApiClient(client, "loket@demo.local")
    [line] = [h for h in officer.get(f"/api/v1/cases/{case_id}").get_json()["history"] if h["kind"] == "task_priority"]
    assert line["note"] == "high priority"


def test_a_note_with_a_date_shows_the_date_in_the_readers_language(ctx):
    # needs_catalog: the lead compiles the catalog with this change's translations, then this runs.
    needs_catalog("ditindaklanjuti %(date)s")
    from app.cases import events
    from app.cases.models import CaseEvent

    event = CaseEvent(kind="task_follow_up", note="ditindaklanjuti 2026-12-16",
                      data={"note_source": {"text": "ditindaklanjuti %(date)s", "values": {"date": "2026-12-16"}}})
    with ctx.test_request_context(), force_locale("id"):
        assert events.note_for(event) == "ditindaklanjuti 16 Desember 2026"
    with ctx.test_request_context(), force_locale("en"):
        assert events.note_for(event) == "to be followed up on 16 December 2026"


def test_an_older_rows_system_note_is_translated_by_its_text(ctx):
    # needs_catalog: the lead compiles the catalog with this change's translations, then this runs.
    needs_catalog("dialihkan kepada petugas pengganti selama pemegang tidak di tempat")
    from app.cases import events
    from app.cases.models import CaseEvent

    older = CaseEvent(kind="task_delegated", note="dialihkan kepada petugas pengganti selama pemegang tidak di tempat",
                      data={"from_id": 1, "assignee_id": 2})
    with ctx.test_request_context(), force_locale("id"):
        assert events.note_for(older) == older.note
    with ctx.test_request_context(), force_locale("en"):
        assert events.note_for(older) == "moved to the stand-in officer while the holder is away"


def test_labels_built_in_python_follow_the_language(ctx):
    from app.inbox.pages import working_days_text
    from app.inbox.service import priority_label

    with ctx.test_request_context(), force_locale("id"):
        assert (working_days_text(2.5), working_days_text(-1), priority_label(3)) == (
            "2,5 hari kerja lagi", "terlambat 1 hari kerja", "Mendesak")
    # needs_catalog: the lead compiles the catalog with this change's translations, then this runs.
    needs_catalog("%(days)s hari kerja lagi", "terlambat %(days)s hari kerja", "Mendesak")
    with ctx.test_request_context(), force_locale("en"):
        assert (working_days_text(2.5), working_days_text(-1), priority_label(3)) == (
            "2.5 working day(s) left", "1 working day(s) late", "Urgent")
