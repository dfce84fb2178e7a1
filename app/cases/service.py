"""Applications: drafts, documents, submission, withdrawal, timers, messages, and what a case shows."""
from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, lazyload

from app.accounts.models import User
from app.accounts.service import is_staff
from app.catalog import service as catalog
from app.catalog.models import Service
from app.common import clock, signals
from app.common.errors import Conflict, NotFound, ValidationFailed
from app.common.i18n import N_, translate
from app.common.sequences import next_value
from app.engine import UnexpectedMessage
from app.extensions import db
from app.jsonforms.validation import validate

from . import events, storage, workflow
from .models import Case, CaseEvent, Document

EDITABLE_STATUSES = ("draft",)
OPEN_STATUSES = ("submitted", "in_review", "waiting_applicant", "waiting_agency", "waiting_payment", "approved",
                 "incident")
STATUS_LABELS = {
    "draft": N_("Draf (belum diajukan)"),
    "submitted": N_("Menunggu verifikasi berkas oleh petugas"),
    "in_review": N_("Sedang diproses petugas"),
    "waiting_applicant": N_("Perlu perbaikan dari Anda"),
    "waiting_agency": N_("Menunggu rekomendasi teknis dinas terkait"),
    "waiting_payment": N_("Menunggu pembayaran retribusi"),
    "approved": N_("Disetujui"),
    "issued": N_("Izin telah terbit"),
    "rejected": N_("Ditolak"),
    "withdrawn": N_("Dibatalkan oleh pemohon"),
    "expired": N_("Ditutup karena melewati batas waktu"),
    "incident": N_("Sedang ditangani petugas (gangguan teknis)"),
}


def status_label(status: str) -> str:
    """A case status in plain words, in the page's language."""
    return translate(STATUS_LABELS.get(status, status))


# -- access ---------------------------------------------------------------------


def get_visible(user: User, case_id: int) -> Case:
    """A case the user may see: applicants only their own (404 otherwise, existence is private)."""
    case = db.session.get(Case, case_id)
    if case is None or not can_see(user, case):
        raise NotFound(_("Permohonan tidak ditemukan."))
    return case


def can_see(user: User, case: Case) -> bool:
    """Applicants see their own cases; office staff see all."""
    return case.applicant_id == user.id or case.entered_by_id == user.id or is_staff(user)


def list_for(user: User, *, mine: bool = True, status: str | None = None, service: str | None = None,
             page: int = 1, per_page: int = 50) -> tuple[list[Case], int]:
    """Cases the user may see, newest first."""
    query = select(Case)
    if mine or not is_staff(user):
        query = query.where((Case.applicant_id == user.id) | (Case.entered_by_id == user.id))
    if status:
        query = query.where(Case.status == status)
    if service:
        query = query.where(Case.service_key == service)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = list(db.session.scalars(query.order_by(Case.id.desc()).limit(per_page).offset((page - 1) * per_page)))
    return items, total or 0


# -- drafts and documents -------------------------------------------------------------


def create_draft(*, actor: User, service_key: str, data: dict, applicant: User | None = None,
                 allow_hidden: bool = False) -> Case:
    """Start an application as a draft; fields are checked for shape, completeness waits for submit.

    Services hidden from the catalog (e.g. complaint handling) are started only by their own
    domain (`allow_hidden=True`), never by an applicant directly.
    """
    service = catalog.get(service_key)
    if not service.is_public and not allow_hidden:
        raise NotFound(_("Layanan tidak ditemukan."))
    version, model = catalog.active_model(service)
    if not isinstance(data, dict):
        raise ValidationFailed(fields={"data": [_("Harus berupa objek.")]})
    errors = validate(catalog.application_form(model)["schema"], data, prefix="data", partial=True)
    if errors:
        raise ValidationFailed(fields=errors)
    case = Case(service_key=service.key, process_version_id=version.id, applicant_id=(applicant or actor).id,
                entered_by_id=actor.id if applicant is not None and applicant.id != actor.id else None,
                status="draft", data=data, created_at=clock.now())
    db.session.add(case)
    db.session.flush()
    events.record(case, "created", actor_id=actor.id)  # its label says it all
    return case


