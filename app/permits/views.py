"""Pages: the public verification page a permit's QR code opens."""
from __future__ import annotations

import hashlib
import hmac

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _

from app.common.i18n import format_day
from app.extensions import limiter

from . import service

bp = Blueprint("permits", __name__)


@bp.route("/verify/<token>", methods=["GET", "POST"])
@limiter.limit("60/minute")
def verify_page(token: str):
    """Show whether a permit is valid, revoked or expired, with its holder, service, dates and hash; a
    presented PDF is compared with the issued file by SHA-256 (nothing of it is stored)."""
    permit = service.get_by_token(token)
    if permit is None:
        return render_template("verify.html", result=None), 404
    result = service.verification_view(permit)
    # The page speaks the reader's language (the permit itself stays Indonesian).
    dates = {"issued": format_day(permit.issued_at), "valid_until": format_day(permit.valid_until),
             "revoked": format_day(permit.revoked_at) if permit.revoked_at else None}
    presented = _presented_file(permit.sha256) if request.method == "POST" else None
    return render_template("verify.html", result=result, dates=dates, presented=presented)


def _presented_file(issued_sha256: str | None) -> dict:
    """The SHA-256 of the uploaded file and whether it is the issued document (byte for byte)."""
    upload = request.files.get("berkas")
    if upload is None or not upload.filename:
        return {"error": _("Pilih berkas PDF izin yang akan diperiksa.")}
    digest, size = hashlib.sha256(), 0
    limit = int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024
    while chunk := upload.stream.read(64 * 1024):
        size += len(chunk)
        if size > limit:
            return {"error": _("Berkas terlalu besar untuk sebuah izin.")}
        digest.update(chunk)
    sha256 = digest.hexdigest()
    matches = bool(issued_sha256) and hmac.compare_digest(sha256, issued_sha256)
    return {"sha256": sha256, "matches": matches, "filename": upload.filename}
