"""API schemas of payments."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates

from app.common.schemas import PAGE_RANGE, BaseSchema, list_schema


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
            raise ValidationError(_("Kode billing hanya berisi huruf dan angka."))


class CallbackResultSchema(Schema):
    status = fields.String(metadata={"description": "accepted, or duplicate for a reference seen before"})
    billing_code = fields.String()
    reference = fields.String()
    amount = fields.Integer(allow_none=True)
    paid_at = fields.String(allow_none=True)
    bill_status = fields.String()
    registration_number = fields.String(allow_none=True)


class BillSchema(Schema):
    id = fields.Integer()
    skrd_number = fields.String()
    skrd_url = fields.String(metadata={"description": "the SKRD (assessment letter) PDF"})
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


class BillRefSchema(Schema):
    """A bill with its case, as the outstanding list and confirmations show it."""

    id = fields.Integer()
    case_id = fields.Integer()
    registration_number = fields.String(allow_none=True)
    service = fields.String()
    skrd_number = fields.String()
    skrd_url = fields.String()
    billing_code = fields.String()
    amount = fields.Integer()
    status = fields.String()
    issued_at = fields.String()
    expires_at = fields.String()
    overdue = fields.Boolean(metadata={"description": "past its deadline, not yet closed by the scheduler"})
    paid_at = fields.String(allow_none=True)
    reference = fields.String(allow_none=True)
    channel = fields.String(allow_none=True)
    confirmed_by = fields.String(allow_none=True)
    proof_document_id = fields.Integer(allow_none=True)


OutstandingListSchema = list_schema(BillRefSchema, "OutstandingBillList")


class OutstandingArgsSchema(BaseSchema):
    q = fields.String(load_default=None, validate=validate.Length(max=64),
                      metadata={"description": "billing code (or its beginning) or registration number"})
    page = fields.Integer(load_default=1, validate=PAGE_RANGE)


class ConfirmationFormSchema(Schema):
    """An officer's record of a payment seen on a bank slip (multipart/form-data)."""

    amount = fields.String(required=True, metadata={"description": "rupiah paid, e.g. 248400 or 248.400"})
    paid_at = fields.String(required=True, metadata={
        "description": "ISO 8601 with offset, or YYYY-MM-DDTHH:MM in Jakarta time"})
    bank = fields.String(required=True, metadata={"description": "bank or payment channel on the slip"})
    reference = fields.String(required=True, metadata={"description": "transaction reference on the slip"})
    proof = fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                                "description": "the slip: PDF, JPEG or PNG"})


class ConfirmationResultSchema(Schema):
    status = fields.String(metadata={"description": "accepted, or duplicate for a reference recorded before"})
    bill = fields.Nested(BillRefSchema)


class RevenueArgsSchema(BaseSchema):
    from_ = fields.Date(data_key="from", load_default=None,
                        metadata={"description": "first office date (YYYY-MM-DD); default: 12 months back"})
    to = fields.Date(load_default=None, metadata={"description": "last office date, inclusive; default: today"})
    service = fields.String(load_default=None, validate=validate.Length(max=64),
                            metadata={"description": "a service key; default: every service except complaints"})
    period = fields.String(load_default="month", validate=validate.OneOf(("month", "quarter", "year")))


class AmountCountSchema(Schema):
    count = fields.Integer()
    amount = fields.Integer(metadata={"description": "rupiah"})


class RevenueCellSchema(Schema):
    billed = fields.Nested(AmountCountSchema)
    paid = fields.Nested(AmountCountSchema)
    outstanding = fields.Nested(AmountCountSchema)
    expired = fields.Nested(AmountCountSchema)


class RevenueServiceSchema(RevenueCellSchema):
    service = fields.String()
    name = fields.String()


class RevenuePeriodSchema(RevenueCellSchema):
    period = fields.String()


class RevenueRowSchema(RevenueCellSchema):
    period = fields.String()
    service = fields.String()
    name = fields.String()


class RevenueReportSchema(Schema):
    from_ = fields.String(data_key="from", attribute="from")
    to = fields.String()
    service = fields.String(allow_none=True)
    period = fields.String()
    generated_at = fields.String()
    totals = fields.Nested(RevenueCellSchema)
    by_service = fields.List(fields.Nested(RevenueServiceSchema))
    by_period = fields.List(fields.Nested(RevenuePeriodSchema))
    rows = fields.List(fields.Nested(RevenueRowSchema))
