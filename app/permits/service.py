"""Permits: numbering, issuance with the signed PDF, verification, revocation and re-issue."""
from __future__ import annotations

import io
import secrets
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.service import is_staff
from app.cases import events, storage
from app.cases.models import Case
from app.common import clock
from app.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.common.sequences import next_value
from app.common.signals import security_event
from app.extensions import db

from . import pdf, signing
from .layout import Office
from .models import Permit

SIGNER_GROUP = "penandatangan"
MAX_PDF_BYTES = 20 * 1024 * 1024
TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters, 256 bits
_NEW_FILES = "satupintu.permits.new_files"


# -- numbers and URLs -----------------------------------------------------------------


def permit_number(case: Case, year: int) -> str:
    """Next gap-free permit number for the case's service and year, e.g. 503/SIPA/2026/00001."""
    prefix = case.service.registration_prefix
    sequence = next_value(f"permit:{case.service_key}:{year}")
    return f"503/{prefix}/{year}/{sequence:05d}"


def slug_of(number: str) -> str:
    """A permit number as it appears in URLs: '/' becomes '-' (503/SIPA/2026/00001 -> 503-SIPA-2026-00001)."""
    return number.replace("/", "-")


def number_from_slug(slug: str) -> str:
    """The permit number of a URL slug; the prefix between the code and the year may itself hold '-'."""
    if "/" in slug:
        return slug
    parts = slug.split("-")
    if len(parts) < 4:
        return slug
    return "/".join([parts[0], "-".join(parts[1:-2]), parts[-2], parts[-1]])


def pdf_url(permit: Permit) -> str:
    """Where the holder and officers download the permit's PDF."""
    return f"/api/v1/permits/{slug_of(permit.number)}.pdf"


def verify_path(permit: Permit) -> str:
    """The public verification page the QR code opens (relative to PUBLIC_BASE_URL)."""
    return f"/verify/{permit.verify_token}"


# -- lookups and status -------------------------------------------------------------------


def for_case(case_id: int) -> Permit | None:
    """The current (latest) permit of a case."""
    return db.session.scalar(select(Permit).where(Permit.case_id == case_id).order_by(Permit.id.desc()).limit(1))


def get_by_token(token: str) -> Permit | None:
    """A permit by its verification token."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Permit).where(Permit.verify_token == token))


def get_by_number(number_or_slug: str) -> Permit | None:
    """A permit by its number, written with '/' or in its URL form."""
    return db.session.scalar(select(Permit).where(Permit.number == number_from_slug(number_or_slug)))


def status_of(permit: Permit) -> str:
    """valid, revoked or expired (as of today in Jakarta)."""
    if permit.status == "revoked":
        return "revoked"
    today = clock.now().astimezone(clock.JAKARTA).date()
    if permit.valid_until is not None and permit.valid_until < today:
        return "expired"
    return "valid"


def replaced_by(permit: Permit) -> Permit | None:
    """The permit re-issued in place of this one, if any."""
    return db.session.scalar(select(Permit).where(Permit.replaces_id == permit.id).limit(1))


def verification_view(permit: Permit) -> dict:
    """What anyone holding the QR code may learn about a permit (API.md fields first)."""
    status = status_of(permit)
    successor = replaced_by(permit)
    return {"valid": status == "valid", "status": status, "number": permit.number,
            "holder_name": permit.holder_name, "service": permit.service_key,
            "issued_at": clock.iso(permit.issued_at),
            "valid_until": permit.valid_until.isoformat() if permit.valid_until else None, "sha256": permit.sha256,
            "service_name": permit.case.service.name if permit.case else permit.service_key,
            "revoked_at": clock.iso(permit.revoked_at), "replaced_by": successor.number if successor else None}


def permit_view(permit: Permit) -> dict:
    """A permit as officers and its holder see it."""
    return {"number": permit.number, "status": status_of(permit), "case_id": permit.case_id,
            "pdf_url": pdf_url(permit), "verify_url": verify_path(permit),
            "issued_at": clock.iso(permit.issued_at),
            "valid_until": permit.valid_until.isoformat() if permit.valid_until else None,
            "revoked_at": clock.iso(permit.revoked_at), "revoke_reason": permit.revoke_reason,
            "replaces": permit.replaces.number if permit.replaces else None, "sha256": permit.sha256}


# -- who may do what ----------------------------------------------------------------------------------


def is_head_of_office(user: User) -> bool:
    """The head of office signs, revokes and re-issues: group penandatangan, or an admin."""
    return user.has_role("admin") or SIGNER_GROUP in user.group_keys


def get_for_holder_or_officer(user: User, number_or_slug: str) -> Permit:
    """A permit the user may download: its holder (the case's applicant) or office staff; 404 otherwise."""
    permit = get_by_number(number_or_slug)
    if permit is None or not (permit.case.applicant_id == user.id or is_staff(user)):
        raise NotFound("Izin tidak ditemukan.")
    return permit


def document_path(permit: Permit) -> Path:
    """The stored signed PDF of a permit (404 when it has none)."""
    if not permit.storage_key:
        raise NotFound("Dokumen izin tidak tersedia.")
    path = storage.path_for(permit.storage_key)
    if not path.is_file():
        raise NotFound("Dokumen izin tidak ditemukan di penyimpanan.")
    return path


# -- issuance ---------------------------------------------------------------------------------------------


def _valid_until(issued: date, years: int | None) -> date | None:
    if not years:
        return None
    try:
        return issued.replace(year=issued.year + years)
    except ValueError:  # 29 February
        return issued.replace(year=issued.year + years, day=28)


def _signer_of_case(case: Case) -> tuple[int | None, str, str | None]:
    """(user id, name, NIP) of who signs: the penandatangan who completed the signing task, else settings."""
    from app.inbox.models import Task

    task = db.session.scalar(select(Task).where(
        Task.case_id == case.id, Task.group_key == SIGNER_GROUP, Task.state == "completed",
        Task.completed_by_id.is_not(None)).order_by(Task.completed_at.desc()).limit(1))
    if task is not None:
        user = db.session.get(User, task.completed_by_id)
        if user is not None and SIGNER_GROUP in user.group_keys:
            return user.id, user.name, user.nip
    cfg = current_app.config
    return None, cfg.get("OFFICE_HEAD_NAME") or "Kepala Dinas", cfg.get("OFFICE_HEAD_NIP") or None


def _conditions(text: str | None) -> list[str]:
    return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]


