"""Permits API: public verification, the signed PDF, revocation and re-issue, submission receipts.

Permit numbers hold '/' (503/SIPA/2026/00001); in URLs they are written with '-' instead
(503-SIPA-2026-00001): see service.slug_of / number_from_slug and docs/PERMITS.md.
"""
from __future__ import annotations

import hashlib
import logging

from flask import Response, request
from flask_babel import gettext as _
from flask_smorest import Blueprint

from app.common.auth import require_user
from app.common.errors import AppError, NotFound
from app.common.i18n import N_
from app.common.openapi import errors, public
from app.common.transaction import transactional
from app.extensions import limiter

from . import receipts, service
from .schemas import PermitSchema, ReasonSchema, VerifySchema

bp = Blueprint("permits_api", __name__, url_prefix="/api/v1", description="Izin dan verifikasi")
log = logging.getLogger(__name__)
PDF = {"type": "string", "format": "binary"}


class DocumentIntegrityError(AppError):
    """The stored file no longer matches the hash recorded at issuance."""

    status, code, default_message = 503, "document_unavailable", N_(
        "Dokumen izin sedang tidak dapat disajikan. Hubungi petugas.")


def _pdf_response(data: bytes, *, filename: str) -> Response:
    disposition = "inline" if request.args.get("inline") == "1" else "attachment"
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/verify/<token>")
@limiter.limit("60/minute")
@bp.response(200, VerifySchema)
@public
@errors(429)
def verify(token: str):
    """Verify a permit by the token in its QR code (public)."""
    permit = service.get_by_token(token)
    if permit is None:
        raise NotFound(_("Izin tidak ditemukan."))
    return service.verification_view(permit)


@bp.get("/permits/<number>.pdf")
@bp.response(200, PDF, content_type="application/pdf")
def permit_pdf(number: str):
    """The signed permit PDF, for its holder and office staff (404 for anyone else).

    `number` is the permit number in URL form, '/' written as '-': 503-SIPA-2026-00001.
    """
    user = require_user()
    permit = service.get_for_holder_or_officer(user, number)
    data = service.document_path(permit).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != permit.sha256:
        log.error("permit %s: stored file hash %s differs from the issued hash %s", permit.number, digest,
                  permit.sha256)
        raise DocumentIntegrityError(_(DocumentIntegrityError.default_message))
    return _pdf_response(data, filename=f"izin-{service.slug_of(permit.number)}.pdf")


@bp.get("/permits/<number>")
@bp.response(200, PermitSchema)
def get_permit(number: str):
    """One permit with its status and links (holder and office staff)."""
    user = require_user()
    return service.permit_view(service.get_for_holder_or_officer(user, number))


@bp.post("/permits/<number>/revoke")
@bp.arguments(ReasonSchema)
@bp.response(200, PermitSchema)
@transactional
def revoke(args, number: str):
    """Revoke a permit with a reason (head of office: group penandatangan, or admin)."""
    user = require_user()
    service.require_head_of_office(user)  # 403 before revealing whether the number exists
    permit = service.get_by_number(number)
    if permit is None:
        raise NotFound(_("Izin tidak ditemukan."))
    service.revoke(permit=permit, actor=user, reason=args["reason"])
    return service.permit_view(permit)


@bp.post("/permits/<number>/reissue")
@bp.arguments(ReasonSchema)
@bp.response(201, PermitSchema)
@transactional(idempotent=True)
def reissue(args, number: str):
    """Re-issue a permit: a new number, token and signed PDF; the old one is revoked (head of office)."""
    user = require_user()
    service.require_head_of_office(user)  # 403 before revealing whether the number exists
    permit = service.get_by_number(number)
    if permit is None:
        raise NotFound(_("Izin tidak ditemukan."))
    return service.permit_view(service.reissue(permit=permit, actor=user, reason=args["reason"]))


@bp.get("/cases/<int:case_id>/receipt.pdf")
@bp.response(200, PDF, content_type="application/pdf")
@errors(409)
def receipt_pdf(case_id: int):
    """The submission receipt (tanda terima) of a case, for its applicant and office staff."""
    user = require_user()
    case = receipts.get_for_receipt(user, case_id)
    return _pdf_response(receipts.render_receipt(case),
                         filename=f"tanda-terima-{case.registration_number}.pdf")
