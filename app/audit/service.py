"""Recording and searching security events, with the personal data kept to a minimum."""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.common import clock
from app.common.i18n import N_
from app.extensions import db

from .models import SecurityEvent

# What each kind is called on the log's page (marked; shown in the page's language by `known_kinds`).
KINDS = {
    "login": N_("Masuk"),
    "login_locked": N_("Akun dikunci"),
    "logout": N_("Keluar"),
    "password_reset_requested": N_("Permintaan atur ulang sandi"),
    "password_changed": N_("Kata sandi diganti"),
    "roles_changed": N_("Peran diubah"),
    "groups_changed": N_("Kelompok diubah"),
    "account_status_changed": N_("Status akun diubah"),
    "email_verified_manually": N_("Email diverifikasi manual oleh admin"),
    "model_deployed": N_("Model proses diaktifkan"),
    "model_deploy_requested": N_("Aktivasi model diminta"),
    "model_deploy_rejected": N_("Aktivasi model ditolak"),
    "model_deploy_withdrawn": N_("Permintaan aktivasi model dibatalkan"),
    "permit_refused": N_("Penerbitan izin ditolak (tanpa penandatanganan)"),
    "permit_revoked": N_("Izin dicabut"),
    "permit_reissued": N_("Izin diterbitkan ulang"),
    "payment_confirmed": N_("Pembayaran dikonfirmasi"),
}
ROLE_ORDER = ("admin", "supervisor", "analyst", "officer", "applicant")
EMAIL = re.compile(r"[^@\s\"'<>]+@[^@\s\"'<>]+\.[A-Za-z]{2,}")
NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")


# -- minimisation ---------------------------------------------------------------------------


def network_of(address: str | None) -> str | None:
    """The client's network, not its address: IPv4 to /24, IPv6 to /48."""
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def identifier_digest(identifier: str) -> str:
    """A keyed, truncated digest of a typed login name: failures correlate without storing it."""
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    digest = hmac.new(key, b"login-id|" + identifier.strip().lower().encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:16]


def mask_email(email: str | None) -> str:
    """An email fit for an application log: first letter and domain only (p***@demo.local)."""
    if not email or "@" not in email:
        return "***"
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_contact(contact: str | None) -> str:
    """An email address or phone number fit for a log line (p***@demo.local, ********789)."""
    if contact and "@" in contact:
        return mask_email(contact)
    return "*" * 8 + contact[-3:] if contact and len(contact) > 6 else "***"


def mask_nik(nik: str | None) -> str:
    """A NIK fit for a log line: only its last four digits."""
    return "*" * 12 + (nik or "")[-4:] if nik else "***"


def scrub(value: Any) -> Any:
    """A copy of a detail value with any email address or 16-digit NIK masked."""
    if isinstance(value, dict):
        return {str(k): scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    if isinstance(value, str):
        value = EMAIL.sub(lambda m: mask_email(m.group(0)), value)
        return NIK.sub(lambda m: mask_nik(m.group(0)), value)
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def actor_label(actor_id: int | None) -> str | None:
    """The actor's role (officers: role and groups), never a name."""
    if actor_id is None:
        return None
    from app.accounts.models import User

    user = db.session.get(User, actor_id)
    if user is None:
        return None
    role = next((r for r in ROLE_ORDER if user.has_role(r)), "")
    if role == "officer" and user.group_keys:
        role = f"officer:{','.join(user.group_keys)}"
    return role[:64] or None


# -- writing and reading ---------------------------------------------------------------------


def record(*, kind: str, actor_id: int | None = None, subject: str | None = None, detail: dict | None = None,
           ok: bool = True, at: datetime | None = None) -> SecurityEvent:
    """Add one event to the current transaction (it commits or rolls back with the action)."""
    ip = network_of(request.remote_addr) if has_request_context() else None
    event = SecurityEvent(at=at or clock.now(), kind=kind[:64], actor_id=actor_id, actor_label=actor_label(actor_id),
                          subject=(subject or None) and str(subject)[:200], ip=ip, ok=bool(ok),
                          detail=scrub(detail) if detail else None)
    db.session.add(event)
    db.session.flush()
    return event


def search(*, kind: str | None = None, actor_id: int | None = None, subject: str | None = None,
           since: datetime | None = None, until: datetime | None = None, ok: bool | None = None,
           page: int = 1, per_page: int = 50) -> tuple[list[SecurityEvent], int]:
    """Events matching every given criterion, newest first; `subject` matches as a prefix."""
    query = select(SecurityEvent)
    if kind:
        query = query.where(SecurityEvent.kind == kind)
    if actor_id is not None:
        query = query.where(SecurityEvent.actor_id == actor_id)
    if subject:
        escaped = subject.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(SecurityEvent.subject.like(f"{escaped}%", escape="\\"))
    if since is not None:
        query = query.where(SecurityEvent.at >= since)
    if until is not None:
        query = query.where(SecurityEvent.at < until)
    if ok is not None:
        query = query.where(SecurityEvent.ok.is_(ok))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(db.session.scalars(query.order_by(SecurityEvent.at.desc(), SecurityEvent.id.desc())
                                    .limit(per_page).offset((page - 1) * per_page)))
    return items, total


def known_kinds() -> dict[str, str]:
    """Kinds to offer in a filter, named in the page's language: the documented ones plus any stored by others."""
    stored = db.session.scalars(select(SecurityEvent.kind).distinct())
    return {kind: _(label) for kind, label in KINDS.items()} | {k: k for k in stored if k not in KINDS}


def view(event: SecurityEvent) -> dict:
    """An event as the API shows it."""
    return {"id": event.id, "at": clock.iso(event.at), "kind": event.kind, "actor_id": event.actor_id,
            "actor_label": event.actor_label, "subject": event.subject, "ip": event.ip, "ok": event.ok,
            "detail": event.detail or {}}


def on_security_event(sender: Any = None, **kwargs: Any) -> None:
    """Receiver of `security_event`: store it inside the sender's transaction."""
    record(kind=kwargs["kind"], actor_id=kwargs.get("actor_id"), subject=kwargs.get("subject"),
           detail=kwargs.get("detail"), ok=kwargs.get("ok", True))


def local_day_bounds(first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
    """The UTC moments from the start of `first` to the end of `last`, both office-time days."""
    since = datetime.combine(first, time.min, tzinfo=clock.JAKARTA).astimezone(UTC) if first else None
    until = (datetime.combine(last + timedelta(days=1), time.min, tzinfo=clock.JAKARTA).astimezone(UTC)
             if last else None)
    return since, until
