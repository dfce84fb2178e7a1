"""pengaduan: triage, forwarding to the responsible unit, escalation after 5 working days, public response."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.cases import service as cases
from app.common import clock
from app.complaints import service as complaints
from app.extensions import db
from tests.processes import http
from tests.processes.support import complete, open_task, open_tasks, route
from tests.support.api import ApiClient

MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 09:00 WIB; no holiday in the following two weeks
COMPLAINT = {"name": "Sri Wahyuni", "contact": "sri.wahyuni@contoh.id",
             "subject": "Permohonan PBG belum dijadwalkan pemeriksaan",
             "body": "Berkas PBG saya sudah lengkap sejak dua minggu lalu tetapi belum ada jadwal pemeriksaan."}
FORWARD = {"complaint_type": "pengaduan", "complaint_category": "waktu", "triage_decision": "forward",
           "forward_to": "teknis_pupr", "triage_note": "Mohon cek jadwal pemeriksaan lapangan."}
FOLLOWED_UP = {"followup_action": "Pemeriksaan dijadwalkan 26 November 2026; pemohon sudah dihubungi.",
               "followup_status": "resolved"}
ANSWER = {"public_response": "Terima kasih. Pemeriksaan lapangan telah dijadwalkan pada 26 November 2026.",
          "publish": True}


def _filed(at: datetime = MONDAY):
    with clock.frozen_at(at):
        complaint = complaints.file_complaint(**COMPLAINT)
        db.session.commit()
    return complaint


def test_complaint_through_the_api_is_forwarded_followed_up_and_answered_in_public(client):
    filed = client.post("/api/v1/complaints", json=COMPLAINT)
    assert filed.status_code == 201, filed.get_json()
    ticket = filed.get_json()["ticket"]
    assert filed.get_json()["status"] == "received" and filed.get_json()["due_at"]

    officer = ApiClient(client, "pengaduan@demo.local")
    case_id = officer.get(f"/api/v1/complaints/{ticket}").get_json()["case_id"]
    http.finish(officer, case_id, FORWARD)
    assert client.get(f"/api/v1/complaints/{ticket}").get_json()["status"] == "forwarded"
    http.finish(ApiClient(client, "teknis.pupr@demo.local"), case_id, FOLLOWED_UP)
    case = http.finish(officer, case_id, ANSWER)
    assert case["status"] == "approved"

    public = client.get(f"/api/v1/complaints/{ticket}").get_json()
    assert public["status"] == "answered" and public["answered_at"]
    assert public["public_response"] == ANSWER["public_response"]
    assert "contact" not in public and "name" not in public
    listed = client.get("/api/v1/complaints?public=1").get_json()
    assert [c["ticket"] for c in listed["items"]] == [ticket]


def test_forward_not_followed_up_in_five_working_days_escalates_to_the_head_of_division(ctx):
    complaint = _filed()
    case = complaint.case
    complete(case, "triase", FORWARD, at=MONDAY + timedelta(hours=1))
    assert open_task(case).bpmn_id == "tindak_lanjut_pupr"

    with clock.frozen_at(MONDAY + timedelta(days=4)):  # Friday: still within the five working days
        cases.fire_due_timers(case)
        db.session.commit()
    assert complaint.status == "forwarded"

    with clock.frozen_at(MONDAY + timedelta(days=8)):  # the next Tuesday: Monday 16:00 WIB has passed
        cases.fire_due_timers(case)
        db.session.commit()
    assert [t.bpmn_id for t in open_tasks(case)] == ["tindak_lanjut_eskalasi"]
    assert open_task(case).group_key == "kabid"
    assert complaint.status == "escalated" and complaint.escalated_at is not None

    complete(case, "tindak_lanjut_eskalasi", FOLLOWED_UP, at=MONDAY + timedelta(days=8, hours=1))
    complete(case, "jawab_publik", ANSWER, at=MONDAY + timedelta(days=8, hours=2))
    assert complaint.status == "answered"
    assert route(case) == ["triase", "tindak_lanjut_pupr", "tindak_lanjut_eskalasi", "jawab_publik"]


def test_complaint_outside_the_offices_authority_is_closed_with_the_reason(ctx):
    complaint = _filed()
    reason = "Pengaduan menyangkut layanan pemerintah pusat; silakan sampaikan melalui lapor.go.id."
    case = complete(complaint.case, "triase", {"complaint_type": "pengaduan", "complaint_category": "lainnya",
                                               "triage_decision": "reject", "public_response": reason},
                    at=MONDAY + timedelta(hours=1))
    assert case.status == "rejected"
    assert complaint.status == "rejected" and complaint.public_response == reason
    assert complaints.list_public()[1] == 0


def test_information_request_is_answered_directly_and_may_stay_unpublished(ctx):
    complaint = _filed()
    complete(complaint.case, "triase", {"complaint_type": "permintaan_informasi", "complaint_category": "persyaratan",
                                        "triage_decision": "answer_directly"}, at=MONDAY + timedelta(hours=1))
    case = complete(complaint.case, "jawab_publik", {**ANSWER, "publish": False}, at=MONDAY + timedelta(hours=2))
    assert case.status == "approved"
    assert route(case) == ["triase", "jawab_publik"]
    assert complaint.status == "answered" and complaint.is_public is False
    assert complaints.list_public()[1] == 0