def _forget_file_on_rollback(path: Path) -> None:
    db.session.info.setdefault(_NEW_FILES, []).append(str(path))


@event.listens_for(Session, "after_commit")
def _keep_new_files(session: Session) -> None:
    session.info.pop(_NEW_FILES, None)


@event.listens_for(Session, "after_rollback")
def _remove_new_files(session: Session) -> None:
    for path in session.info.pop(_NEW_FILES, []):
        Path(path).unlink(missing_ok=True)


def produce_document(permit: Permit, case: Case) -> Permit:
    """Render, sign and store the permit's PDF; the row gets the file's key and SHA-256."""
    from app.catalog import service as catalog

    office = Office.from_config()
    model = catalog.model_for_version(case.process_version)
    schema = catalog.application_form(model)["schema"]
    holder, activity, place = pdf.describe_case_data(case.service_key, case.service.name, schema, case.data or {})
    content = pdf.PermitContent(
        number=permit.number, service_name=case.service.name, registration_number=case.registration_number,
        submitted_at=case.submitted_at, holder_rows=holder, activity=activity, place_rows=place,
        issued_at=permit.issued_at, valid_until=permit.valid_until, signer_name=permit.signer_name or "",
        signer_nip=permit.signer_nip, verify_url=office.url(verify_path(permit)),
        conditions=_conditions(permit.conditions),
        replaces_number=permit.replaces.number if permit.replaces else None)
    unsigned = pdf.render_permit(content, office)
    signed, cert_sha256 = signing.sign_pdf(unsigned, reason=f"Penerbitan izin {permit.number}", location=office.city,
                                           signer_name=permit.signer_name)
    stored = storage.store(io.BytesIO(signed), filename="izin.pdf", accept=[".pdf"], max_bytes=MAX_PDF_BYTES)
    _forget_file_on_rollback(storage.path_for(stored.key))
    permit.storage_key, permit.sha256, permit.signing_cert_sha256 = stored.key, stored.sha256, cert_sha256
    return permit


def _new_permit(case: Case, *, valid_until: date | None, signer: tuple[int | None, str, str | None],
                conditions: str | None, replaces: Permit | None = None) -> Permit:
    now = clock.now()
    application = case.data or {}
    permit = Permit(number=permit_number(case, now.astimezone(clock.JAKARTA).year), case_id=case.id,
                    service_key=case.service_key, holder_name=application.get("nama_lengkap") or case.applicant.name,
                    issued_at=now, valid_until=valid_until, verify_token=secrets.token_urlsafe(TOKEN_BYTES),
                    status="valid", conditions=conditions, signer_user_id=signer[0], signer_name=signer[1],
                    signer_nip=signer[2], replaces=replaces)
    db.session.add(permit)
    db.session.flush()
    return produce_document(permit, case)


