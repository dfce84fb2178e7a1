"""Notification pages: my in-app messages, and the admins' list of failed deliveries."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.common import clock
from app.common.errors import AppError
from app.common.pages import page_for
from app.extensions import db

from . import service

bp = Blueprint("notification_pages", __name__)





@bp.get("/notifikasi")
@page_for()
def my_notifications():
    """My in-app messages."""
    page = max(request.args.get("page", 1, type=int), 1)
    items, total = service.list_in_app(current_user, page=page, per_page=50)
    return render_template("notifications/inbox.html", items=items, total=total, page=page,
                           unread=service.unread_count(current_user), local=clock.to_local)


@bp.post("/notifikasi/baca-semua")
@page_for()
def read_all():
    """Mark all my messages read (form)."""
    service.mark_all_read(current_user)
    db.session.commit()
    return redirect(url_for("notification_pages.my_notifications"))


@bp.post("/notifikasi/<int:notification_id>/baca")
@page_for()
def read_one(notification_id: int):
    """Mark one message read (form)."""
    try:
        service.mark_read(current_user, notification_id)
        db.session.commit()
    except AppError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("notification_pages.my_notifications"))


@bp.get("/admin/notifikasi")
@page_for("admin")
def failures_page():
    """Messages that failed delivery, with a retry button."""
    page = max(request.args.get("page", 1, type=int), 1)
    items, total = service.list_failures(page=page, per_page=50)
    return render_template("admin_notifications/failures.html", items=items, total=total, page=page)


@bp.post("/admin/notifikasi/<int:notification_id>/ulang")
@page_for("admin")
def retry(notification_id: int):
    """Queue a failed message again (form)."""
    try:
        service.retry(notification_id)
        db.session.commit()
        flash("Pesan dijadwalkan untuk dikirim ulang.", "success")
    except AppError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("notification_pages.failures_page"))
