"""Notifications: write messages to the outbox; the scheduler delivers them."""
from __future__ import annotations

from flask import current_app, render_template
from jinja2 import TemplateNotFound

from app.common import clock
from app.extensions import db

from .models import Notification

SUBJECTS = {
    "case_submitted": "Permohonan {reg} telah diterima",
    "action_required": "Permohonan {reg}: tindakan Anda diperlukan",
    "revision_reminder": "Pengingat: perbaikan berkas permohonan {reg}",
    "case_issued": "Izin Anda untuk permohonan {reg} telah terbit",
    "case_rejected": "Permohonan {reg} ditolak",
    "case_expired": "Permohonan {reg} ditutup karena melewati batas waktu",
    "case_withdrawn": "Permohonan {reg} telah dibatalkan",
    "case_approved": "Permohonan {reg} telah selesai diproses",
}


def _render(template: str, context: dict) -> str:
    try:
        return render_template(f"notifications/{template}.txt", **context)
    except TemplateNotFound:
        return render_template("notifications/generic.txt", **context)


def notify_case(case, template: str, *, task=None, element_id: str | None = None) -> list[Notification]:
    """Queue the applicant's in-app and email messages about a case event."""
    applicant = case.applicant
    reg = case.registration_number or f"#{case.id}"
    context = {"case": case, "task": task, "applicant": applicant, "reg": reg,
               "office": current_app.config["OFFICE_NAME"], "template": template}
    subject = SUBJECTS.get(template, "Kabar permohonan {reg}").format(reg=reg)
    body = _render(template, context)
    now = clock.now()
    stamp = task.id if task is not None else (element_id or now.isoformat())
    created = []
    for channel, recipient in (("in_app", str(applicant.id)), ("email", applicant.email)):
        note = Notification(user_id=applicant.id, case_id=case.id, channel=channel, recipient=recipient,
                            template=template, subject=subject, body=body, created_at=now,
                            state="sent" if channel == "in_app" else "pending",
                            sent_at=now if channel == "in_app" else None,
                            next_attempt_at=None if channel == "in_app" else now,
                            dedupe_key=f"{case.id}:{template}:{stamp}:{channel}")
        db.session.add(note)
        created.append(note)
    return created


def notify_user(user, template: str, subject: str, context: dict, *, channels: tuple[str, ...] = ("email",),
                dedupe_key: str | None = None) -> list[Notification]:
    """Queue a message to one user that is not about a case (accounts, digests)."""
    now = clock.now()
    body = _render(template, {"user": user, "office": current_app.config["OFFICE_NAME"], **context})
    created = []
    for channel in channels:
        recipient = user.email if channel == "email" else (user.phone or "") if channel in ("sms", "whatsapp") \
            else str(user.id)
        note = Notification(user_id=user.id, channel=channel, recipient=recipient, template=template,
                            subject=subject, body=body, created_at=now,
                            state="sent" if channel == "in_app" else "pending",
                            sent_at=now if channel == "in_app" else None,
                            next_attempt_at=None if channel == "in_app" else now,
                            dedupe_key=f"{dedupe_key}:{channel}" if dedupe_key else None)
        db.session.add(note)
        created.append(note)
    return created
