"""Anonymous complaints are linked to no account (issue 18, item 8).

Before: a complaint filed without signing in was attached to whatever account owned the contact
email (a complaint "by" the head of office, in that account's list), and an unknown email became
an inactive account that could never register. Now the complainant follows the complaint through
its ticket and is answered at the contact they wrote; only a signed-in caller's complaint is theirs.
"""
from __future__ import annotations

from sqlalchemy import func, select

from app.accounts import service as accounts
from app.accounts.models import User
from app.complaints import service as complaints
from app.complaints.models import Complaint
from app.extensions import db
from app.notifications.models import Notification
from tests.support.api import ApiClient

COMPLAINT = {"name": "Pelapor Warga", "subject": "Petugas meminta uang tambahan",
             "body": "Petugas loket meminta biaya tambahan di luar retribusi yang tertera pada SKRD."}


def _file(client, contact: str) -> str:
    response = client.post("/api/v1/complaints", json={**COMPLAINT, "contact": contact})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["ticket"]


def _complaint(ticket: str) -> Complaint:
    return db.session.scalar(select(Complaint).where(Complaint.ticket == ticket))


# Requests run in their own application context (not the test's), so each sees only its own caller.


def test_an_anonymous_complaint_naming_a_staff_email_is_not_that_account_s(app, client):
    """Anyone could otherwise file a complaint "by" the head of office, shown in the head's own list."""
    by_kadis, by_pemohon = _file(client, "kadis@demo.local"), _file(client, "pemohon@demo.local")
    with app.app_context():
        kadis, pemohon = accounts.get_by_email("kadis@demo.local"), accounts.get_by_email("pemohon@demo.local")
        for ticket, owner in ((by_kadis, kadis), (by_pemohon, pemohon)):
            complaint = _complaint(ticket)
            assert complaint.complainant_id is None and complaint.case.applicant_id != owner.id
    mine = ApiClient(client, "pemohon@demo.local")
    assert mine.get("/api/v1/complaints").get_json()["items"] == []
    assert "contact" not in mine.get(f"/api/v1/complaints/{by_pemohon}").get_json()  # the public view only


def test_an_anonymous_complaint_creates_no_account_and_the_address_can_register(app, client):
    """An unknown contact used to become an inactive account that blocked registering that address."""
    with app.app_context():
        users_before = db.session.scalar(select(func.count()).select_from(User))
    _file(client, "warga.baru@contoh.id")
    _file(client, "0812-9876-5432")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) <= users_before + 1  # the system one
        assert accounts.get_by_email("warga.baru@contoh.id") is None
    registered = client.post("/api/v1/auth/register", json={
        "email": "warga.baru@contoh.id", "password": "rahasia123", "name": "Warga Baru", "phone": "081298765432",
        "nik": "3604010101900007"})
    assert registered.status_code == 201, registered.get_json()
    with app.app_context():
        account = accounts.get_by_email("warga.baru@contoh.id")
        assert account is not None and account.password_hash and account.is_active_account


def test_the_system_holder_of_anonymous_complaints_cannot_sign_in_or_get_a_link(app, client):
    """The one account that holds anonymous complaint cases is no way into anything."""
    from app.accounts import tokens

    ticket = _file(client, "warga.lain@contoh.id")
    with app.app_context():
        holder = _complaint(ticket).case.applicant
        assert holder.email.endswith("@kontak.invalid") and holder.roles == [] and not holder.is_active_account
        assert not tokens.may_receive_magic_link(holder)
        assert accounts.authenticate(holder.email, "") is None


def test_the_anonymous_complainant_is_answered_at_the_contact_they_wrote(app, client):
    """No account behind the complaint: the answer goes to the written contact, and the ticket shows it."""
    ticket = _file(client, "pelapor.asli@contoh.id")
    with app.app_context():
        complaint = _complaint(ticket)
        complaints.on_host_action(None, case=complaint.case, action="complaint_answered", element_id="jawab",
                                  properties={}, data={"public_response": "Petugas telah diberi sanksi.",
                                                       "publish": True})
        db.session.commit()
        sent = db.session.scalars(select(Notification).where(Notification.template == "complaint_answered")).all()
        assert [(n.channel, n.recipient, n.user_id) for n in sent] == [("email", "pelapor.asli@contoh.id", None)]
    public = client.get(f"/api/v1/complaints/{ticket}").get_json()
    assert public["status"] == "answered" and public["public_response"] == "Petugas telah diberi sanksi."


def test_a_signed_in_applicant_s_complaint_is_theirs(app, client):
    """Signing in is what links a complaint to an account, whatever contact it carries."""
    applicant = ApiClient(client, "pemohon@demo.local")
    filed = applicant.post("/api/v1/complaints", json={**COMPLAINT, "contact": "kadis@demo.local"})
    assert filed.status_code == 201
    with app.app_context():
        assert _complaint(filed.get_json()["ticket"]).complainant_id == applicant.user["id"]
