"""A revision round: what the officer asked for, whether the applicant's answer covers it, and what changed.

The round is read from rows: the officer's completed step that asked for the revision (its task result), the
audit trail's upload events after that step (their order, not their clock, says what came later), and the
documents table, where a replaced file stays as a superseded version.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db

from .models import Case, CaseEvent, Document

APPLICANT_GROUP = "pemohon"
FLAGGED_VERDICTS = ("revise", "reject")
UPLOAD_KINDS = ("document_uploaded", "document_reused")


@dataclass
class Request:
    """The officer's revision request: the step that made it, its note and the flagged documents."""

    task_id: str
    bpmn_id: str
    note: str | None
    documents: dict[str, dict]
    at: datetime | None


@dataclass
class DocumentChange:
    """One requirement in a revision round: the file the officer judged and the one there is now."""

    requirement: str
    label: str
    flagged: bool
    officer_note: str | None
    old: Document | None
    new: Document | None

    @property
    def replaced(self) -> bool:
        """A file uploaded after the request took the judged one's place."""
        return self.new is not None

    @property
    def same_content(self) -> bool:
        """The replacement holds the very bytes of the judged file (worth a second look by the officer)."""
        return self.new is not None and self.old is not None and self.new.sha256 == self.old.sha256


@dataclass
class Changes:
    """What the applicant changed between a revision request and the step that reviews the answer."""

    request: Request
    response_note: str | None
    answered_at: datetime | None
    documents: list[DocumentChange] = field(default_factory=list)


def _request_of(task: Any) -> Request | None:
    result = task.result or {}
    verdicts = result.get("document_verdicts") or {}
    flagged = {key: v for key, v in verdicts.items()
               if isinstance(v, dict) and v.get("verdict") in FLAGGED_VERDICTS}
    if result.get("verification_outcome") != "revision" and not flagged:
        return None
    return Request(task_id=task.id, bpmn_id=task.bpmn_id, note=result.get("verification_note"), documents=flagged,
                   at=task.completed_at)


def _last_completed(case: Case, *, applicant: bool, until: datetime | None):
    from app.inbox.models import Task

    lane = (Task.group_key == APPLICANT_GROUP) if applicant else (Task.group_key != APPLICANT_GROUP)
    query = select(Task).where(Task.case_id == case.id, Task.state == "completed", lane)
    if until is not None:
        query = query.where(Task.completed_at <= until)
    return db.session.scalar(query.order_by(Task.completed_at.desc()).limit(1))


def request_for(case: Case, task: Any) -> Request | None:
    """The revision request an applicant's step answers: the officer's step completed just before it opened."""
    if task.group_key != APPLICANT_GROUP:
        return None
    step = _last_completed(case, applicant=False, until=task.created_at)
    return _request_of(step) if step is not None else None


def _uploads_after(case: Case, task_id: str) -> set[int]:
    """Ids of the documents added after the step `task_id` was completed (in audit-trail order)."""
    rows = list(db.session.scalars(select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.kind.in_(("task_completed", *UPLOAD_KINDS))).order_by(CaseEvent.id)))
    start = next((i for i, ev in enumerate(rows)
                  if ev.kind == "task_completed" and (ev.data or {}).get("task_id") == task_id), None)
    if start is None:
        return set()
    return {int(ev.data["document_id"]) for ev in rows[start + 1:]
            if ev.kind in UPLOAD_KINDS and isinstance((ev.data or {}).get("document_id"), int)}


def _document_changes(case: Case, request: Request) -> list[DocumentChange]:
    from app.catalog import service as catalog

    labels = {r["key"]: r.get("label", r["key"])
              for r in catalog.requirements_of(catalog.model_for_version(case.process_version))}
    later = _uploads_after(case, request.task_id)
    docs = list(db.session.scalars(select(Document).where(Document.case_id == case.id).order_by(Document.id)))
    keys = list(request.documents) + sorted({d.requirement for d in docs if d.id in later} - set(request.documents))
    changes = []
    for key in keys:
        mine = [d for d in docs if d.requirement == key]
        old = next((d for d in reversed(mine) if d.id not in later), None)  # the file current at the request
        current = next((d for d in mine if d.superseded_at is None), None)
        new = current if current is not None and current.id in later else None
        verdict = request.documents.get(key) or {}
        changes.append(DocumentChange(requirement=key, label=labels.get(key, key), flagged=key in request.documents,
                                      officer_note=verdict.get("note"), old=old, new=new))
    return changes


def unanswered(case: Case, task: Any, data: dict) -> dict[str, list[str]]:
    """Field errors of an applicant's answer that leaves part of the revision request open (empty when covered).

    Every flagged document needs a file uploaded after the request; a request that flags no document needs a
    written answer.
    """
    request = request_for(case, task)
    if request is None:
        return {}
    errors: dict[str, list[str]] = {}
    for change in _document_changes(case, request):
        if not change.flagged or change.replaced:
            continue
        message = _("%(document)s belum diganti. Unggah berkas pengganti sebelum mengirim perbaikan.",
                    document=change.label)
        if change.officer_note:
            message += " " + _("Catatan petugas: %(note)s", note=change.officer_note)
        errors[f"documents.{change.requirement}"] = [message]
    note = data.get("response_note")
    if not request.documents and not (isinstance(note, str) and note.strip()):
        errors["data.response_note"] = [_("Tuliskan jawaban atas catatan petugas.")]
    return errors


def pending_documents(case: Case, task: Any) -> dict[str, Document]:
    """The replacement already uploaded for each flagged document of the applicant's open revision step."""
    request = request_for(case, task)
    if request is None:
        return {}
    return {c.requirement: c.new for c in _document_changes(case, request) if c.flagged and c.new is not None}


def changes_for_review(case: Case, task: Any) -> Changes | None:
    """For the step that reviews a returned revision (the step that asked for it, open again): what changed."""
    if task.group_key == APPLICANT_GROUP:
        return None
    answer = _last_completed(case, applicant=True, until=task.created_at)
    if answer is None:
        return None
    request = request_for(case, answer)
    if request is None or request.bpmn_id != task.bpmn_id:
        return None
    return Changes(request=request, response_note=(answer.result or {}).get("response_note"),
                   answered_at=answer.completed_at, documents=_document_changes(case, request))
