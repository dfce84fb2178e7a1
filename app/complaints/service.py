"""Complaints: file a complaint as a `pengaduan` case, follow its process, publish the answer."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.accounts import service as accounts
from app.accounts.models import User
from app.cases.models import Case
from app.common import clock
from app.common.errors import NotFound, ValidationFailed
from app.common.i18n import N_, translate
from app.extensions import db

from .models import Complaint

SERVICE_KEY = "pengaduan"
TICKET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read out over the phone
STATUS_LABELS = {  # translated where shown (`status_label`)
    "received": N_("Diterima, menunggu telaah"),
    "forwarded": N_("Diteruskan kepada unit yang berwenang"),
    "escalated": N_("Dieskalasi kepada Kepala Bidang"),
    "answered": N_("Telah dijawab"),
    "rejected": N_("Ditutup: tidak dapat ditindaklanjuti"),
}
# Deliverable addresses only: a local part, then dot-separated host labels (letters, digits, inner
# hyphens) ending in a top-level domain of two or more letters; `budi@contoh` has no domain to reach.
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
                   r"(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$")
PHONE = re.compile(r"^(\+62|62|0)8[0-9]{7,12}$")
CONTACT_DOMAIN = "kontak.invalid"  # placeholder addresses of phone-only complainants: never deliverable
# API field -> application form field of the pengaduan model
FORM_FIELDS = {"name": "nama_lengkap", "contact": "kontak", "subject": "judul", "body": "isi_pengaduan",
               "registration_number": "nomor_registrasi"}


def status_label(status: str) -> str:
    """A complaint status in plain words, in the page's language."""
    return translate(STATUS_LABELS.get(status, status))


# -- filing ---------------------------------------------------------------------------------------


def normalize_contact(contact: str) -> tuple[str, str]:
    """("email", address) or ("phone", 08...) for a contact, or 422."""
    value = (contact or "").strip()
    if "@" in value:
        local = value.rpartition("@")[0]
        if (not EMAIL.match(value) or len(value) > 254 or len(local) > 64 or local.startswith(".")
                or local.endswith(".") or ".." in local):
            raise ValidationFailed(fields={"contact": [_("Alamat email tidak valid.")]})
        return "email", value.lower()
    digits = re.sub(r"[\s().-]", "", value)
    if not PHONE.match(digits):
        raise ValidationFailed(fields={"contact": [_("Isi alamat email atau nomor HP (contoh 081234567890).")]})
    if digits.startswith("+62"):
        digits = "0" + digits[3:]
    elif digits.startswith("62"):
        digits = "0" + digits[2:]
    return "phone", digits


ANONYMOUS_EMAIL = f"pelapor.anonim@{CONTACT_DOMAIN}"


def anonymous_complainant() -> User:
    """The one system account that holds every anonymous complaint case as its formal applicant.

    It has no role, no password and is inactive: nobody signs in with it, no magic link is ever made
    for it, and its undeliverable address can never be registered. The complainant is reached
    through the contact written on the complaint, never through an account.
    """
    user = accounts.get_by_email(ANONYMOUS_EMAIL)
    if user is not None:
        return user
    try:
        with db.session.begin_nested():  # two first complaints at once: one creates, the other reads
            user = accounts.create_user(email=ANONYMOUS_EMAIL, name="Pelapor anonim", roles=())
            user.is_active_account = False
    except IntegrityError:
        user = accounts.get_by_email(ANONYMOUS_EMAIL)
    return user


def _new_ticket() -> str:
    """A random, unguessable ticket; it is also the complaint case's registration (tracking) number."""
    while True:
        code = "".join(secrets.choice(TICKET_ALPHABET) for _ in range(8))
        ticket = f"ADU-{code[:4]}-{code[4:]}"
        taken = (db.session.scalar(select(Complaint.id).where(Complaint.ticket == ticket)) is not None
                 or db.session.scalar(select(Case.id).where(Case.registration_number == ticket)) is not None)
        if not taken:
            return ticket


