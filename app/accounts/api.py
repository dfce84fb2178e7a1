"""Accounts API: tokens, registration, password reset request, current user."""
from __future__ import annotations

from flask import g
from flask_babel import gettext as _
from flask_smorest import Blueprint

from app.common.auth import bearer_token, require_user
from app.common.errors import TooManyRequests, Unauthorized, ValidationFailed
from app.common.openapi import errors, public
from app.common.urls import public_url
from app.extensions import db, limiter

from . import service
from .schemas import (
    PasswordResetConfirmSchema,
    PasswordResetRequestSchema,
    ProfileSchema,
    RegisterSchema,
    RegistrationSchema,
    StatusSchema,
    TokenOnlySchema,
    TokenRequestSchema,
    TokenResponseSchema,
    UserSchema,
)

bp = Blueprint("accounts_api", __name__, url_prefix="/api/v1", description="Akun dan autentikasi")


def user_view(user) -> dict:
    """A user as the API shows it."""
    return {"id": user.id, "email": user.email, "name": user.name, "phone": user.phone, "nik": user.nik,
            "roles": user.roles, "group_keys": user.group_keys, "email_verified": user.email_verified_at is not None}


@bp.post("/auth/token")
@limiter.limit("20/minute")
@bp.arguments(TokenRequestSchema)
@bp.response(200, TokenResponseSchema)
@public
@errors(401, 429)
def issue_token(args):
    """Exchange email and password for a bearer token."""
    try:
        user = service.authenticate(args["email"], args["password"], channel="api")
    except service.AccountLocked as exc:
        db.session.commit()
        raise TooManyRequests(_("Terlalu banyak percobaan masuk yang gagal. Akun dikunci sementara; coba lagi "
                                "dalam %(minutes)s menit.", minutes=exc.minutes),
                              headers={"Retry-After": str(exc.minutes * 60)}) from exc
    if user is None:
        db.session.commit()  # keep the failure count
        raise Unauthorized(_("Email atau kata sandi salah."))
    token = service.issue_token(user)
    db.session.commit()
    return {"token": token, "user": user_view(user)}


@bp.post("/auth/register")
@limiter.limit("10/minute")
@errors(429)
@bp.arguments(RegisterSchema)
@bp.response(201, RegistrationSchema)
@public
def register(args):
    """Register an applicant account: the same answer whether the address is new or taken (no enumeration).

    A new address gets the verification link; a taken one mails its owner instead.
    """
    problems = service.password_problems(args["password"])
    if problems:
        raise ValidationFailed(fields={"password": problems})
    service.register_applicant(email=args["email"], name=args["name"], password=args["password"],
                               phone=args.get("phone"), nik=args.get("nik"), base_url=public_url())
    db.session.commit()
    return {"status": "accepted", "email": args["email"].strip().lower(), "name": args["name"],
            "phone": args.get("phone"), "nik": args.get("nik"), "roles": ["applicant"], "group_keys": [],
            "email_verified": False}


@bp.delete("/auth/token")
@bp.response(200, StatusSchema)
def revoke_token():
    """Sign out: revoke the bearer token of this call (with the page session's cookie: end the page sessions)."""
    user = require_user()
    token = bearer_token() if g.get("auth_via_token") else None
    service.log_out(user=user, token=token)
    db.session.commit()
    return {"status": "revoked"}


@bp.delete("/auth/tokens")
@bp.response(200, StatusSchema)
def revoke_all_tokens():
    """Sign out everywhere: revoke every bearer token of the caller and end all their page sessions."""
    service.log_out(user=require_user(), everywhere=True)
    db.session.commit()
    return {"status": "revoked"}


@bp.post("/auth/verify-email")
@bp.arguments(TokenOnlySchema)
@bp.response(200, UserSchema)
@public
def verify_email(args):
    """Verify the email address with the token from the mailed link."""
    user = service.verify_email(args["token"])
    if user is None:
        raise ValidationFailed(_("Tautan tidak sah atau sudah kedaluwarsa."),
                               fields={"token": [_("Tautan tidak sah atau sudah kedaluwarsa.")]})
    db.session.commit()
    return user_view(user)


@bp.post("/auth/verify-email/resend")
@limiter.limit("10/minute")
@errors(429)
@bp.arguments(PasswordResetRequestSchema)
@bp.response(202, StatusSchema)
@public
def resend_verification(args):
    """Mail the verification link again (always 202)."""
    user = service.get_by_email(args["email"])
    if user is not None:
        service.send_verification(user, base_url=public_url())
        db.session.commit()
    return {"status": "accepted"}


@bp.post("/auth/password-reset")
@limiter.limit("10/minute")
@errors(429)
@bp.arguments(PasswordResetRequestSchema)
@bp.response(202, StatusSchema)
@public
def password_reset(args):
    """Request a password reset link (always 202: no account enumeration)."""
    service.request_password_reset(args["email"], base_url=public_url())
    db.session.commit()
    return {"status": "accepted"}


@bp.post("/auth/password-reset/confirm")
@bp.arguments(PasswordResetConfirmSchema)
@bp.response(200, StatusSchema)
@public
def password_reset_confirm(args):
    """Set a new password with the token from the mailed link."""
    user = service.reset_password(args["token"], args["password"])
    if user is None:
        raise ValidationFailed(_("Tautan tidak sah atau sudah kedaluwarsa."),
                               fields={"token": [_("Tautan tidak sah atau sudah kedaluwarsa.")]})
    db.session.commit()
    return {"status": "ok"}


@bp.get("/me")
@bp.response(200, UserSchema)
def me():
    """The current user."""
    return user_view(require_user())


@bp.patch("/me")
@bp.arguments(ProfileSchema)
@bp.response(200, UserSchema)
def update_me(args):
    """Change the current user's profile."""
    user = require_user()
    service.update_profile(user, name=args.get("name") or user.name, phone=args.get("phone", user.phone),
                           nik=args.get("nik", user.nik), address=args.get("address", user.address))
    db.session.commit()
    return user_view(user)
