"""The world the authorization table runs in: who calls, what exists, and how an answer is classified.

Built once per database: applicant A's submitted case (documents, an open front-office task,
a notification, a complaint, a bill list), a permit of A, an officer's saved filter and
absence, and applicant B, a second verified applicant who must see none of A's things.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from tests.support.api import ApiClient

PASSWORD = "Demo#2026"

# role name -> demo account (None: anonymous)
ROLES = {
    "anonymous": None,
    "applicant_a": "pemohon@demo.local",
    "applicant_b": "pemohon.b@demo.local",
    "loket": "loket@demo.local",
    "teknis_dinkes": "teknis.dinkes@demo.local",
    "teknis_pupr": "teknis.pupr@demo.local",
    "kabid": "kabid@demo.local",
    "kadis": "kadis@demo.local",
    "pengaduan": "pengaduan@demo.local",
    "supervisor": "supervisor@demo.local",
    "analyst": "analis@demo.local",
    "admin": "admin@demo.local",
}


@dataclass
class World:
    case_id: int
    registration_number: str
    document_id: int
    task_id: str
    permit_slug: str
    verify_token: str
    ticket: str
    notification_id: int
    filter_id: int
    absence_id: int
    applicant_b_id: int
    bill_id: int
    holiday: str = "2026-12-31"

    def values(self) -> dict[str, str]:
        """URL parameter name -> the concrete value used for it."""
        return {"case_id": str(self.case_id), "document_id": str(self.document_id), "task_id": self.task_id,
                "number": self.permit_slug, "ticket": self.ticket, "notification_id": str(self.notification_id),
                "filter_id": str(self.filter_id), "absence_id": str(self.absence_id),
                "registration_number": self.registration_number, "key": "sip_apoteker", "version": "1",
                "user_id": str(self.applicant_b_id), "day": self.holiday, "filename": "css/app.css",
                "code": "en", "token": self.verify_token,
                "bill_id": str(self.bill_id)}


def build_world(app) -> World:
    """Create everything the table needs, through the API where an applicant or officer would."""
    from sqlalchemy import select

    from app.accounts import service as accounts
    from app.extensions import db
    from app.inbox.models import Task
    from tests.permits.support import issue_and_commit
    from tests.support.flow import submit_application

    client = app.test_client()
    with app.app_context():
        b = accounts.create_user(email=ROLES["applicant_b"], name="Budi Pemohon Kedua", password=PASSWORD,
                                 verified=True, nik="3273010101900099")
        db.session.commit()
        b_id = b.id
    a = ApiClient(client, ROLES["applicant_a"])
    case = submit_application(a)
    detail = a.get(f"/api/v1/cases/{case['id']}").get_json()
    complaint = a.post("/api/v1/complaints", json={
        "name": "Siti", "contact": "pemohon@demo.local", "subject": "Lambat", "body": "Belum ada kabar tentang permohonan saya sejak dua minggu lalu.",
        "registration_number": case["registration_number"]})
    assert complaint.status_code == 201, complaint.get_json()
    notes = a.get("/api/v1/notifications").get_json()["items"]
    assert notes, "the applicant has no in-app notification to test with"
    permit = issue_and_commit(app)
    with app.app_context():
        from datetime import date

        from app.common import clock
        from app.inbox import filters
        from app.inbox.models import Absence
        from app.sla.models import Holiday

        loket = accounts.get_by_email(ROLES["loket"])
        saved = filters.save(owner=loket, name="Milik loket", params={"service": "sip_apoteker"})
        absence = Absence(user_id=loket.id, delegate_id=accounts.get_by_email(ROLES["kabid"]).id,
                          starts_on=date(2030, 1, 1), ends_on=date(2030, 1, 2), note="cuti", created_at=clock.now())
        db.session.add(absence)
        if db.session.get(Holiday, date(2026, 12, 31)) is None:
            db.session.add(Holiday(day=date(2026, 12, 31), name="Uji", kind="local"))
        db.session.flush()
        task = db.session.scalar(select(Task).where(Task.case_id == case["id"], Task.state == "ready"))
        from app.cases.models import Case
        from app.payments import service as payments

        bill = payments.issue_bill(db.session.get(Case, case["id"]), amount=150000, basis="uji")
        db.session.commit()
        world = World(case_id=case["id"], registration_number=case["registration_number"],
                      document_id=detail["documents"][0]["id"], task_id=task.id,
                      permit_slug=permit["number"].replace("/", "-"), verify_token=permit["token"],
                      ticket=complaint.get_json()["ticket"], notification_id=notes[0]["id"], filter_id=saved.id,
                      absence_id=absence.id, applicant_b_id=b_id, bill_id=bill.id)
    return world


def session_cookies(app, only: str | None = None) -> dict[str, str | None]:
    """A signed session cookie per role (or `only` one), from a real login on the login page."""
    from tests.support.pages import login

    cookies: dict[str, str | None] = {}
    for role, email in ROLES.items():
        if only is not None and role != only:
            continue
        if email is None:
            cookies[role] = None
            continue
        client = app.test_client()
        login(client, email, PASSWORD)
        cookies[role] = client.get_cookie("session").value
    return cookies


# How the pages word an access refusal they flash instead of raising (app.common.errors messages and
# the services' own): a validation message never uses these.
ACCESS_ERRORS = ("tidak ditemukan", "tidak berwenang", "khusus", "bukan untuk", "milik kelompok lain")
LOGIN = re.compile(r"/masuk(\?|$)")


def classify(response, flashes: list[tuple[str, str]]) -> str:
    """ok | login | 401 | 403 | 404 | 5xx | refused:<flash> (a redirect carrying an access error)."""
    status = response.status_code
    if status >= 500:
        return "5xx"
    if status in (401, 403, 404):
        return str(status)
    if status in (301, 302, 303, 307, 308):
        location = response.headers.get("Location", "")
        if LOGIN.search(location.split("#")[0]) and "/masuk" not in response.request.path:
            return "login"
        for category, message in flashes:
            if category in ("error", "message") and any(word in message.lower() for word in ACCESS_ERRORS):
                return "refused"
    return "ok"
