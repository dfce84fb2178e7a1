"""API schemas of payments."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates

from app.common.schemas import BaseSchema, list_schema


class CallbackSchema(BaseSchema):
    """The revenue agency gateway's payment notification (signed with X-Signature)."""

    billing_code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    amount = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    paid_at = fields.AwareDateTime(required=True, metadata={"example": "2026-11-24T10:15:00+07:00"})
    reference = fields.String(required=True, validate=validate.Length(min=1, max=64))
    channel = fields.String(load_default=None, validate=validate.Length(max=64))

    @validates("billing_code")
    def _digits(self, value: str, **_) -> None:
        if not value.isalnum():
            raise ValidationError("Kode billing hanya berisi huruf dan angka.")


class CallbackResultSchema(Schema):
    status = fields.String(metadata={"description": "accepted, or duplicate for a reference seen before"})
    billing_code = fields.String()
    reference = fields.String()
    amount = fields.Integer(allow_none=True)
    paid_at = fields.String(allow_none=True)
    bill_status = fields.String()
    registration_number = fields.String(allow_none=True)


class BillSchema(Schema):
    billing_code = fields.String()
    amount = fields.Integer()
    basis = fields.String(allow_none=True)
    status = fields.String()
    issued_at = fields.String()
    expires_at = fields.String()
    paid_at = fields.String(allow_none=True)
    reference = fields.String(allow_none=True)
    paid_amount = fields.Integer(allow_none=True)
    channel = fields.String(allow_none=True)


BillListSchema = list_schema(BillSchema, "BillList")
