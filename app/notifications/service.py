"""Notifications: write messages to the outbox; the scheduler delivers them.

Every message is one row per channel (`in_app`, `email`, `sms`, `whatsapp`) rendered from
`templates/notifications/<template>.txt`. Subject and body are written in the recipient's language
(`User.locale`; Indonesian unless they chose otherwise), never in the language of whoever's request
caused the message. A `dedupe_key` makes a message to one person about one thing unique, so a job
that runs twice queues it once.
"""
from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from jinja2 import TemplateNotFound
from sqlalchemy import func, select

from app.catalog.texts import model_text
from app.common import clock
from app.common.errors import Conflict, NotFound
from app.common.i18n import N_, locale_of
from app.extensions import db

from .models import Notification

# Subject lines (marked; written in the recipient's language when the message is queued). Other domains add theirs
# with SUBJECTS.setdefault(template, N_("... %(reg)s ...")).
SUBJECTS = {
    "case_submitted": N_("Permohonan %(reg)s telah diterima"),
    "complaint_received": N_("Pengaduan %(reg)s telah diterima"),
    "action_required": N_("Permohonan %(reg)s: tindakan Anda diperlukan"),
    "revision_reminder": N_("Pengingat: perbaikan berkas permohonan %(reg)s"),
    "payment_reminder": N_("Pengingat: pembayaran retribusi permohonan %(reg)s"),
    "case_issued": N_("Izin Anda untuk permohonan %(reg)s telah terbit"),
    "case_rejected": N_("Permohonan %(reg)s ditolak"),
    "case_expired": N_("Permohonan %(reg)s ditutup karena melewati batas waktu"),
    "case_withdrawn": N_("Permohonan %(reg)s telah dibatalkan"),
    "case_approved": N_("Permohonan %(reg)s telah selesai diproses"),
    "case_extended": N_("Batas waktu permohonan %(reg)s diperpanjang"),
    "case_deemed_approved": N_("Permohonan %(reg)s dianggap dikabulkan secara hukum"),
    "task_reminder": N_("Pengingat: tugas %(step)s untuk permohonan %(reg)s"),
    "task_breach": N_("Melewati batas waktu: %(step)s permohonan %(reg)s"),
    "task_escalated": N_("Eskalasi: %(step)s permohonan %(reg)s jauh melewati batas waktu"),
    "sla_lapsed": N_("Batas waktu hukum permohonan %(reg)s terlampaui"),
    "sla_pause_approval": N_("Persetujuan penghentian jam layanan permohonan %(reg)s"),
    "daily_digest": N_("Ringkasan tugas Anda hari ini"),
    "password_reset": N_("Atur ulang kata sandi SatuPintu"),
}
FALLBACK_SUBJECT = N_("Kabar permohonan %(reg)s")
APPLICANT_CHANNELS = ("in_app", "email", "sms", "whatsapp")


def template_names() -> list[str]:
    """The message templates (templates/notifications/<name>.txt) a model may name with `notify`."""
    folder = Path(current_app.root_path) / "templates" / "notifications"
    return sorted(p.stem for p in folder.glob("*.txt"))


def _render(template: str, context: dict) -> str:
    context = {"local": clock.to_local, **context}
    try:
        return render_template(f"notifications/{template}.txt", **context)
    except TemplateNotFound:
        return render_template("notifications/generic.txt", **context)


def subject_for(template: str, **values) -> str:
    """The subject line of a template in the current language, filled with `reg`, `step`, ... (missing ones blank)."""
    source = SUBJECTS.get(template, FALLBACK_SUBJECT)
    text = gettext(source)
    if "{" in text and "%(" not in text:  # a subject still written for str.format
        return text.format_map(_Blank(values))
    return _filled(text, source, values)


def _filled(text: str, source: str, values: dict) -> str:
    """`text` (a translation of `source`) filled with `values`; the source when the translation does not fit."""
    try:
        return text % _Blank(values)
    except (TypeError, ValueError):
        return source % _Blank(values)


class _Blank(dict):
    def __missing__(self, key):  # noqa: D105
        return ""


