"""Administrators' pages for accounts: find a user, change roles, groups and whether the account is active,
and mark an address verified by hand."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common.errors import NotFound, ValidationFailed
from app.common.i18n import N_
from app.common.pages import page_for
from app.extensions import db

from . import service
from .models import ROLES

bp = Blueprint("accounts_admin", __name__, url_prefix="/admin/pengguna")
PER_PAGE = 50
ROLE_LABELS = {"applicant": N_("Pemohon"), "officer": N_("Petugas"), "supervisor": N_("Supervisor"),
               "analyst": N_("Analis proses"), "admin": N_("Administrator")}


def role_labels() -> dict[str, str]:
    """The roles' names in the page's language."""
    return {role: _(label) for role, label in ROLE_LABELS.items()}


@bp.get("")
@page_for("admin")
def users_page():
    """Users by name or email and role."""
    q = (request.args.get("q") or "").strip()
    role = request.args.get("role") if request.args.get("role") in ROLES else None
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    items, total = service.list_users(q=q, role=role, page=page, per_page=PER_PAGE)
    return render_template("accounts/admin_users.html", items=items, total=total, page=page,
                           pages=max(1, -(-total // PER_PAGE)), q=q, role=role, role_labels=role_labels(),
                           query={k: v for k, v in request.args.items() if k != "page" and v})


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@page_for("admin")
def edit_user(user_id: int):
    """One user's roles, groups and active flag."""
    user = service.get(user_id)
    if user is None:
        raise NotFound(_("Pengguna tidak ditemukan."))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = request.form
        try:
            changed = service.change_access(user=user, actor=current_user._get_current_object(),
                                            roles=form.getlist("roles"), groups=form.getlist("groups"),
                                            active=form.get("active") == "1")
        except ValidationFailed as exc:
            db.session.rollback()
            errors = exc.fields
            user = service.get(user_id)
        else:
            db.session.commit()
            flash(_("Hak akses tersimpan.") if changed else _("Tidak ada perubahan."), "success")
            return redirect(url_for("accounts_admin.edit_user", user_id=user_id))
    return _render_user(user, errors)


def _render_user(user, errors: dict[str, list[str]], *, note: str = ""):
    return render_template("accounts/admin_user.html", user=user, groups=service.list_groups(), roles=ROLES,
                           role_labels=role_labels(), errors=errors, note=note), (422 if errors else 200)


@bp.post("/<int:user_id>/verifikasi-email")
@page_for("admin")
def verify_email(user_id: int):
    """Mark the user's email address verified by hand, with a note on how it was checked."""
    user = service.get(user_id)
    if user is None:
        raise NotFound(_("Pengguna tidak ditemukan."))
    note = (request.form.get("note") or "").strip()
    try:
        changed = service.mark_email_verified(user=user, actor=current_user._get_current_object(), note=note)
    except ValidationFailed as exc:
        db.session.rollback()
        return _render_user(service.get(user_id), exc.fields, note=note[:service.VERIFY_NOTE_MAX])
    db.session.commit()
    flash(_("Email ditandai terverifikasi.") if changed else _("Email akun ini sudah terverifikasi."), "success")
    return redirect(url_for("accounts_admin.edit_user", user_id=user_id))
