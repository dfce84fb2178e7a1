"""API schemas of complaints."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.common.schemas import PAGE_RANGE, BaseSchema, list_schema
from app.complaints.models import COMPLAINT_STATUSES


class ComplaintCreateSchema(BaseSchema):
    name = fields.String(required=True, validate=validate.Length(min=3, max=150))
    contact = fields.String(required=True, validate=validate.Length(min=5, max=254),
                            metadata={"description": "Email address or mobile number (08...)"})
    subject = fields.String(required=True, validate=validate.Length(min=5, max=200))
    body = fields.String(required=True, validate=validate.Length(min=20, max=5000))
    registration_number = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))


class ComplaintCreatedSchema(Schema):
    ticket = fields.String()
    status = fields.String()
    status_label = fields.String()
    due_at = fields.String(allow_none=True)


class ComplaintSchema(Schema):
    ticket = fields.String()
    status = fields.String()
    status_label = fields.String()
    subject = fields.String()
    category = fields.String(allow_none=True)
    created_at = fields.String()
    due_at = fields.String(allow_none=True)
    forwarded_at = fields.String(allow_none=True)
    escalated_at = fields.String(allow_none=True)
    answered_at = fields.String(allow_none=True)
    public_response = fields.String(allow_none=True)
    # for complaints officers, supervisors and the complainant only
    name = fields.String()
    contact = fields.String()
    body = fields.String()
    registration_number = fields.String(allow_none=True)
    complaint_type = fields.String(allow_none=True)
    forwarded_to = fields.String(allow_none=True)
    is_public = fields.Boolean()
    case_id = fields.Integer()
    case_registration_number = fields.String(allow_none=True)
    case_status = fields.String()


class ComplaintListArgsSchema(BaseSchema):
    public = fields.Boolean(load_default=False)
    status = fields.String(load_default=None, validate=validate.OneOf(COMPLAINT_STATUSES))
    page = fields.Integer(load_default=1, validate=PAGE_RANGE)
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


ComplaintListSchema = list_schema(ComplaintSchema, "ComplaintList")
