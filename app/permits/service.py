"""Permits: numbering, issuance with the signed PDF, verification, revocation and re-issue."""
from __future__ import annotations

import io
import secrets
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.service import is_staff
from app.cases import events, storage
from app.cases.models import Case
from app.common import clock
from app.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.common.i18n import N_
from app.common.sequences import next_value
from app.common.signals import security_event
from app.extensions import db

from . import pdf, signing
from .layout import Office
from .models import Permit

if TYPE_CHECKING:
    from app.inbox.models import Task

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
        raise NotFound(_("Izin tidak ditemukan."))
    return permit


def document_path(permit: Permit) -> Path:
    """The stored signed PDF of a permit (404 when it has none)."""
    if not permit.storage_key:
        raise NotFound(_("Dokumen izin tidak tersedia."))
    path = storage.path_for(permit.storage_key)
    if not path.is_file():
        raise NotFound(_("Dokumen izin tidak ditemukan di penyimpanan."))
    return path


# -- issuance ---------------------------------------------------------------------------------------------


def _valid_until(issued: date, years: int | None) -> date | None:
    if not years:
        return None
    try:
        return issued.replace(year=issued.year + years)
    except ValueError:  # 29 February
        return issued.replace(year=issued.year + years, day=28)


def validity_end(case: Case, issued: date) -> date | None:
    """Until when a permit issued today for the case is valid: the model's `permitValidityYears`, cut at the
    application form's `x-validUntilNotAfter` date (a SIPA ends no later than the STRA it rests on)."""
    from app.catalog import service as catalog
    from app.engine import properties as P
    from app.jsonforms.rules import valid_until_cap

    model = catalog.model_for_version(case.process_version)
    years_raw = str(model.main.properties.get(P.PERMIT_VALIDITY_YEARS) or "")
    end = _valid_until(issued, int(years_raw) if years_raw.isdigit() else None)
    cap = valid_until_cap(catalog.application_form(model)["schema"], case.data or {})
    if cap is not None and (end is None or cap < end):
        return cap
    return end


# What makes a case signed: a completed task in the signer lane whose form said "sign", by a user who belonged to
# the signer group when completing it and still does, after the last change to what was signed.
SIGNING_FIELD, SIGNED = "signing_decision", "sign"
# Case events after which an earlier signature no longer covers the case: the applicant's data or documents
# changed, or the workflow was moved to another model version or had its stored state rewritten.
RESIGN_KINDS = ("submitted", "document_uploaded", "model_migrated", "incident_repaired")
APPLICANT_LANE = "pemohon"
MAX_SIGNING_CANDIDATES = 20
# Stored (the case's incident message and the incident event's note) in Indonesian; translated where shown.
UNSIGNED_MESSAGE = N_("Izin tidak diterbitkan: permohonan ini belum ditandatangani oleh anggota kelompok "
                      "penandatangan (Kepala Dinas) setelah perubahan terakhirnya. Model layanan harus memuat "
                      "langkah penandatanganan di lajur penandatangan sebelum akhir \"terbit\".")


def _last_change_event_id(case: Case) -> int:
    """Id of the case's last event that a signature must follow (0 when there is none)."""
    from sqlalchemy import and_, func, or_

    from app.cases.models import CaseEvent

    return db.session.scalar(select(func.max(CaseEvent.id)).where(
        CaseEvent.case_id == case.id,
        or_(CaseEvent.kind.in_(RESIGN_KINDS),
            and_(CaseEvent.kind == "task_completed", CaseEvent.actor_role == APPLICANT_LANE)))) or 0


def _was_signer_when(user: User, moment) -> bool:
    """Whether the user was in the signer group at `moment`: the first group change after it names the old groups."""
    from app.audit.models import SecurityEvent

    later = db.session.scalar(select(SecurityEvent).where(
        SecurityEvent.kind == "groups_changed", SecurityEvent.subject == f"user:{user.id}",
        SecurityEvent.at > moment).order_by(SecurityEvent.at, SecurityEvent.id).limit(1))
    if later is None:
        return SIGNER_GROUP in user.group_keys
    return SIGNER_GROUP in ((later.detail or {}).get("old") or [])


def _counts_as_signature(task: Task | None, user: User | None) -> bool:
    if task is None or user is None or task.group_key != SIGNER_GROUP or task.state != "completed":
        return False
    if task.completed_by_id != user.id or (task.result or {}).get(SIGNING_FIELD) != SIGNED:
        return False
    return user.is_active_account and SIGNER_GROUP in user.group_keys and _was_signer_when(user, task.completed_at)