def issue_for_case(case: Case, process_data: dict, *, actor_id: int | None) -> Permit:
    """Issue the permit of a case that ended `issued` (once), inside the caller's transaction."""
    existing = db.session.scalar(select(Permit).where(Permit.case_id == case.id, Permit.status == "valid"))
    if existing is not None:
        return existing
    from app.catalog import service as catalog
    from app.engine import properties as P

    model = catalog.model_for_version(case.process_version)
    years_raw = model.main.properties.get(P.PERMIT_VALIDITY_YEARS)
    years = int(years_raw) if years_raw and years_raw.isdigit() else None
    local_today = clock.now().astimezone(clock.JAKARTA).date()
    conditions = (process_data or {}).get("recommendation_conditions")
    permit = _new_permit(case, valid_until=_valid_until(local_today, years), signer=_signer_of_case(case),
                         conditions=conditions if isinstance(conditions, str) and conditions.strip() else None)
    events.record(case, "permit_issued", note=permit.number, actor_id=actor_id,
                  data={"number": permit.number, "sha256": permit.sha256})
    return permit


# -- revocation and re-issue -------------------------------------------------------------------------------------


def _role_of(user: User) -> str:
    return SIGNER_GROUP if SIGNER_GROUP in user.group_keys else "admin"


def require_head_of_office(user: User) -> None:
    """403 unless the user is the head of office (group penandatangan) or an admin."""
    if not is_head_of_office(user):
        raise Forbidden("Hanya Kepala Dinas (penandatangan) yang dapat mencabut atau menerbitkan ulang izin.")


def _clean_reason(reason: str | None) -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise ValidationFailed(fields={"reason": ["Alasan wajib diisi."]})
    return cleaned


def revoke(*, permit: Permit, actor: User, reason: str | None) -> Permit:
    """Revoke a permit with a reason (head of office); recorded on the case's audit trail."""
    require_head_of_office(actor)
    cleaned = _clean_reason(reason)
    if permit.status == "revoked":
        raise Conflict("Izin ini sudah dicabut.")
    permit.status = "revoked"
    permit.revoked_at = clock.now()
    permit.revoke_reason = cleaned
    permit.revoked_by_id = actor.id
    events.record(permit.case, "permit_revoked", actor_id=actor.id, actor_role=_role_of(actor),
                  note=f"{permit.number}: {cleaned}", data={"number": permit.number, "reason": cleaned})
    security_event.send(None, kind="permit_revoked", actor_id=actor.id, subject=f"permit:{permit.number}", ok=True,
                        detail={"case_id": permit.case_id})
    return permit


def reissue(*, permit: Permit, actor: User, reason: str | None) -> Permit:
    """Issue a new permit (new number, token and PDF, same validity) for the case and revoke this one."""
    require_head_of_office(actor)
    cleaned = _clean_reason(reason)
    if permit.status == "revoked":
        raise Conflict("Izin yang sudah dicabut tidak dapat diterbitkan ulang.")
    case = permit.case
    if for_case(case.id).id != permit.id:
        raise Conflict("Izin ini sudah diganti dengan izin yang lebih baru.")
    if SIGNER_GROUP in actor.group_keys:
        signer = (actor.id, actor.name, actor.nip)
    else:
        signer = (permit.signer_user_id, permit.signer_name or "Kepala Dinas", permit.signer_nip)
    new = _new_permit(case, valid_until=permit.valid_until, signer=signer, conditions=permit.conditions,
                      replaces=permit)
    from .models import PermitReminder

    # Reminders already sent for the old document count for its replacement.
    for sent in db.session.scalars(select(PermitReminder).where(PermitReminder.permit_id == permit.id)):
        db.session.add(PermitReminder(permit_id=new.id, days_before=sent.days_before, sent_at=sent.sent_at,
                                      notified=sent.notified))
    revoke(permit=permit, actor=actor, reason=f"Diterbitkan ulang sebagai {new.number}: {cleaned}")
    events.record(case, "permit_reissued", actor_id=actor.id, actor_role=_role_of(actor),
                  note=f"{permit.number} -> {new.number}: {cleaned}",
                  data={"old": permit.number, "number": new.number, "sha256": new.sha256, "reason": cleaned})
    security_event.send(None, kind="permit_reissued", actor_id=actor.id, subject=f"permit:{permit.number}", ok=True,
                        detail={"case_id": case.id, "new_number": new.number})
    return new
