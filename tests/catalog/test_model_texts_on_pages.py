"""Pages name services and steps in the reader's language, from the model's own translations (forms/*.json)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support.api import ApiClient
from tests.support.flow import submit_application
from tests.support.pages import login

FORMS = Path(__file__).resolve().parents[2] / "forms"
SERVICE = "Surat Izin Praktik Apoteker (SIPA)"
STEP = "Verifikasi berkas"
ROW = r'<td data-label="[^"]*">{service}</td>\s*<td data-label="[^"]*">{step}</td>'  # an inbox row's service, step


def english(text: str) -> str:
    """The model's English for one of its texts (the version's translations file)."""
    entries = json.loads((FORMS / "sip_apoteker.translations.json").read_text("utf-8"))["x-translations"]["en"]
    return entries[text]


@pytest.fixture
def submitted(client) -> dict:
    """A submitted SIPA application, waiting at its document verification."""
    return submit_application(ApiClient(client, "pemohon@demo.local"))


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def test_the_expected_english_is_the_models_own():
    assert english(SERVICE) == "Pharmacist Practice Permit (SIPA)"
    assert english(STEP) == "Document verification"


def test_the_catalog_and_a_service_page_name_the_service_in_the_readers_language(client):
    link = '<a href="/layanan/sip_apoteker">{}</a>'
    assert link.format(SERVICE) in page(client, "/")
    service_page = page(client, "/layanan/sip_apoteker")
    assert f"<h1>{SERVICE}</h1>" in service_page and SERVICE in title(service_page)
    assert "adalah izin tertulis bagi apoteker" in service_page

    client.get("/bahasa/en")
    catalog = page(client, "/")
    assert link.format(english(SERVICE)) in catalog and link.format(SERVICE) not in catalog
    service_page = page(client, "/layanan/sip_apoteker")
    assert f"<h1>{english(SERVICE)}</h1>" in service_page and english(SERVICE) in title(service_page)
    assert "is the written permit for a pharmacist" in service_page
    assert "adalah izin tertulis bagi apoteker" not in service_page


def test_the_applicants_case_page_names_the_service_and_its_steps_in_the_readers_language(client, submitted):
    login(client, "pemohon@demo.local")
    path = f"/permohonan/{submitted['id']}"
    indonesian = page(client, path)
    assert f"<h1>{SERVICE}</h1>" in indonesian and title(indonesian).startswith(SERVICE)
    documents = indonesian[indonesian.index('id="dokumen"'):]
    assert "KTP —" in documents

    client.get("/bahasa/en")
    shown = page(client, path)
    assert f"<h1>{english(SERVICE)}</h1>" in shown and title(shown).startswith(english(SERVICE))
    assert SERVICE not in shown
    documents = shown[shown.index('id="dokumen"'):]
    assert f"{english('KTP')} —" in documents and "KTP —" not in documents


def test_the_officers_inbox_and_task_page_name_service_and_step_in_the_readers_language(client, submitted):
    login(client, "loket@demo.local")
    inbox = page(client, "/petugas/tugas?tab=group")
    assert re.search(ROW.format(service=re.escape(SERVICE), step=re.escape(STEP)), inbox)
    task_id = re.search(r'data-task="([^"]+)"', inbox).group(1)
    task = page(client, f"/petugas/tugas/{task_id}")
    assert f"<h1>{STEP}</h1>" in task and title(task).startswith(STEP)
    assert f'<p class="meta">{SERVICE} ·' in task

    client.get("/bahasa/en")
    inbox = page(client, "/petugas/tugas?tab=group")
    assert re.search(ROW.format(service=re.escape(english(SERVICE)), step=re.escape(english(STEP))), inbox)
    assert f">{english(STEP)}</option>" in inbox  # the step filter too
    task = page(client, f"/petugas/tugas/{task_id}")
    assert f"<h1>{english(STEP)}</h1>" in task and title(task).startswith(english(STEP))
    assert f'<p class="meta">{english(SERVICE)} ·' in task
    assert f"<h1>{STEP}</h1>" not in task


def test_the_tracking_page_names_service_and_current_step_in_the_readers_language(client, submitted):
    path = f"/lacak?nomor={submitted['registration_number']}"
    indonesian = page(client, path)
    assert f"<dd>{SERVICE}</dd>" in indonesian and f"<dd>{STEP}</dd>" in indonesian

    client.get("/bahasa/en")
    shown = page(client, path)
    assert f"<dd>{english(SERVICE)}</dd>" in shown and f"<dd>{english(STEP)}</dd>" in shown
    assert SERVICE not in shown and STEP not in shown


def test_a_message_names_the_service_in_its_recipients_language_whatever_the_page(app, client, submitted):
    from sqlalchemy import select

    from app.accounts import service as accounts
    from app.cases.models import Case
    from app.extensions import db
    from app.notifications import service as notifications

    with app.test_request_context(headers={"Cookie": "lang=en"}):
        case = db.session.get(Case, submitted["id"])
        applicant = accounts.get_by_email("pemohon@demo.local")
        assert applicant.locale != "en"
        [note, *_rest] = notifications.notify_case(case, "case_approved")
        assert SERVICE in note.body and english(SERVICE) not in note.body
        applicant.locale = "en"
        db.session.flush()
        [note, *_rest] = notifications.notify_case(case, "case_rejected")
        assert english(SERVICE) in note.body and SERVICE not in note.body
        from app.inbox.models import Task

        task = db.session.scalars(select(Task).where(Task.case_id == case.id)).first()
        [note, *_rest] = notifications.notify_case(case, "action_required", task=task)
        assert english(task.name) in note.body
        officer = accounts.get_by_email("loket@demo.local")
        officer.locale = "en"
        [note] = notifications.notify_user(
            officer, "daily_digest", notifications.SUBJECTS["daily_digest"],
            {"day": task.due_at.date(), "late_count": 0, "tasks": [
                {"name": task.name, "case": case, "reg": case.registration_number, "due_at": task.due_at,
                 "late": False}]}, channels=("in_app",))
        assert f"{case.registration_number}: {english(task.name)}," in note.body
        db.session.rollback()