def update_draft(*, case: Case, actor: User, data: dict) -> Case:
    """Replace a draft's data (autosave)."""
    if case.status not in EDITABLE_STATUSES:
        raise Conflict(_("Permohonan yang sudah diajukan tidak dapat diubah di sini."))
    model = catalog.model_for_version(case.process_version)
    errors = validate(catalog.application_form(model)["schema"], data, prefix="data", partial=True)
    if errors:
        raise ValidationFailed(fields=errors)
    case.data = data
    return case


def requirements_of_case(case: Case) -> list[dict]:
    """The requirement list of the case's own service version."""
    return catalog.requirements_of(catalog.model_for_version(case.process_version))


def requirement_of(case: Case, key: str) -> dict:
    """A requirement of the case's service version, or 422."""
    model = catalog.model_for_version(case.process_version)
    for req in catalog.requirements_of(model):
        if req.get("key") == key:
            return req
    raise ValidationFailed(fields={"requirement": [_("Persyaratan tidak dikenal untuk layanan ini.")]})


def uploads_open(case: Case) -> bool:
    """Documents may be added while drafting and while the applicant has a revision step open."""
    return case.status == "draft" or case.status == "waiting_applicant"


def add_document(*, case: Case, actor: User, requirement: str, stream, filename: str) -> Document:
    """Store an upload for a requirement; a newer file supersedes the previous one (kept as a version)."""
    req = check_upload_allowed(case, requirement)
    stored = storage.store(stream, filename=filename, accept=req.get("accept") or [],
                           max_bytes=upload_max_bytes(req))
    return attach_document(case=case, actor=actor, requirement=requirement, stored=stored, filename=filename)


