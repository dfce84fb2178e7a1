"""Account pages: register, verify email, forgotten password, profile, passwordless return."""
from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from app.common.signals import security_event
from app.common.text import without_separators
from app.common.urls import public_url
from app.extensions import db, limiter

from . import service, tokens

bp = Blueprint("accounts", __name__)
NIK = re.compile(r"^[0-9]{16}$")
PHONE = re.compile(r"^(\+62|62|0)8[0-9]{7,12}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _number(form, key: str) -> str:
    """A NIK or phone number as typed, without the spaces and dashes people put in (`0812-3456 7890`)."""
    return without_separators(form.get(key, "").strip())


def _profile_errors(form, *, require_email: bool) -> dict[str, str]:
    errors: dict[str, str] = {}
    if len(form.get("name", "").strip()) < 2:
        errors["name"] = _("Nama wajib diisi.")
    if require_email and not EMAIL.match(form.get("email", "").strip()):
        errors["email"] = _("Alamat email tidak valid.")
    nik = _number(form, "nik")
    if nik and not NIK.match(nik):
        errors["nik"] = _("NIK harus 16 digit angka.")
    phone = _number(form, "phone")
    if phone and not PHONE.match(phone):
        errors["phone"] = _("Nomor HP tidak valid (contoh: 081234567890).")
    return errors


@bp.route("/daftar", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
def register():
    """Create an applicant account."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = request.form
        errors = _profile_errors(form, require_email=True)
        problems = service.password_problems(form.get("password", ""))
        if problems:
            errors["password"] = " ".join(problems)
        elif form.get("password") != form.get("password2"):
            errors["password2"] = _("Konfirmasi kata sandi tidak sama.")
        if not errors:  # a taken address gets the same answer (no enumeration); its owner is mailed instead
            service.register_applicant(email=form["email"], password=form["password"], name=form["name"].strip(),
                                       phone=_number(form, "phone") or None,
                                       nik=_number(form, "nik") or None, base_url=public_url())
            db.session.commit()
            return render_template("accounts/check_email.html", email=form["email"].strip())
    return render_template("accounts/register.html", errors=errors), (422 if errors else 200)


@bp.get("/akun/verifikasi/<token>")
def verify_email(token: str):
    """The link in the verification email."""
    user = service.verify_email(token)
    db.session.commit()
    if user is None:
        return render_template("accounts/message.html", title=_("Tautan tidak berlaku"),
                               message=_("Tautan verifikasi tidak sah atau sudah kedaluwarsa. "
                                         "Minta tautan baru dari halaman masuk.")), 400
    return render_template("accounts/message.html", title=_("Email terverifikasi"),
                           message=_("Terima kasih. Email Anda telah terverifikasi; silakan masuk."),
                           link=url_for("web.login"), link_label=_("Masuk"))


@bp.post("/akun/kirim-ulang")
@limiter.limit("10/minute")
def resend_verification():
    """One click from the login page: mail the verification link again."""
    user = service.get_by_email(request.form.get("email", ""))
    if user is not None:
        service.send_verification(user, base_url=public_url())
        db.session.commit()
    return render_template("accounts/check_email.html", email=request.form.get("email", ""))


@bp.route("/akun/lupa-sandi", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
def forgot_password():
    """Request a password reset link (same answer whether the account exists or not)."""
    if request.method == "POST":
        service.request_password_reset(request.form.get("email", ""), base_url=public_url())
        db.session.commit()
        return render_template("accounts/check_email.html", email=request.form.get("email", ""), reset=True)
    return render_template("accounts/forgot.html")


@bp.route("/akun/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Set a new password from the mailed link."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        problems = service.password_problems(request.form.get("password", ""))
        if problems:
            errors["password"] = " ".join(problems)
        elif request.form.get("password") != request.form.get("password2"):
            errors["password2"] = _("Konfirmasi kata sandi tidak sama.")
        else:
            user = service.reset_password(token, request.form["password"])
            if user is None:
                db.session.rollback()
                return render_template("accounts/message.html", title=_("Tautan tidak berlaku"),
                                       message=_("Tautan atur ulang tidak sah, sudah dipakai, atau kedaluwarsa.")), 400
            db.session.commit()
            flash(_("Kata sandi baru tersimpan. Silakan masuk."))
            return redirect(url_for("web.login"))
    return render_template("accounts/reset.html", errors=errors), (422 if errors else 200)


@bp.route("/akun/profil", methods=["GET", "POST"])
@login_required
def profile():
    """The user's own profile."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = _profile_errors(request.form, require_email=False)
        if not errors:
            f = request.form
            service.update_profile(current_user, name=f["name"].strip(), phone=_number(f, "phone") or None,
                                   nik=_number(f, "nik") or None,
                                   address=f.get("address", "").strip() or None)
            db.session.commit()
            flash(_("Profil tersimpan."))
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", errors=errors), (422 if errors else 200)


@bp.get("/akun/tautan/<token>")
def magic_link(token: str):
    """A single-use link from a message: sign in for that one case and open its pending step."""
    link = tokens.use_magic_link(token)
    if link is None:
        db.session.commit()
        return render_template("accounts/message.html", title=_("Tautan tidak berlaku"),
                               message=_("Tautan ini sudah dipakai atau kedaluwarsa. Masuk dengan kata sandi, "
                                         "atau gunakan kode 6 digit dari SMS/WhatsApp."),
                               link=url_for("accounts.magic_code"), link_label=_("Masukkan kode")), 400
    return _sign_in_for_case(link, channel="magic_link")


def _sign_in_for_case(link, *, channel: str):
    """Log the link's applicant in, confined to the link's case (other pages ask for the password)."""
    login_user(link.user, fresh=False)
    tokens.scope_session_to_case(link.case_id)
    security_event.send(None, kind="login", actor_id=link.user.id, subject=f"user:{link.user.id}", ok=True,
                        detail={"channel": channel, "case_id": link.case_id})
    db.session.commit()
    return redirect(f"/permohonan/{link.case_id}")


@bp.route("/akun/kode", methods=["GET", "POST"])
@limiter.limit("10/minute;60/hour", methods=["POST"])  # per client; attempts per account in tokens.py
def magic_code():
    """Enter the registration number and the 6-digit code sent by SMS/WhatsApp."""
    error = None
    if request.method == "POST":
        from app.cases import service as cases

        case = cases.get_by_registration((request.form.get("nomor") or "").strip().upper()[:40])
        link = tokens.use_magic_code(case_id=case.id, code=request.form.get("kode", "")[:12]) if case else None
        if link is not None:
            return _sign_in_for_case(link, channel="magic_code")
        if case is not None:
            security_event.send(None, kind="login", actor_id=None, subject=f"user:{case.applicant_id}", ok=False,
                                detail={"channel": "magic_code", "case_id": case.id})
        db.session.commit()
        error = _("Nomor registrasi atau kode salah, atau kode sudah tidak berlaku.")
    return render_template("accounts/magic_code.html", error=error), (422 if error else 200)