def _recipient(user, channel: str) -> str:
    if channel == "email":
        return user.email
    if channel in ("sms", "whatsapp"):
        return user.phone or ""
    return str(user.id)


def _queue(user, *, channel: str, template: str, subject: str, body: str, case_id: int | None,
           dedupe_key: str | None, context: dict | None = None) -> Notification:
    now = clock.now()
    note = Notification(user_id=user.id, case_id=case_id, channel=channel, recipient=_recipient(user, channel),
                        template=template, subject=subject[:300], body=body, created_at=now, attempts=0,
                        state="sent" if channel == "in_app" else "pending",
                        sent_at=now if channel == "in_app" else None,
                        next_attempt_at=None if channel == "in_app" else now,
                        context=context, dedupe_key=f"{dedupe_key}:{channel}"[:200] if dedupe_key else None)
    db.session.add(note)
    return note


def applicant_channels() -> tuple[str, ...]:
    """The channels configured for messages to applicants."""
    raw = current_app.config.get("NOTIFY_APPLICANT_CHANNELS") or "in_app,email"
    return tuple(c.strip() for c in raw.split(",") if c.strip() in APPLICANT_CHANNELS)


# Messages that ask the applicant to act carry a single-use link (and 6-digit code) back to the case.
ACTION_TEMPLATES = frozenset({"action_required", "revision_reminder", "payment_reminder", "bill_issued"})


def notify_case(case, template: str, *, task=None, element_id: str | None = None,
                context: dict | None = None) -> list[Notification]:
    """Queue the applicant's messages about a case event (in-app, email, and SMS/WhatsApp if configured)."""
    applicant = case.applicant
    reg = case.registration_number or f"#{case.id}"
    from app.cases.service import STATUS_LABELS

    context = {"case": case, "task": task, "applicant": applicant, "user": applicant, "reg": reg,
               "office": current_app.config["OFFICE_NAME"], "template": template,
               "status_label": STATUS_LABELS.get(case.status, case.status),  # the marked source: `|t` in templates
               **(context or {})}
    from app.accounts import tokens

    if template in ACTION_TEMPLATES and tokens.may_receive_magic_link(applicant):  # never for staff accounts
        token, code = tokens.create_magic_link(user=applicant, case_id=case.id,
                                               task_id=task.id if task is not None else None)
        base = current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/")
        context.update(magic_link=f"{base}/akun/tautan/{token}", magic_code=code,
                       magic_days=tokens.MAGIC_LINK_DAYS)
    with force_locale(locale_of(applicant)):
        subject = subject_for(template, reg=reg, step=model_text(task.name, task) if task is not None else "")
        body = _render(template, context)
    stamp = task.id if task is not None else (element_id or clock.now().isoformat())
    created = []
    for channel in applicant_channels():
        if channel in ("sms", "whatsapp") and not applicant.phone:
            continue
        if channel == "email" and applicant.email.endswith(".invalid"):
            continue  # contact-only complainants reached by phone have no mailbox
        created.append(_queue(applicant, channel=channel, template=template, subject=subject, body=body,
                              case_id=case.id, dedupe_key=f"{case.id}:{template}:{stamp}"))
    return created


def notify_user(user, template: str, subject: str, context: dict, *, channels: tuple[str, ...] = ("email",),
                dedupe_key: str | None = None, subject_values: dict | None = None) -> list[Notification]:
    """Queue a message to one user that is not about a case (accounts, digests).

    `subject` is best given as its marked Indonesian source (`N_`), with its `%(name)s` values in `subject_values`:
    it is translated for the recipient here, then filled.
    """
    with force_locale(locale_of(user)):
        subject = _filled(gettext(subject), subject, subject_values) if subject_values else gettext(subject)
        body = _render(template, {"user": user, "office": current_app.config["OFFICE_NAME"], **context})
    return [_queue(user, channel=channel, template=template, subject=subject, body=body, case_id=None,
                   dedupe_key=dedupe_key) for channel in channels]


