"""API schemas of the service catalog."""
from marshmallow import Schema, fields

from app.common.schemas import list_schema


class RequirementSchema(Schema):
    key = fields.String()
    label = fields.String()
    required = fields.Boolean()
    accept = fields.List(fields.String())
    max_mb = fields.Float()
    description = fields.String()


class ServiceSchema(Schema):
    key = fields.String()
    name = fields.String()
    category = fields.String()
    description = fields.String()
    sop_days = fields.Integer()
    fee = fields.Dict()
    requirements = fields.List(fields.Nested(RequirementSchema))
    version = fields.Integer()


class FormSchema(Schema):
    schema = fields.Dict()
    ui_schema = fields.Dict()


class ServiceDetailSchema(ServiceSchema):
    form = fields.Nested(FormSchema)


ServiceListSchema = list_schema(ServiceSchema, "ServiceList")
