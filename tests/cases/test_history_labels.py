"""History lines read as words: every event kind has a label in both languages, documents by their names."""
from __future__ import annotations

import re

from babel.messages.pofile import read_po

from app.cases import events
from tests.common.test_i18n import PO
from tests.support.api import ApiClient
from tests.support.flow import submit_application, take_group_task
from tests.support.pages import login


def test_every_event_kind_the_code_records_has_a_label_and_an_english_one():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "app"
    recorded = set()
    for path in root.rglob("*.py"):
        recorded |= set(re.findall(r"events\.record\(\s*[\w.]+,\s*\"([a-z_]+)\"", path.read_text("utf-8")))
    assert recorded and recorded <= set(events.LABELS), sorted(recorded - set(events.LABELS))
    with PO.open("rb") as handle:
        english = {m.id: m.string for m in read_po(handle) if m.id and m.string}
    assert all(english.get(label) for label in events.LABELS.values()), [
        label for label in events.LABELS.values() if not english.get(label)]


def test_the_applicants_history_shows_words_not_codes(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    case = submit_application(applicant)
    view = applicant.get(f"/api/v1/cases/{case['id']}").get_json()
    assert {"created", "submitted", "document_uploaded"} <= {h["kind"] for h in view["history"]}
    assert all(h["label"] and "_" not in h["label"] for h in view["history"])
    uploads = [h for h in view["history"] if h["kind"] == "document_uploaded"]
    assert uploads and all(not re.match(r"^[a-z_]+: ", h["note"]) for h in uploads), uploads
    login(client, "pemohon@demo.local")
    page = client.get(f"/permohonan/{case['id']}").get_data(as_text=True)
    timeline = page[page.index('id="riwayat"'):]
    assert "Draf dibuat" in timeline and "Berkas diunggah" in timeline
    assert not re.search(r"— (created|submitted|document uploaded)\b", timeline)
    client.get("/bahasa/en")
    english = client.get(f"/permohonan/{case['id']}").get_data(as_text=True)
    assert "Draft created" in english[english.index('id="riwayat"'):]


def test_the_officer_sees_the_agency_names_the_applicant_sees_the_group_name(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    case = submit_application(applicant)
    loket = ApiClient(client, "loket@demo.local")
    take_group_task(loket, case["id"])
    history = applicant.get(f"/api/v1/cases/{case['id']}").get_json()["history"]
    claimed = [h for h in history if h["kind"] == "task_claimed"]
    assert claimed and all(h["actor"] != "verifikator" for h in claimed), claimed


def test_a_completed_steps_decision_reads_as_the_forms_words(client):
    """The verifier chose "revision": the applicant's history says what the form calls it, not the code."""
    from tests.portal.test_portal_pages import _flag_stra

    case_id = _flag_stra(client)
    history = ApiClient(client, "pemohon@demo.local").get(f"/api/v1/cases/{case_id}").get_json()["history"]
    [completed] = [h for h in history if h["kind"] == "task_completed"]
    assert completed["note"] == "Perlu perbaikan oleh pemohon: STRA belum dilegalisir.", completed
    created = next(h for h in history if h["kind"] == "created")
    assert created["note"] is None  # "Draf dibuat" is the label; the note repeated it in Indonesian
