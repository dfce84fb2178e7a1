"""Notification pages: my in-app messages, the admins' outbox and its failed deliveries."""
from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

from app.common import clock
from app.common.errors import AppError
from app.common.pages import page_for
from app.extensions import db

from . import service

bp = Blueprint("notification_pages", __name__)
_URL = re.compile(r"https?://[^\s<>\"']+")
PER_PAGE = 50


def linkify(text: str) -> Markup:
    """The message body escaped, with its http(s) links clickable (nothing else becomes markup)."""
    escaped = str(escape(text or ""))
    return Markup(_URL.sub(lambda m: f'<a href="{m.group(0)}" rel="noopener noreferrer">{m.group(0)}</a>',
                           escaped))


@bp.app_template_filter("linkify")
def _linkify_filter(text: str) -> Markup:
    return linkify(text)


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


@bp.get("/admin/kotak-keluar")
@page_for("admin")
def outbox_page():
    """Every outgoing message with its state, newest first; in development the way to read mailed codes."""
    from .models import CHANNELS, STATES

    state = request.args.get("state") if request.args.get("state") in STATES else None
    channel = request.args.get("channel") if request.args.get("channel") in CHANNELS else None
    recipient = (request.args.get("q") or "").strip()[:254] or None
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    items, total = service.list_outbox(state=state, channel=channel, recipient=recipient, page=page,
                                       per_page=PER_PAGE)
    return render_template("admin_notifications/outbox.html", items=items, total=total, page=page,
                           pages=max(1, -(-total // PER_PAGE)), state=state, channel=channel, q=recipient or "",
                           states=STATES, channels=CHANNELS, local=clock.to_local,
                           query={k: v for k, v in request.args.items() if k != "page" and v})


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
        flash(_("Pesan dijadwalkan untuk dikirim ulang."), "success")
    except AppError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("notification_pages.failures_page"))
