"""Complaints API: file without logging in, follow by ticket, read the published answers."""
from __future__ import annotations

from flask import current_app
from flask_login import current_user
from flask_smorest import Blueprint

from app.common.auth import require_user
from app.common.openapi import errors, optional_login
from app.common.transaction import transactional
from app.extensions import limiter

from . import service
from .schemas import (
    ComplaintCreatedSchema,
    ComplaintCreateSchema,
    ComplaintListArgsSchema,
    ComplaintListSchema,
    ComplaintSchema,
)

bp = Blueprint("complaints_api", __name__, url_prefix="/api/v1", description="Pengaduan")


def _rate_limit() -> str:
    return current_app.config["COMPLAINT_RATE_LIMIT"]


def _caller():
    return current_user if current_user.is_authenticated else None


@bp.post("/complaints")
@limiter.limit(_rate_limit)
@bp.arguments(ComplaintCreateSchema)
@bp.response(201, ComplaintCreatedSchema)
@optional_login
@errors(429)
@transactional(idempotent=True)
def file_complaint(args):
    """File a complaint (no login needed); the ticket follows it."""
    complaint = service.file_complaint(name=args["name"], contact=args["contact"], subject=args["subject"],
                                       body=args["body"], registration_number=args.get("registration_number"),
                                       actor=_caller())
    view = service.public_view(complaint)
    return {"ticket": view["ticket"], "status": view["status"], "status_label": view["status_label"],
            "due_at": view["due_at"]}


@bp.get("/complaints/<ticket>")
@limiter.limit("60/minute")
@bp.response(200, ComplaintSchema)
@optional_login
@errors(429)
def get_complaint(ticket: str):
    """A complaint's status and public response; its handlers and its complainant see it whole."""
    complaint = service.get_by_ticket(ticket)
    user = _caller()
    if user is not None and (service.can_handle(user) or complaint.complainant_id == user.id):
        return service.staff_view(complaint)
    return service.public_view(complaint)


@bp.get("/complaints")
@bp.arguments(ComplaintListArgsSchema, location="query")
@bp.response(200, ComplaintListSchema)
@optional_login
def list_complaints(args):
    """public=1: answered complaints with their published responses; otherwise the caller's complaints."""
    if args["public"]:
        items, total = service.list_public(page=args["page"], per_page=args["per_page"])
        views = [service.public_view(c) for c in items]
    else:
        user = require_user()
        items, total = service.list_for(user, status=args["status"], page=args["page"], per_page=args["per_page"])
        views = [service.staff_view(c) for c in items]
    return {"items": views, "total": total, "page": args["page"], "per_page": args["per_page"]}
