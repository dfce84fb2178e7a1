"""API schemas of the inbox."""
from marshmallow import Schema, fields, validate

from app.common.schemas import BaseSchema


class TaskListArgsSchema(BaseSchema):
    scope = fields.String(load_default="mine", validate=validate.OneOf(["mine", "group", "all"]))
    service = fields.String(load_default=None)
    overdue = fields.Boolean(load_default=None)
    due_before = fields.AwareDateTime(load_default=None)
    q = fields.String(load_default=None, validate=validate.Length(max=200))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class TaskSchema(Schema):
    id = fields.String()
    case_id = fields.Integer()
    registration_number = fields.String(allow_none=True)
    service = fields.String()
    name = fields.String()
    bpmn_id = fields.String()
    group = fields.String()
    assignee = fields.String(allow_none=True)
    assignee_id = fields.Integer(allow_none=True)
    state = fields.String()
    created_at = fields.String()
    due_at = fields.String(allow_none=True)
    overdue = fields.Boolean()
    escalation_level = fields.Integer()
    priority = fields.Integer()
    applicant = fields.String(allow_none=True)


class TaskListSchema(Schema):
    items = fields.List(fields.Nested(TaskSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class TaskDetailSchema(TaskSchema):
    form = fields.Dict()
    data = fields.Dict()
    case = fields.Dict()
    instructions = fields.String(allow_none=True)


class CompleteSchema(BaseSchema):
    data = fields.Dict(required=True)


class AssignSchema(BaseSchema):
    user_id = fields.Integer(required=True)


class CompleteResultSchema(Schema):
    case = fields.Dict()