def signing_task(case: Case) -> Task | None:
    """The completed signing task that authorises the case's permit, or None (see SIGNING_FIELD and RESIGN_KINDS)."""
    from app.cases.models import CaseEvent
    from app.inbox.models import Task

    completions = db.session.scalars(select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.kind == "task_completed", CaseEvent.actor_role == SIGNER_GROUP,
        CaseEvent.id > _last_change_event_id(case)).order_by(CaseEvent.id.desc()).limit(MAX_SIGNING_CANDIDATES))
    for completion in completions:
        task_id = (completion.data or {}).get("task_id")
        task = db.session.get(Task, task_id) if isinstance(task_id, str) else None
        if task is not None and task.case_id == case.id and _counts_as_signature(task, completion.actor):
            return task
    return None


def refuse_unsigned(case: Case, *, actor_id: int | None) -> bool:
    """True, with the case put in incident and the refusal audited, when nobody from the signer group signed it."""
    if signing_task(case) is not None:
        return False
    if case.status != "incident":
        case.status_before_incident = case.status
    case.status, case.incident_element, case.incident_message = "incident", None, UNSIGNED_MESSAGE
    case.completed_at = None
    events.record(case, "incident", note=UNSIGNED_MESSAGE, note_values={}, actor_id=actor_id,
                  data={"permit_refused": "unsigned"})
    security_event.send(None, kind="permit_refused", actor_id=actor_id, subject=f"case:{case.id}", ok=False,
                        detail={"case_id": case.id, "service": case.service_key, "reason": "unsigned"})
    return True


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


def issue_for_case(case: Case, process_data: dict, *, actor_id: int | None) -> Permit | None:
    """Issue the permit of a case that ended `issued` (once), inside the caller's transaction.

    None when no member of the signer group signed the case: no permit, and the case becomes an incident.
    """
    existing = db.session.scalar(select(Permit).where(Permit.case_id == case.id, Permit.status == "valid"))
    if existing is not None:
        return existing
    signature = signing_task(case)
    if signature is None:
        refuse_unsigned(case, actor_id=actor_id)
        return None
    local_today = clock.now().astimezone(clock.JAKARTA).date()
    conditions = (process_data or {}).get("recommendation_conditions")
    signer = db.session.get(User, signature.completed_by_id)
    if not (isinstance(conditions, str) and conditions.strip()):
        conditions = None
    permit = _new_permit(case, valid_until=validity_end(case, local_today),
                         signer=(signer.id, signer.name, signer.nip), conditions=conditions)
    events.record(case, "permit_issued", note=permit.number, actor_id=actor_id,
                  data={"number": permit.number, "sha256": permit.sha256, "signing_task": signature.id})
    return permit


# -- revocation and re-issue -------------------------------------------------------------------------------------


def _role_of(user: User) -> str:
    return SIGNER_GROUP if SIGNER_GROUP in user.group_keys else "admin"


def require_head_of_office(user: User) -> None:
    """403 unless the user is the head of office (group penandatangan) or an admin."""
    if not is_head_of_office(user):
        raise Forbidden(_("Hanya Kepala Dinas (penandatangan) yang dapat mencabut atau menerbitkan ulang izin."))


def _clean_reason(reason: str | None) -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise ValidationFailed(fields={"reason": [_("Alasan wajib diisi.")]})
    return cleaned


def revoke(*, permit: Permit, actor: User, reason: str | None) -> Permit:
    """Revoke a permit with a reason (head of office); recorded on the case's audit trail."""
    require_head_of_office(actor)
    cleaned = _clean_reason(reason)
    if permit.status == "revoked":
        raise Conflict(_("Izin ini sudah dicabut."))
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
        raise Conflict(_("Izin yang sudah dicabut tidak dapat diterbitkan ulang."))
    case = permit.case
    if for_case(case.id).id != permit.id:
        raise Conflict(_("Izin ini sudah diganti dengan izin yang lebih baru."))
    if SIGNER_GROUP not in actor.group_keys and signing_task(case) is None:
        raise Forbidden(_("Izin ini tidak pernah ditandatangani penandatangan; hanya Kepala Dinas yang dapat "
                          "menerbitkannya ulang."))
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
