"""API schemas of the inbox."""
from marshmallow import Schema, fields, validate

from app.common.schemas import ID_RANGE, PAGE_RANGE, BaseSchema, list_schema


class TaskListArgsSchema(BaseSchema):
    scope = fields.String(load_default="mine", validate=validate.OneOf(["mine", "group", "all"]))
    service = fields.String(load_default=None)
    overdue = fields.Boolean(load_default=None)
    due_before = fields.AwareDateTime(load_default=None)
    q = fields.String(load_default=None, validate=validate.Length(max=200))
    page = fields.Integer(load_default=1, validate=PAGE_RANGE)
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    step = fields.String(load_default=None, validate=validate.Length(max=200),
                         metadata={"description": "element id (bpmn_id) of the step"})
    due = fields.String(load_default=None, validate=validate.OneOf(["overdue", "today", "at_risk"]),
                        metadata={"description": "overdue, due today, or at risk (75% of the SLA used)"})
    deferred = fields.Boolean(load_default=False,
                              metadata={"description": "list only tasks deferred to a later follow-up day"})
    sort = fields.String(load_default=None, validate=validate.OneOf(["due", "priority", "received"]))


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
    at_risk = fields.Boolean()
    working_days_left = fields.Float(allow_none=True)
    follow_up_on = fields.Date(allow_none=True)
    follow_up_note = fields.String(allow_none=True)


TaskListSchema = list_schema(TaskSchema, "TaskList")


class TaskDetailSchema(TaskSchema):
    form = fields.Dict()
    data = fields.Dict()
    case = fields.Dict()
    instructions = fields.String(allow_none=True)


class CompleteSchema(BaseSchema):
    data = fields.Dict(required=True)
    # The signer's statement that they read the draft permit (GET /tasks/{id}/draft-permit.pdf); required
    # when the completion signs the permit, as the task page's checkbox is.
    confirm_draft_reviewed = fields.Boolean(load_default=False)


class AssignSchema(BaseSchema):
    user_id = fields.Integer(required=True, validate=ID_RANGE)


class CompleteResultSchema(Schema):
    case = fields.Dict()


class PrioritySchema(BaseSchema):
    priority = fields.Integer(required=True, validate=validate.Range(min=0, max=3))


class FollowUpSchema(BaseSchema):
    follow_up_on = fields.Date(required=True, allow_none=True,
                               metadata={"description": "office day the task shows again; null clears it"})
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
