"""API schemas of the SLA domain: calendar, breaches, case clocks."""
from marshmallow import Schema, fields, validate

from app.common.schemas import PAGE_RANGE, BaseSchema, list_schema

from .models import HOLIDAY_KINDS


class HolidayArgsSchema(BaseSchema):
    year = fields.Integer(load_default=None, validate=validate.Range(min=1900, max=2200))


class HolidaySchema(Schema):
    date = fields.String()
    name = fields.String()
    kind = fields.String()
    source = fields.String(metadata={"description": "nasional (the national list) or kantor (the office's table)"})
    working_day = fields.Boolean()
    listed = fields.Boolean()
    weekday = fields.Integer()


class HolidayListSchema(Schema):
    year = fields.Integer()
    items = fields.List(fields.Nested(HolidaySchema))
    total = fields.Integer()


class HolidayCreateSchema(BaseSchema):
    date = fields.Date(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(HOLIDAY_KINDS), metadata={
        "description": "national | cuti_bersama | local; working_day cancels a listed holiday by decree"})


class HolidayChangeSchema(HolidaySchema):
    reprojected = fields.Integer(metadata={"description": "open deadlines moved by this change"})
    removed = fields.Boolean()


class BreachArgsSchema(BaseSchema):
    status = fields.String(load_default="all", validate=validate.OneOf(["overdue", "at_risk", "all"]))
    service = fields.String(load_default=None)
    group = fields.String(load_default=None)
    page = fields.Integer(load_default=1, validate=PAGE_RANGE)
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class BreachSchema(Schema):
    task_id = fields.String()
    case_id = fields.Integer()
    registration_number = fields.String(allow_none=True)
    service = fields.String()
    step = fields.String()
    bpmn_id = fields.String()
    group = fields.String()
    holder = fields.String(allow_none=True)
    assignee_id = fields.Integer(allow_none=True)
    created_at = fields.String()
    due_at = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "overdue | at_risk"})
    late_working_days = fields.Float(metadata={"description": "positive: late by; negative: time left"})
    escalation_level = fields.Integer()
    flagged = fields.Boolean()


BreachListSchema = list_schema(BreachSchema, "BreachList")


class ClockSummarySchema(Schema):
    used_working_days = fields.Float()
    remaining_working_days = fields.Float()
    sop_days = fields.Integer()
    extension_days = fields.Integer()
    paused = fields.Boolean()
    paused_reason = fields.String(allow_none=True)
    state = fields.String()
    started_at = fields.String(allow_none=True)
    target_date = fields.String(allow_none=True)
    target_at = fields.String(allow_none=True)
    legal_deadline = fields.String(allow_none=True)
    legal_deadline_at = fields.String(allow_none=True)
    lapsed = fields.Boolean()
    deemed_approved = fields.Boolean()
    pending_pause_reason = fields.String(allow_none=True)


class ClockDetailSchema(Schema):
    case_id = fields.Integer()
    registration_number = fields.String(allow_none=True)
    summary = fields.Nested(ClockSummarySchema)
    ledger = fields.List(fields.Dict())
    extensions = fields.List(fields.Dict())
    holders = fields.List(fields.Dict())
    steps = fields.List(fields.Dict())
    estimated_completion = fields.String(allow_none=True)


class ExtensionSchema(BaseSchema):
    days = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=60))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class PauseDecisionSchema(BaseSchema):
    approve = fields.Boolean(required=True)
    note = fields.String(load_default=None, validate=validate.Length(max=2000))