def upload_max_bytes(req: dict) -> int:
    """The size limit of a requirement's file: its own `max_mb`, else MAX_UPLOAD_MB."""
    return int(float(req.get("max_mb") or current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024)


def check_upload_allowed(case: Case, requirement: str) -> dict:
    """The requirement, if a file for it may be added now (draft, or flagged in a revision request)."""
    if not uploads_open(case):
        raise Conflict(_("Berkas hanya dapat diunggah saat draf atau saat perbaikan diminta."))
    req = requirement_of(case, requirement)
    if case.status == "waiting_applicant":
        request = revision_request(case)
        if request is not None and request["documents"] and requirement not in request["documents"]:
            raise Conflict(_("Hanya dokumen yang diminta untuk diperbaiki yang dapat diganti."),
                           fields={"requirement": [_("Dokumen ini tidak diminta untuk diperbaiki.")]})
    return req


def attach_document(*, case: Case, actor: User, requirement: str, stored: storage.StoredFile, filename: str,
                    reused_from: int | None = None) -> Document:
    """Record a stored file as the requirement's current document, superseding the previous one."""
    now = clock.now()
    for old in db.session.scalars(select(Document).where(
            Document.case_id == case.id, Document.requirement == requirement, Document.superseded_at.is_(None))):
        old.superseded_at = now
    safe_name = (filename or "berkas").replace("/", "_").replace("\\", "_")[-200:]
    doc = Document(case_id=case.id, requirement=requirement, filename=safe_name, storage_key=stored.key,
                   size=stored.size, sha256=stored.sha256, content_type=stored.content_type,
                   uploaded_by_id=actor.id, created_at=now)
    db.session.add(doc)
    db.session.flush()
    data = {"document_id": doc.id, "requirement": requirement, "sha256": stored.sha256}
    if reused_from is not None:
        data["reused_from"] = reused_from
    events.record(case, "document_reused" if reused_from else "document_uploaded", actor_id=actor.id,
                  note=f"{requirement}: {safe_name}", data=data)
    return doc


def active_documents(case: Case) -> list[Document]:
    """The current file of each requirement."""
    return list(db.session.scalars(select(Document).where(
        Document.case_id == case.id, Document.superseded_at.is_(None)).order_by(Document.requirement)))


def document_refs(case: Case) -> list[dict]:
    """References to the current files, as process data carries them (never the bytes)."""
    return [{"id": d.id, "requirement": d.requirement, "filename": d.filename} for d in active_documents(case)]


def get_document(user: User, case: Case, document_id: int) -> Document:
    """A document of a visible case."""
    doc = db.session.get(Document, document_id)
    if doc is None or doc.case_id != case.id:
        raise NotFound(_("Berkas tidak ditemukan."))
    return doc


# -- submission --------------------------------------------------------------------------


def missing_requirements(case: Case) -> list[dict]:
    """Required documents without a current file."""
    model = catalog.model_for_version(case.process_version)
    have = {d.requirement for d in active_documents(case)}
    return [r for r in catalog.requirements_of(model) if r.get("required", True) and r["key"] not in have]


def submit(*, case: Case, actor: User, registration_number: str | None = None,
           notice: str = "case_submitted") -> Case:
    """Check completeness, give a registration number, start the process, and tell the applicant (`notice`).

    `registration_number` is given by a domain that numbers its own cases (a complaint's ticket is its
    tracking number); otherwise the service's next number is taken. `notice` names the message template
    (a complaint is acknowledged as a complaint, not as an application).
    """
    if case.status != "draft":
        raise Conflict(_("Permohonan ini sudah diajukan."))
    model = catalog.model_for_version(case.process_version)
    errors = validate(catalog.application_form(model)["schema"], case.data, prefix="data")
    for req in missing_requirements(case):
        errors.setdefault(f"documents.{req['key']}", []).append(
            _("%(document)s wajib diunggah.", document=req.get("label", req["key"])))
    if errors:
        raise ValidationFailed(_("Permohonan belum lengkap."), fields=errors)
    service: Service = case.service
    now = clock.now()
    year = now.astimezone(clock.JAKARTA).year
    if registration_number is None:
        sequence = next_value(f"registration:{service.key}:{year}")
        registration_number = f"{service.registration_prefix}-{year}-{sequence:06d}"
    case.registration_number = registration_number
    case.submitted_at = now
    from app.sla import service as sla

    case.due_at = sla.open_clock(case, sop_days=service.sop_days, at=now, actor_id=actor.id)
    case.estimated_completion = case.due_at
    events.record(case, "submitted", actor_id=actor.id, note=case.registration_number)
    initial = {
        "case": {"id": case.id, "registration_number": case.registration_number, "service": service.key},
        "application": case.data,
        "documents": document_refs(case),
        "applicant": {"name": case.applicant.name, "email": case.applicant.email},
    }
    workflow.start(case, initial, actor_id=actor.id)
    from app.notifications import service as notifications

    notifications.notify_case(case, notice)
    return case


def withdraw(*, case: Case, actor: User, reason: str | None = None) -> Case:
    """The applicant withdraws before issuance; open tasks are cancelled."""
    if case.status in ("issued", "rejected", "withdrawn", "expired"):
        raise Conflict(_("Permohonan ini sudah selesai dan tidak dapat dibatalkan."))
    from app.inbox.models import OPEN_STATES, Task

    now = clock.now()
    for task in db.session.scalars(select(Task).where(Task.case_id == case.id, Task.state.in_(OPEN_STATES))):
        task.state = "cancelled"
        task.completed_at = now
        signals.task_closed.send(case, case=case, task=task, outcome="cancelled", actor_id=actor.id)
    old_status = case.status
    case.status = "withdrawn"
    case.completed_at = now
    case.current_step = None
    case.next_timer_at = None
    events.record(case, "withdrawn", actor_id=actor.id, note=reason)
    signals.case_status_changed.send(case, case=case, old=old_status, new="withdrawn", actor_id=actor.id)
    signals.case_finished.send(case, case=case, outcome="withdrawn")
    return case


# -- engine-driven changes ------------------------------------------------------------------


def fire_due_timers(case: Case) -> Case:
    """Fire the case's due timers (scheduler)."""
    workflow.act(case, lambda run: run.fire_due_timers(), actor_id=None)
    return case


def deliver_message(case: Case, name: str, payload: dict[str, Any], *, actor_id: int | None = None) -> Case:
    """Deliver a named message to the case's waiting process (e.g. payment_received)."""
    if case.status in ("draft", "issued", "rejected", "withdrawn", "expired"):
        raise Conflict(_("Permohonan tidak sedang menunggu pesan ini."))
    run = workflow.load_or_quarantine(case, actor_id=actor_id, pending_message={"name": name, "payload": payload})
    if run is None:
        return case  # its stored state cannot be restored: now an incident; the repair delivers the message
    if name not in run.waiting_messages():
        raise Conflict(_("Permohonan tidak sedang menunggu pesan '%(name)s'.", name=name))
    try:
        workflow.act(case, lambda r: r.deliver_message(name, payload), actor_id=actor_id, run=run)
    except UnexpectedMessage as exc:
        raise Conflict(_("Permohonan tidak sedang menunggu pesan '%(name)s'.", name=name)) from exc
    events.record(case, "message_received", actor_id=actor_id, note=name)
    return case


def retry_incident(*, case: Case, actor: User) -> Case:
    """Re-run the failed element of a case in incident, after its cause was fixed."""
    if case.status != "incident":
        raise Conflict(_("Permohonan tidak sedang dalam status insiden."))
    events.record(case, "incident_retry", actor_id=actor.id, bpmn_id=case.incident_element)
    workflow.act(case, lambda run: run.retry(), actor_id=actor.id)
    return case


# -- what a case shows ----------------------------------------------------------------------------


STAFF_ONLY_NOTES = frozenset({"incident", "task_assigned", "task_claimed", "task_released", "task_delegated",
                              "task_follow_up", "task_priority"})


def history(case: Case, *, for_applicant: bool) -> list[dict]:
    """The audit trail, oldest first; applicants see roles rather than officers' names."""
    # Each actor's name is shown; their roles and groups are not (not loaded with them).
    rows = db.session.scalars(
        select(CaseEvent).options(joinedload(CaseEvent.actor).options(lazyload(User.role_rows), lazyload(User.groups)))
        .where(CaseEvent.case_id == case.id).order_by(CaseEvent.id))
    from app.accounts.models import Group
    from app.catalog.texts import model_text

    groups = {key: translate(name) for key, name in db.session.execute(select(Group.key, Group.name)).all()}
    requirement_labels = {r.get("key"): model_text(r.get("label"), case) for r in (case.service.requirements or [])
                          if isinstance(r, dict) and r.get("label")}
    items = []
    for ev in rows:
        if ev.actor is None:
            actor = _("sistem")
        elif for_applicant and ev.actor_id != case.applicant_id:
            actor = groups.get(ev.actor_role) or _("petugas")
        else:
            actor = ev.actor.name
        hidden = for_applicant and ev.kind in STAFF_ONLY_NOTES  # officers' names and internal errors
        items.append({"at": clock.iso(ev.at), "actor": actor, "kind": ev.kind, "label": events.label(ev.kind),
                      "step": ev.step, "note": None if hidden else _readable_note(ev, requirement_labels, case)})
    return items


def _readable_note(event: CaseEvent, requirement_labels: dict[str, str], case: Case) -> str | None:
    """An event's note for people: a document event names its requirement by its label, not its key; an
    outcome is named as the case's status; system notes are in the page's language."""
    requirement = (event.data or {}).get("requirement") if isinstance(event.data, dict) else None
    if event.note and isinstance(requirement, str) and event.note.startswith(f"{requirement}: "):
        label = requirement_labels.get(requirement)
        if label:
            return f"{label}: {event.note[len(requirement) + 2:]}"
    if event.kind == "finished" and event.note in STATUS_LABELS:
        return translate(STATUS_LABELS[event.note])
    if event.kind in ("sla_clock_paused", "sla_clock_resumed") and event.note and " " not in event.note:
        from app.sla import service as sla  # a stored reason code, e.g. menunggu_rekomendasi:dinkes

        return sla.pause_reason_label(event.note)
    decision = (event.data or {}).get("decision") if isinstance(event.data, dict) else None
    if event.note and isinstance(decision, str) and event.note.startswith(decision):
        from app.catalog.texts import model_text  # the form's words for the decision, in the reader's language

        return model_text(decision, case) + event.note[len(decision):]
    return events.note_for(event)


def sla_summary(case: Case) -> dict:
    """The case's SOP clock from its ledger: used/remaining working days, pause, target and legal dates."""
    from app.sla import service as sla

    return sla.case_summary(case)


def describe(case: Case, user: User) -> dict:
    """The case as API.md describes it."""
    from app.inbox.models import OPEN_STATES, Task
    from app.permits import service as permits

    for_applicant = not is_staff(user)
    open_tasks = list(db.session.scalars(  # the case is at hand: do not join it (and its applicant) into each row
        select(Task).options(lazyload(Task.case)).where(Task.case_id == case.id, Task.state.in_(OPEN_STATES))
        .order_by(Task.created_at)))
    outstanding = []
    for task in open_tasks:
        if task.group_key == "pemohon":
            outstanding.append({"kind": "revision", "task_id": task.id, "name": task.name})
    from app.payments.service import outstanding_for

    outstanding.extend(outstanding_for(case))
    permit = permits.for_case(case.id)
    permit_view = None
    if permit is not None:
        permit_view = {"number": permit.number, "status": permits.status_of(permit),
                       "pdf_url": permits.pdf_url(permit),
                       "verify_url": f"/verify/{permit.verify_token}",
                       "valid_until": permit.valid_until.isoformat() if permit.valid_until else None}
    return {
        "id": case.id,
        "registration_number": case.registration_number,
        "service": case.service_key,
        "service_name": case.service.name,
        "service_version": case.process_version.version,
        "status": case.status,
        "status_label": status_label(case.status),
        "data": case.data,
        "created_at": clock.iso(case.created_at),
        "submitted_at": clock.iso(case.submitted_at),
        "due_at": clock.iso(case.due_at),
        "estimated_completion": clock.iso(case.estimated_completion),
        "completed_at": clock.iso(case.completed_at),
        "current_steps": [{"task_id": t.id, "name": t.name, "group": t.group_key,
                           "assignee": (t.assignee.name if t.assignee and not for_applicant else None),
                           "due_at": clock.iso(t.due_at)} for t in open_tasks],
        "history": history(case, for_applicant=for_applicant),
        "documents": [document_view(d) for d in active_documents(case)],
        "outstanding": outstanding,
        "permit": permit_view,
        "sla": sla_summary(case),
        "incident": ({"element_id": case.incident_element, "message": case.incident_message}
                     if case.status == "incident" and not for_applicant else None),
        "version": case.version,
    }


def document_view(doc: Document) -> dict:
    """A document as the API shows it."""
    return {"id": doc.id, "requirement": doc.requirement, "filename": doc.filename, "size": doc.size,
            "sha256": doc.sha256, "content_type": doc.content_type, "uploaded_at": clock.iso(doc.created_at)}


def get_by_registration(number: str) -> Case | None:
    """A case by its public registration number."""
    return db.session.scalar(select(Case).where(Case.registration_number == number))


def track(number: str) -> dict:
    """The public tracking view: nothing personal."""
    # The columns shown, in one statement: a Case row would bring its workflow state and join its applicant
    # (and then the applicant's roles and groups), none of which the public sees.
    case = db.session.execute(
        select(Case.registration_number, Case.service_key, Service.name.label("service_name"), Case.status,
               Case.current_step, Case.submitted_at, Case.estimated_completion)
        .join(Service, Service.key == Case.service_key)
        .where(Case.registration_number == number.strip().upper())).one_or_none()
    if case is None:
        raise NotFound(_("Nomor registrasi tidak ditemukan."))
    return {"registration_number": case.registration_number, "service": case.service_key,
            "service_name": case.service_name, "status": case.status,
            "status_label": status_label(case.status),
            "current_step": case.current_step, "submitted_at": clock.iso(case.submitted_at),
            "estimated_completion": clock.iso(case.estimated_completion)}


def revision_request(case: Case) -> dict | None:
    """The officer's latest revision request: the note and only the flagged documents and fields."""
    from app.inbox.models import Task

    rows = db.session.scalars(select(Task).where(Task.case_id == case.id, Task.state == "completed",
                                                 Task.group_key != "pemohon")
                              .order_by(Task.completed_at.desc()).limit(5))
    for row in rows:
        result = row.result or {}
        verdicts = result.get("document_verdicts") or {}
        flagged = {key: v for key, v in verdicts.items() if (v or {}).get("verdict") in ("revise", "reject")}
        if result.get("verification_outcome") == "revision" or flagged:
            return {"note": result.get("verification_note"), "documents": flagged,
                    "fields": result.get("field_notes") or {}, "at": row.completed_at}
    return None


def validate_application(case: Case) -> dict[str, list[str]]:
    """Field errors of the case's application data against its form (empty when complete)."""
    model = catalog.model_for_version(case.process_version)
    return validate(catalog.application_form(model)["schema"], case.data, prefix="data")
