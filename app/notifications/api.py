"""Notifications API: the current user's in-app messages, and failed deliveries for admins."""
from __future__ import annotations

from flask_smorest import Blueprint

from app.common import clock
from app.common.auth import require_user, roles_required
from app.common.transaction import transactional

from . import service
from .schemas import (
    FailureListSchema,
    FailureSchema,
    InAppArgsSchema,
    NotificationListSchema,
    NotificationSchema,
    PageArgsSchema,
    ReadAllSchema,
)

bp = Blueprint("notifications_api", __name__, url_prefix="/api/v1", description="Notifikasi")


def in_app_view(note) -> dict:
    """An in-app message as the API shows it."""
    return {"id": note.id, "template": note.template, "subject": note.subject, "body": note.body,
            "case_id": note.case_id, "created_at": clock.iso(note.created_at), "read": note.read_at is not None,
            "read_at": clock.iso(note.read_at)}


def failure_view(note) -> dict:
    """A failed or dead message for the admins' list."""
    return {"id": note.id, "channel": note.channel, "recipient": note.recipient, "template": note.template,
            "subject": note.subject, "case_id": note.case_id, "state": note.state, "attempts": note.attempts,
            "next_attempt_at": clock.iso(note.next_attempt_at), "last_error": note.last_error,
            "created_at": clock.iso(note.created_at)}


@bp.get("/notifications")
@bp.arguments(InAppArgsSchema, location="query")
@bp.response(200, NotificationListSchema)
def list_notifications(args):
    """The current user's in-app messages, newest first (unread=true: only unread)."""
    user = require_user()
    items, total = service.list_in_app(user, unread=args["unread"], page=args["page"], per_page=args["per_page"])
    return {"items": [in_app_view(n) for n in items], "total": total, "unread": service.unread_count(user),
            "page": args["page"], "per_page": args["per_page"]}


@bp.post("/notifications/<int:notification_id>/read")
@bp.response(200, NotificationSchema)
@transactional
def mark_read(notification_id: int):
    """Mark one of my messages read."""
    user = require_user()
    return in_app_view(service.mark_read(user, notification_id))


@bp.post("/notifications/read-all")
@bp.response(200, ReadAllSchema)
@transactional
def mark_all_read():
    """Mark all my messages read."""
    user = require_user()
    return {"marked": service.mark_all_read(user)}


@bp.get("/notifications/failures")
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, FailureListSchema)
@roles_required("admin")
def list_failures(args):
    """Messages that failed delivery (retrying) or were dead-lettered."""
    items, total = service.list_failures(page=args["page"], per_page=args["per_page"])
    return {"items": [failure_view(n) for n in items], "total": total, "page": args["page"],
            "per_page": args["per_page"]}


@bp.post("/notifications/<int:notification_id>/retry")
@bp.response(200, FailureSchema)
@roles_required("admin")
@transactional
def retry(notification_id: int):
    """Queue a failed or dead message again, due now."""
    return failure_view(service.retry(notification_id))
