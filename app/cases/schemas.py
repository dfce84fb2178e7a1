"""API schemas of cases."""
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from app.common.schemas import ID_RANGE, PAGE_RANGE, BaseSchema, list_schema


class CaseCreateSchema(BaseSchema):
    service = fields.String(required=True, validate=validate.Length(min=1, max=64))
    data = fields.Dict(load_default=dict)
    applicant_id = fields.Integer(load_default=None, validate=ID_RANGE)


class CaseUpdateSchema(BaseSchema):
    data = fields.Dict(required=True)


class CaseListArgsSchema(BaseSchema):
    mine = fields.Boolean(load_default=True)
    status = fields.String(load_default=None)
    service = fields.String(load_default=None)
    page = fields.Integer(load_default=1, validate=PAGE_RANGE)
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class WithdrawSchema(BaseSchema):
    reason = fields.String(load_default=None, validate=validate.Length(max=2000))


class CaseStepSchema(Schema):
    task_id = fields.String()
    name = fields.String()
    group = fields.String()
    assignee = fields.String(allow_none=True)
    due_at = fields.String(allow_none=True)


class DocumentUploadSchema(Schema):
    """The multipart body of a document upload (documented; the view reads request.form/files)."""

    requirement = fields.String(required=True, metadata={"description": "the requirement key, e.g. ktp"})
    file = Upload(required=True, metadata={"description": "PDF, JPEG or PNG"})


class HistorySchema(Schema):
    at = fields.String()
    actor = fields.String()
    kind = fields.String()
    label = fields.String(metadata={"description": "the kind's name in the caller's language"})
    step = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


class DocumentSchema(Schema):
    id = fields.Integer()
    requirement = fields.String()
    filename = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    content_type = fields.String()
    uploaded_at = fields.String()


class SlaSchema(Schema):
    used_working_days = fields.Float()
    sop_days = fields.Integer()
    paused = fields.Boolean()
    paused_reason = fields.String(allow_none=True)


class PermitRefSchema(Schema):
    number = fields.String()
    status = fields.String()
    pdf_url = fields.String()
    verify_url = fields.String()
    valid_until = fields.String(allow_none=True)


class CaseSchema(Schema):
    id = fields.Integer()
    registration_number = fields.String(allow_none=True)
    service = fields.String()
    service_name = fields.String()
    service_version = fields.Integer()
    status = fields.String()
    status_label = fields.String()
    data = fields.Dict()
    created_at = fields.String()
    submitted_at = fields.String(allow_none=True)
    due_at = fields.String(allow_none=True)
    estimated_completion = fields.String(allow_none=True)
    completed_at = fields.String(allow_none=True)
    current_steps = fields.List(fields.Nested(CaseStepSchema))
    history = fields.List(fields.Nested(HistorySchema))
    documents = fields.List(fields.Nested(DocumentSchema))
    outstanding = fields.List(fields.Dict())
    permit = fields.Nested(PermitRefSchema, allow_none=True)
    sla = fields.Nested(SlaSchema)
    incident = fields.Dict(allow_none=True)
    version = fields.Integer()


class CaseSummarySchema(Schema):
    id = fields.Integer()
    registration_number = fields.String(allow_none=True)
    service = fields.String()
    service_name = fields.String()
    status = fields.String()
    status_label = fields.String()
    current_step = fields.String(allow_none=True)
    created_at = fields.String()
    submitted_at = fields.String(allow_none=True)
    estimated_completion = fields.String(allow_none=True)


CaseListSchema = list_schema(CaseSummarySchema, "CaseList")


class TrackSchema(Schema):
    registration_number = fields.String()
    service = fields.String()
    service_name = fields.String()
    status = fields.String()
    status_label = fields.String()
    current_step = fields.String(allow_none=True)
    submitted_at = fields.String(allow_none=True)
    estimated_completion = fields.String(allow_none=True)


class ReuseSchema(BaseSchema):
    document_id = fields.Integer(required=True, validate=ID_RANGE)


class ReusableDocumentSchema(DocumentSchema):
    case_id = fields.Integer()


class ReusableListSchema(Schema):
    items = fields.List(fields.Nested(ReusableDocumentSchema))