def file_complaint(*, name: str, contact: str, subject: str, body: str, registration_number: str | None = None,
                   actor: User | None = None) -> Complaint:
    """Record a complaint and start its process (one transaction); `actor` is the logged-in caller, if any."""
    from app.cases import service as cases

    normalize_contact(contact)
    number = (registration_number or "").strip().upper() or None
    if number is not None and cases.get_by_registration(number) is None:
        raise ValidationFailed(fields={"registration_number": [_("Nomor registrasi tidak ditemukan.")]})
    # Signed in: the complaint is the caller's. Anonymous: linked to no account, whatever the contact says.
    complainant = actor
    filer = actor if actor is not None else anonymous_complainant()
    data = {"nama_lengkap": name.strip(), "kontak": contact.strip(), "judul": subject.strip(),
            "isi_pengaduan": body.strip()}
    if number:
        data["nomor_registrasi"] = number
    try:
        case = cases.create_draft(actor=filer, service_key=SERVICE_KEY, data=data, allow_hidden=True)
        complaint = Complaint(ticket=_new_ticket(), case_id=case.id,
                              complainant_id=complainant.id if complainant is not None else None,
                              name=data["nama_lengkap"], contact=data["kontak"], subject=data["judul"],
                              body=data["isi_pengaduan"], registration_number=number, status="received",
                              created_at=clock.now())
        db.session.add(complaint)
        db.session.flush()
        cases.submit(case=case, actor=filer, registration_number=complaint.ticket,
                     notice="complaint_received")  # one number to follow
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, fields=_api_fields(exc.fields)) from exc
    complaint.due_at = case.due_at
    return complaint


