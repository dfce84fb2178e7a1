"""API schemas of notifications: the in-app list and the failures list."""
from marshmallow import Schema, fields, validate

from app.common.schemas import PAGE_RANGE, BaseSchema, list_schema


class InAppArgsSchema(BaseSchema):
    unread = fields.Boolean(load_default=False)
    page = fields.Integer(load_default=1, validate=PAGE_RANGE)
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class NotificationSchema(Schema):
    id = fields.Integer()
    template = fields.String()
    subject = fields.String()
    body = fields.String()
    case_id = fields.Integer(allow_none=True)
    created_at = fields.String()
    read = fields.Boolean()
    read_at = fields.String(allow_none=True)


class NotificationListSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema))
    total = fields.Integer()
    unread = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class ReadAllSchema(Schema):
    marked = fields.Integer()


class PageArgsSchema(BaseSchema):
    page = fields.Integer(load_default=1, validate=PAGE_RANGE)
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class FailureSchema(Schema):
    id = fields.Integer()
    channel = fields.String()
    recipient = fields.String()
    template = fields.String()
    subject = fields.String()
    case_id = fields.Integer(allow_none=True)
    state = fields.String(metadata={"description": "failed (will be retried) or dead (gave up)"})
    attempts = fields.Integer()
    next_attempt_at = fields.String(allow_none=True)
    last_error = fields.String(allow_none=True)
    created_at = fields.String()


FailureListSchema = list_schema(FailureSchema, "FailureList")
