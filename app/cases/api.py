"""Cases API: drafts, documents, submission, tracking, withdrawal."""
from __future__ import annotations

from flask import request, send_file
from flask_babel import gettext as _
from flask_smorest import Blueprint

from app.accounts import service as accounts
from app.common import clock
from app.common.auth import require_user, roles_required
from app.common.errors import Forbidden, NotFound, ValidationFailed
from app.common.openapi import errors, multipart_body, public
from app.common.transaction import transactional
from app.extensions import limiter

from . import renewal, reuse, service, storage
from .schemas import (
    CaseCreateSchema,
    CaseListArgsSchema,
    CaseListSchema,
    CaseSchema,
    CaseUpdateSchema,
    DocumentSchema,
    DocumentUploadSchema,
    ReusableListSchema,
    ReuseSchema,
    TrackSchema,
    WithdrawSchema,
)

bp = Blueprint("cases_api", __name__, url_prefix="/api/v1", description="Permohonan")


def summary_view(case) -> dict:
    """A case in a list."""
    return {"id": case.id, "registration_number": case.registration_number, "service": case.service_key,
            "service_name": case.service.name, "status": case.status,
            "status_label": service.status_label(case.status), "current_step": case.current_step,
            "created_at": clock.iso(case.created_at), "submitted_at": clock.iso(case.submitted_at),
            "estimated_completion": clock.iso(case.estimated_completion)}


@bp.get("/cases")
@bp.arguments(CaseListArgsSchema, location="query")
@bp.response(200, CaseListSchema)
def list_cases(args):
    """The caller's cases (office staff: any case with mine=0)."""
    user = require_user()
    items, total = service.list_for(user, mine=args["mine"], status=args["status"], service=args["service"],
                                    page=args["page"], per_page=args["per_page"])
    return {"items": [summary_view(c) for c in items], "total": total, "page": args["page"],
            "per_page": args["per_page"]}


@bp.post("/cases")
@bp.arguments(CaseCreateSchema)
@bp.response(201, CaseSchema)
@errors(404)
@transactional(idempotent=True)
def create_case(args):
    """Start an application as a draft (officers may enter one for an applicant: jemput bola)."""
    user = require_user()
    applicant = None
    if args.get("applicant_id"):
        if not accounts.is_staff(user):
            raise Forbidden(_("Hanya petugas yang dapat mengajukan atas nama pemohon."))
        applicant = accounts.get(args["applicant_id"])
        if applicant is None or not accounts.is_applicant_account(applicant):
            # Never on behalf of staff or a deactivated account: its messages would carry a magic link.
            raise ValidationFailed(fields={"applicant_id": [_("Pemohon tidak ditemukan atau bukan akun pemohon "
                                                              "yang aktif.")]})
    case = service.create_draft(actor=user, service_key=args["service"], data=args["data"], applicant=applicant)
    return service.describe(case, user)


@bp.get("/cases/<int:case_id>")
@bp.response(200, CaseSchema)
def get_case(case_id: int):
    """One case with its steps, history, documents and SLA."""
    user = require_user()
    return service.describe(service.get_visible(user, case_id), user)


@bp.patch("/cases/<int:case_id>")
@bp.arguments(CaseUpdateSchema)
@bp.response(200, CaseSchema)
@transactional
def update_case(args, case_id: int):
    """Save a draft's data (autosave)."""
    user = require_user()
    case = service.get_visible(user, case_id)
    _require_owner(user, case)
    service.update_draft(case=case, actor=user, data=args["data"])
    return service.describe(case, user)


def _require_owner(user, case) -> None:
    if case.applicant_id != user.id and case.entered_by_id != user.id:
        raise Forbidden(_("Hanya pemohon yang dapat mengubah permohonan ini."))


@bp.post("/cases/<int:case_id>/documents")
@multipart_body(DocumentUploadSchema)
@bp.response(201, DocumentSchema)
@transactional(idempotent=True)
def upload_document(case_id: int):
    """Upload a file for a requirement (multipart: requirement, file)."""
    user = require_user()
    case = service.get_visible(user, case_id)
    _require_owner(user, case)
    requirement = request.form.get("requirement", "").strip()
    upload = request.files.get("file")
    errors = {}
    if not requirement:
        errors["requirement"] = [_("Wajib diisi.")]
    if upload is None or not upload.filename:
        errors["file"] = [_("Pilih berkas yang akan diunggah.")]
    if errors:
        raise ValidationFailed(fields=errors)
    doc = service.add_document(case=case, actor=user, requirement=requirement, stream=upload.stream,
                               filename=upload.filename)
    return service.document_view(doc)