def _api_fields(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    reverse = {f"data.{form}": api for api, form in FORM_FIELDS.items()}
    return {reverse.get(key, key): messages for key, messages in fields.items()}


# -- reading ---------------------------------------------------------------------------------------


def get_by_ticket(ticket: str) -> Complaint:
    """A complaint by its ticket, or 404."""
    complaint = db.session.scalar(select(Complaint).where(Complaint.ticket == (ticket or "").strip().upper()))
    if complaint is None:
        raise NotFound(_("Tiket pengaduan tidak ditemukan."))
    return complaint


def get_by_case(case_id: int) -> Complaint | None:
    """The complaint a case belongs to, if any."""
    return db.session.scalar(select(Complaint).where(Complaint.case_id == case_id))


def by_case_ids(case_ids: list[int]) -> dict[int, Complaint]:
    """The complaints among these cases, by case id (one query)."""
    if not case_ids:
        return {}
    return {c.case_id: c for c in db.session.scalars(select(Complaint).where(Complaint.case_id.in_(case_ids)))}


def in_complaint_states(tracked: dict) -> dict:
    """A public tracking view (cases.track) restated in complaint states when the number is a complaint's.

    The number is the ticket (the complaint case's registration number) or, for complaints filed
    before tickets became registration numbers, their case's sequential number; such an older
    number answers with the status only and never leads to the ticket, whose page shows the subject.
    Other cases pass unchanged, without a query.
    """
    if tracked.get("service") != SERVICE_KEY:
        return tracked
    complaint = db.session.scalar(select(Complaint).join(Case, Case.id == Complaint.case_id)
                                  .where(Case.registration_number == tracked["registration_number"]))
    if complaint is None:
        return tracked
    return {**tracked, "status": complaint.status,
            "status_label": status_label(complaint.status), "current_step": None,
            "submitted_at": clock.iso(complaint.created_at), "estimated_completion": clock.iso(complaint.due_at),
            "ticket": complaint.ticket if complaint.ticket == tracked["registration_number"] else None}


def list_public(*, page: int = 1, per_page: int = 20) -> tuple[list[Complaint], int]:
    """Answered complaints whose response may be published, newest answer first."""
    query = select(Complaint).where(Complaint.status == "answered", Complaint.is_public.is_(True))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(db.session.scalars(query.order_by(Complaint.answered_at.desc(), Complaint.id.desc())
                                    .limit(per_page).offset((page - 1) * per_page)))
    return items, total


def list_for(user: User, *, status: str | None = None, page: int = 1,
             per_page: int = 20) -> tuple[list[Complaint], int]:
    """Complaints officers and supervisors handle (all), or the complaints an applicant filed."""
    query = select(Complaint)
    if not can_handle(user):
        query = query.where(Complaint.complainant_id == user.id)
    if status:
        query = query.where(Complaint.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(db.session.scalars(query.order_by(Complaint.id.desc()).limit(per_page).offset((page - 1) * per_page)))
    return items, total


def can_handle(user: User) -> bool:
    """Complaints officers, supervisors and admins see every complaint with the complainant's identity."""
    return "pengaduan" in user.group_keys or user.has_role("supervisor", "admin")


def public_view(complaint: Complaint) -> dict:
    """What anyone holding the ticket may see: nothing that identifies the complainant."""
    return {"ticket": complaint.ticket, "status": complaint.status,
            "status_label": status_label(complaint.status), "subject": complaint.subject,
            "category": complaint.category, "created_at": clock.iso(complaint.created_at),
            "due_at": clock.iso(complaint.due_at), "forwarded_at": clock.iso(complaint.forwarded_at),
            "escalated_at": clock.iso(complaint.escalated_at), "answered_at": clock.iso(complaint.answered_at),
            "public_response": complaint.public_response}


def staff_view(complaint: Complaint) -> dict:
    """The full complaint, for those who handle it."""
    case: Case = complaint.case
    return {**public_view(complaint), "name": complaint.name, "contact": complaint.contact, "body": complaint.body,
            "registration_number": complaint.registration_number, "complaint_type": complaint.complaint_type,
            "forwarded_to": complaint.forwarded_to, "is_public": complaint.is_public, "case_id": complaint.case_id,
            "case_registration_number": case.registration_number, "case_status": case.status}


# -- following the process ----------------------------------------------------------------------------

ACTIONS = ("complaint_forwarded", "complaint_escalated", "complaint_answered", "complaint_rejected")


def on_host_action(sender, *, case: Case, action: str, element_id: str, properties: dict, data: dict,
                   **_: Any) -> None:
    """The pengaduan model reports forwarding, escalation and the public response (same transaction)."""
    if action not in ACTIONS:
        return
    complaint = get_by_case(case.id)
    if complaint is None:
        return
    now = clock.now()
    complaint.category = data.get("complaint_category") or complaint.category
    complaint.complaint_type = data.get("complaint_type") or complaint.complaint_type
    if action == "complaint_forwarded":
        complaint.status = "forwarded"
        complaint.forwarded_to = data.get("forward_to")
        complaint.forwarded_at = now
    elif action == "complaint_escalated":
        complaint.status = "escalated"
        complaint.escalated_at = now
    else:
        complaint.status = "answered" if action == "complaint_answered" else "rejected"
        complaint.public_response = data.get("public_response")
        complaint.is_public = action == "complaint_answered" and bool(data.get("publish"))
        complaint.answered_at = now
        _notify_answer(complaint)
    db.session.flush()


@dataclass(frozen=True)
class _Contact:
    """The address written on an anonymous complaint, addressed like an account (no account behind it)."""

    name: str
    email: str
    phone: str | None
    id: None = None


def _notify_answer(complaint: Complaint) -> None:
    from app.notifications import service as notifications

    user = complaint.complainant
    if user is not None:
        channels = ("in_app", "email") if not user.email.endswith("@" + CONTACT_DOMAIN) else ("in_app", "sms")
    else:  # anonymous: straight to the contact on the complaint, never to an account that owns it
        try:
            kind, value = normalize_contact(complaint.contact)
        except ValidationFailed:  # filed before the contact check was strict: try it as written
            kind, value = ("email" if "@" in complaint.contact else "phone"), complaint.contact.strip()
        user = _Contact(name=complaint.name, email=value if kind == "email" else "",
                        phone=value if kind == "phone" else None)
        channels = ("email",) if kind == "email" else ("sms",)
    # The subject is stored with the message and read by the complainant: the office's language, not the officer's.
    subject = N_("Tanggapan atas pengaduan %(ticket)s") % {"ticket": complaint.ticket}
    notifications.notify_user(user, "complaint_answered", subject,
                              {"complaint": complaint, "status_label": STATUS_LABELS.get(complaint.status)},
                              channels=channels, dedupe_key=f"complaint:{complaint.id}:answer")
