"""Pages: the public verification page a permit's QR code opens."""
from __future__ import annotations

from flask import Blueprint, render_template

from app.extensions import limiter

from . import service
from .layout import tanggal

bp = Blueprint("permits", __name__)


@bp.get("/verify/<token>")
@limiter.limit("60/minute")
def verify_page(token: str):
    """Show whether a permit is valid, revoked or expired, with its holder, service, dates and hash."""
    permit = service.get_by_token(token)
    if permit is None:
        return render_template("verify.html", result=None), 404
    result = service.verification_view(permit)
    dates = {"issued": tanggal(permit.issued_at), "valid_until": tanggal(permit.valid_until),
             "revoked": tanggal(permit.revoked_at) if permit.revoked_at else None}
    return render_template("verify.html", result=result, dates=dates)