@bp.get("/cases/<int:case_id>/reusable-documents")
@bp.response(200, ReusableListSchema)
def reusable_documents(case_id: int):
    """Verified, still-valid documents of the applicant that this case may reuse (once-only)."""
    user = require_user()
    case = service.get_visible(user, case_id)
    _require_owner(user, case)
    found = reuse.reusable_for(case)
    return {"items": [{**service.document_view(d), "case_id": d.case_id} for docs in found.values() for d in docs]}


@bp.post("/cases/<int:case_id>/documents/reuse")
@bp.arguments(ReuseSchema)
@bp.response(201, DocumentSchema)
@transactional
def reuse_document(args, case_id: int):
    """Attach a copy of an already verified document instead of uploading again."""
    user = require_user()
    case = service.get_visible(user, case_id)
    _require_owner(user, case)
    return service.document_view(reuse.reuse(case=case, actor=user, document_id=args["document_id"]))


@bp.get("/cases/<int:case_id>/documents/<int:document_id>")
@bp.doc(parameters=[{"in": "query", "name": "inline", "required": False, "schema": {"type": "string", "enum": ["1"]},
                     "description": "1: show a PDF or image inline instead of as an attachment"}],
        responses={"200": {"description": "The file", "content": {
            ct: {"schema": {"type": "string", "format": "binary"}}
            for ct in ("application/pdf", "image/jpeg", "image/png")}}})
def download_document(case_id: int, document_id: int):
    """Download a document of a case the caller may see (always as an attachment)."""
    user = require_user()
    case = service.get_visible(user, case_id)
    doc = service.get_document(user, case, document_id)
    path = storage.path_for(doc.storage_key)
    if not path.exists():
        raise NotFound(_("Berkas tidak ditemukan di penyimpanan."))
    inline = request.args.get("inline") == "1" and doc.content_type in ("application/pdf", "image/jpeg", "image/png")
    response = send_file(path, mimetype=doc.content_type, as_attachment=not inline, download_name=doc.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/cases/<int:case_id>/submit")
@bp.response(200, CaseSchema)
@transactional
def submit_case(case_id: int):
    """Submit a complete draft: it gets its registration number and enters the process."""
    user = require_user()
    case = service.get_visible(user, case_id)
    _require_owner(user, case)
    if not user.email_verified_at and not accounts.is_staff(user):
        raise Forbidden(_("Verifikasi email Anda terlebih dahulu sebelum mengajukan permohonan."))
    service.submit(case=case, actor=user)
    return service.describe(case, user)


@bp.post("/cases/<int:case_id>/withdraw")
@bp.arguments(WithdrawSchema)
@bp.response(200, CaseSchema)
@transactional
def withdraw_case(args, case_id: int):
    """The applicant withdraws before issuance."""
    user = require_user()
    case = service.get_visible(user, case_id)
    _require_owner(user, case)
    service.withdraw(case=case, actor=user, reason=args.get("reason"))
    return service.describe(case, user)


@bp.post("/cases/<int:case_id>/renew")
@bp.response(201, CaseSchema)
@transactional(idempotent=True)
def renew_case(case_id: int):
    """Renew an issued permit: a new draft pre-filled from this application."""
    user = require_user()
    case = service.get_visible(user, case_id)
    _require_owner(user, case)
    return service.describe(renewal.renew(case=case, actor=user), user)


@bp.post("/cases/<int:case_id>/retry")
@bp.response(200, CaseSchema)
@roles_required("analyst", "admin", "supervisor")
@transactional
def retry_case(case_id: int):
    """Retry a case in incident after its cause was fixed."""
    user = require_user()
    case = service.get_visible(user, case_id)
    service.retry_incident(case=case, actor=user)
    return service.describe(case, user)


@bp.get("/track/<path:registration_number>")
@limiter.limit("60/minute")
@bp.response(200, TrackSchema)
@public
@errors(429)
def track(registration_number: str):
    """Public tracking by registration number: nothing personal. A complaint's ticket answers in complaint states."""
    from app.complaints import service as complaints

    return complaints.in_complaint_states(service.track(registration_number))
