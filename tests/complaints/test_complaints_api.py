"""Filing complaints: without an account, with a phone number, logged in; lookups and the rate limit."""
from __future__ import annotations

from app.accounts import service as accounts
from app.complaints.models import Complaint
from app.extensions import db
from tests.support.api import ApiClient, rate_limited_client

COMPLAINT = {"name": "Sri Wahyuni", "contact": "sri.wahyuni@contoh.id", "subject": "Loket tutup sebelum jam layanan",
             "body": "Pada Senin pukul 14.00 loket pelayanan sudah tutup padahal jam layanan sampai 15.00."}


def _complaint(ticket: str) -> Complaint:
    return db.session.scalar(db.select(Complaint).where(Complaint.ticket == ticket))


def test_filing_without_login_gives_a_ticket_and_creates_no_account(client, ctx):
    filed = client.post("/api/v1/complaints", json=COMPLAINT)
    assert filed.status_code == 201, filed.get_json()
    body = filed.get_json()
    assert body["ticket"].startswith("ADU-") and body["status"] == "received" and body["due_at"]
    assert accounts.get_by_email("sri.wahyuni@contoh.id") is None  # the address stays free to register
    complaint = _complaint(body["ticket"])
    assert complaint.complainant_id is None
    assert complaint.case.service_key == "pengaduan" and complaint.case.status == "submitted"
    assert complaint.case.registration_number.startswith("ADU-")


def test_a_logged_in_applicant_files_under_their_own_account(client, ctx):
    applicant = ApiClient(client, "pemohon@demo.local")
    filed = applicant.post("/api/v1/complaints", json={**COMPLAINT, "contact": "siti@contoh.id"})
    assert filed.status_code == 201
    assert _complaint(filed.get_json()["ticket"]).complainant_id == applicant.user["id"]
    mine = applicant.get("/api/v1/complaints").get_json()
    assert [c["ticket"] for c in mine["items"]] == [filed.get_json()["ticket"]]
    from app.notifications.models import Notification

    ticket = filed.get_json()["ticket"]
    sent = db.session.scalars(db.select(Notification).where(Notification.case_id == _complaint(ticket).case_id))
    acknowledged = [(n.template, n.subject) for n in sent]
    assert acknowledged and all(t == "complaint_received" for t, _ in acknowledged), acknowledged
    assert all(subject == f"Pengaduan {ticket} telah diterima" for _, subject in acknowledged)


def test_invalid_contact_and_unknown_registration_number_are_field_errors(client):
    bad_contact = client.post("/api/v1/complaints", json={**COMPLAINT, "contact": "bukan kontak"})
    assert bad_contact.status_code == 422 and "contact" in bad_contact.get_json()["error"]["fields"]
    unknown = client.post("/api/v1/complaints", json={**COMPLAINT, "registration_number": "SIPA-2026-999999"})
    assert unknown.status_code == 422 and "registration_number" in unknown.get_json()["error"]["fields"]


def test_a_ticket_shows_no_identity_to_the_public_and_everything_to_the_complaints_officer(client):
    ticket = client.post("/api/v1/complaints", json=COMPLAINT).get_json()["ticket"]
    public = client.get(f"/api/v1/complaints/{ticket.lower()}").get_json()
    assert public["subject"] == COMPLAINT["subject"] and "contact" not in public and "body" not in public
    officer = ApiClient(client, "pengaduan@demo.local").get(f"/api/v1/complaints/{ticket}").get_json()
    assert officer["contact"] == COMPLAINT["contact"] and officer["body"] == COMPLAINT["body"]
    assert client.get("/api/v1/complaints/ADU-XXXX-XXXX").status_code == 404
    assert client.get("/api/v1/complaints").status_code == 401


def test_anonymous_filing_is_rate_limited(app):
    client = rate_limited_client(app, COMPLAINT_RATE_LIMIT="2/hour")
    codes = [client.post("/api/v1/complaints", json=COMPLAINT).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
