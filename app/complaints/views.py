"""Complaint pages: the public form, the ticket's status, and the published answers."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common.errors import ValidationFailed
from app.extensions import db, limiter

from . import service

bp = Blueprint("complaints", __name__)

FIELDS = ("name", "contact", "subject", "body", "registration_number")


def _rate_limit() -> str:
    return current_app.config["COMPLAINT_RATE_LIMIT"]


@bp.route("/pengaduan", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def complaint_form():
    """File a complaint; below the form, the latest published answers."""
    values = {k: (request.form.get(k) or "").strip() for k in FIELDS} if request.method == "POST" else {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        errors = _check(values)
        if not errors:
            try:
                complaint = service.file_complaint(
                    name=values["name"], contact=values["contact"], subject=values["subject"], body=values["body"],
                    registration_number=values["registration_number"] or None,
                    actor=current_user if current_user.is_authenticated else None)
                db.session.commit()
            except ValidationFailed as exc:
                db.session.rollback()
                errors = exc.fields or {"_body": [exc.message]}
            else:
                flash(_("Pengaduan Anda tercatat dengan nomor tiket %(ticket)s. Simpan nomor ini untuk memantau "
                        "tanggapan.", ticket=complaint.ticket), "success")
                return redirect(url_for("complaints.ticket_page", ticket=complaint.ticket))
    answered, _total = service.list_public(page=1, per_page=10)
    status = 422 if errors else 200
    return render_template("complaints/form.html", values=values, errors=errors,
                           answered=[service.public_view(c) for c in answered]), status


def _check(values: dict) -> dict[str, list[str]]:
    limits = {"name": (3, 150), "contact": (5, 254), "subject": (5, 200), "body": (20, 5000)}
    errors = {}
    for key, (low, high) in limits.items():
        if not low <= len(values[key]) <= high:
            errors[key] = [_("Isi %(low)s–%(high)s karakter.", low=low, high=high)]
    return errors


@bp.get("/pengaduan/tiket/<ticket>")
def ticket_page(ticket: str):
    """A complaint's status and answer, by ticket."""
    complaint = service.get_by_ticket(ticket)
    return render_template("complaints/ticket.html", complaint=service.public_view(complaint))


@bp.get("/pengaduan/cari")
def find_ticket():
    """Look up a ticket typed into the form."""
    ticket = (request.args.get("tiket") or "").strip().upper()
    return redirect(url_for("complaints.ticket_page", ticket=ticket)) if ticket else redirect(
        url_for("complaints.complaint_form"))
