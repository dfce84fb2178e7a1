"""Once-only documents: files the office already verified for an applicant, offered again.

A document can be reused in a new application when its requirement is marked `reusable` in
the service's requirement list, the office verified it (verdict `ok` in a document
verification step, or the case was issued), and it is still valid: uploaded less than the
requirement's `valid_years` ago (no limit when unset).
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import User
from app.common import clock
from app.common.errors import NotFound, ValidationFailed
from app.extensions import db
from app.inbox.models import Task

from . import service, storage
from .models import Case, Document


def _verified_ids(case_ids: list[int]) -> dict[int, set[str]]:
    """Per case: requirement keys the office marked ok (or all, for an issued case)."""
    verified: dict[int, set[str]] = {cid: set() for cid in case_ids}
    if not case_ids:
        return verified
    rows = db.session.execute(select(Task.case_id, Task.result).where(
        Task.case_id.in_(case_ids), Task.state == "completed", Task.group_key != "pemohon")
        .order_by(Task.completed_at))
    for case_id, result in rows:
        for key, verdict in ((result or {}).get("document_verdicts") or {}).items():
            if (verdict or {}).get("verdict") == "ok":
                verified[case_id].add(key)
            else:
                verified[case_id].discard(key)
    return verified


def reusable_for(case: Case) -> dict[str, list[Document]]:
    """For each reusable requirement of this case's service: verified, still-valid files of the applicant."""
    requirements = {r["key"]: r for r in service.requirements_of_case(case) if r.get("reusable")}
    if not requirements:
        return {}
    others = db.session.execute(select(Case.id, Case.status).where(
        Case.applicant_id == case.applicant_id, Case.id != case.id, Case.status != "draft")).all()
    issued = {cid for cid, status in others if status == "issued"}
    verified = _verified_ids([cid for cid, _ in others])
    docs = db.session.scalars(select(Document).where(
        Document.case_id.in_([cid for cid, _ in others] or [-1]), Document.superseded_at.is_(None),
        Document.requirement.in_(list(requirements))).order_by(Document.created_at.desc()))
    now = clock.now()
    found: dict[str, list[Document]] = {}
    for doc in docs:
        req = requirements[doc.requirement]
        ok = doc.case_id in issued or doc.requirement in verified.get(doc.case_id, set())
        years = req.get("valid_years")
        fresh = not years or doc.created_at + timedelta(days=365 * float(years)) > now
        if ok and fresh:
            found.setdefault(doc.requirement, []).append(doc)
    return found


def reuse(*, case: Case, actor: User, document_id: int) -> Document:
    """Attach a copy of a reusable document of the same applicant to this case."""
    source = db.session.get(Document, document_id)
    if source is None:
        raise NotFound(_("Berkas tidak ditemukan."))
    candidates = reusable_for(case).get(source.requirement, [])
    if source.id not in {d.id for d in candidates}:
        reason = _("Berkas belum diverifikasi, kedaluwarsa, atau bukan milik Anda.")
        raise ValidationFailed(_("Berkas ini tidak dapat dipakai ulang untuk permohonan ini."),
                               fields={"document_id": [reason]})
    service.check_upload_allowed(case, source.requirement)
    stored = storage.copy(source.storage_key)
    return service.attach_document(case=case, actor=actor, requirement=source.requirement, stored=stored,
                                   filename=source.filename, reused_from=source.id)
