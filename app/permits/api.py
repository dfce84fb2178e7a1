"""Permit verification API (public) and permit lookup."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.common import clock
from app.common.errors import NotFound

from . import service

bp = Blueprint("permits_api", __name__, url_prefix="/api/v1", description="Izin dan verifikasi")


class VerifySchema(Schema):
    valid = fields.Boolean()
    status = fields.String()
    number = fields.String()
    holder_name = fields.String()
    service = fields.String()
    issued_at = fields.String()
    valid_until = fields.String(allow_none=True)
    sha256 = fields.String(allow_none=True)


def verification_view(permit) -> dict:
    """What anyone holding the QR code may learn about a permit."""
    status = service.status_of(permit)
    return {"valid": status == "valid", "status": status, "number": permit.number,
            "holder_name": permit.holder_name, "service": permit.service_key,
            "issued_at": clock.iso(permit.issued_at),
            "valid_until": permit.valid_until.isoformat() if permit.valid_until else None, "sha256": permit.sha256}


@bp.get("/verify/<token>")
@bp.response(200, VerifySchema)
def verify(token: str):
    """Verify a permit by the token in its QR code."""
    permit = service.get_by_token(token)
    if permit is None:
        raise NotFound("Izin tidak ditemukan.")
    return verification_view(permit)