def notify_staff(user, template: str, *, case, context: dict | None = None, task=None,
                 dedupe_key: str, channels: tuple[str, ...] = ("in_app", "email")) -> list[Notification]:
    """Queue a message to an officer or supervisor about a case (escalations, lapses, approvals)."""
    reg = case.registration_number or f"#{case.id}"
    values = {"user": user, "case": case, "task": task, "reg": reg, "office": current_app.config["OFFICE_NAME"],
              **(context or {})}
    with force_locale(locale_of(user)):
        subject = subject_for(template, reg=reg, step=model_text(task.name, task) if task is not None else "")
        body = _render(template, values)
    existing = set(db.session.scalars(select(Notification.dedupe_key).where(
        Notification.dedupe_key.in_([f"{dedupe_key}:{c}"[:200] for c in channels]))))
    return [_queue(user, channel=c, template=template, subject=subject, body=body, case_id=case.id,
                   dedupe_key=dedupe_key) for c in channels if f"{dedupe_key}:{c}"[:200] not in existing]


def users_with_role(role: str) -> list:
    """Active users holding a role."""
    from app.accounts.models import User, UserRole

    return list(db.session.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                                   .where(UserRole.role == role, User.is_active_account.is_(True))
                                   .order_by(User.id)))


def group_members(group_key: str) -> list:
    """Active members of an officer group."""
    from app.accounts.models import Group, User, user_groups

    return list(db.session.scalars(
        select(User).join(user_groups, user_groups.c.user_id == User.id).join(Group, Group.id == user_groups.c.group_id)
        .where(Group.key == group_key, User.is_active_account.is_(True)).order_by(User.id)))


# -- in-app inbox and the failures list ------------------------------------------------------------


def list_in_app(user, *, unread: bool = False, page: int = 1, per_page: int = 50) -> tuple[list[Notification], int]:
    """The user's in-app messages, newest first."""
    query = select(Notification).where(Notification.user_id == user.id, Notification.channel == "in_app")
    if unread:
        query = query.where(Notification.read_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(db.session.scalars(query.order_by(Notification.id.desc()).limit(per_page)
                                    .offset((page - 1) * per_page)))
    return items, total


def unread_count(user) -> int:
    """How many in-app messages the user has not read."""
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.channel == "in_app", Notification.read_at.is_(None))) or 0


def mark_read(user, notification_id: int) -> Notification:
    """Mark one of the user's in-app messages read (404 for anyone else's)."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != user.id or note.channel != "in_app":
        raise NotFound(gettext("Notifikasi tidak ditemukan."))
    if note.read_at is None:
        note.read_at = clock.now()
    return note


def mark_all_read(user) -> int:
    """Mark all of the user's in-app messages read; returns how many changed."""
    items = list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.channel == "in_app", Notification.read_at.is_(None))))
    now = clock.now()
    for note in items:
        note.read_at = now
    return len(items)


def list_outbox(*, state: str | None = None, channel: str | None = None, recipient: str | None = None,
                page: int = 1, per_page: int = 50) -> tuple[list[Notification], int]:
    """Every message of the outbox, newest first, optionally by state, channel and recipient."""
    query = select(Notification)
    if state:
        query = query.where(Notification.state == state)
    if channel:
        query = query.where(Notification.channel == channel)
    if recipient:
        query = query.where(func.lower(Notification.recipient).contains(recipient.lower(), autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(db.session.scalars(query.order_by(Notification.id.desc()).limit(per_page)
                                    .offset((page - 1) * per_page)))
    return items, total


def list_failures(*, page: int = 1, per_page: int = 50) -> tuple[list[Notification], int]:
    """Messages that failed (waiting for a retry) or were dead-lettered, newest first."""
    query = select(Notification).where(Notification.state.in_(("failed", "dead")))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(db.session.scalars(query.order_by(Notification.id.desc()).limit(per_page)
                                    .offset((page - 1) * per_page)))
    return items, total


def retry(notification_id: int) -> Notification:
    """Put a failed or dead message back in the queue, due now, with a fresh attempt count."""
    note = db.session.get(Notification, notification_id)
    if note is None:
        raise NotFound(gettext("Notifikasi tidak ditemukan."))
    if note.state not in ("failed", "dead"):
        raise Conflict(gettext("Hanya pesan yang gagal yang dapat dikirim ulang."))
    note.state = "pending"
    note.attempts = 0
    note.next_attempt_at = clock.now()
    return note
