"""API schemas of permits and their verification."""
from marshmallow import Schema, fields, validate

from app.common.schemas import BaseSchema


class VerifySchema(Schema):
    valid = fields.Boolean()
    status = fields.String(metadata={"enum": ["valid", "revoked", "expired"]})
    number = fields.String()
    holder_name = fields.String()
    service = fields.String()
    issued_at = fields.String()
    valid_until = fields.String(allow_none=True)
    sha256 = fields.String(allow_none=True)
    service_name = fields.String()
    revoked_at = fields.String(allow_none=True)
    replaced_by = fields.String(allow_none=True, metadata={"description": "number of the re-issued permit"})


class ReasonSchema(BaseSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class PermitSchema(Schema):
    number = fields.String()
    status = fields.String(metadata={"enum": ["valid", "revoked", "expired"]})
    case_id = fields.Integer()
    pdf_url = fields.String()
    verify_url = fields.String()
    issued_at = fields.String()
    valid_until = fields.String(allow_none=True)
    revoked_at = fields.String(allow_none=True)
    revoke_reason = fields.String(allow_none=True)
    replaces = fields.String(allow_none=True)
    sha256 = fields.String(allow_none=True)
