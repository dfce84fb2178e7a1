"""API schemas of the analysts' workspace (process models)."""
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from app.common.schemas import list_schema


class ProcessModelSchema(Schema):
    key = fields.String()
    name = fields.String()
    active_version = fields.Integer(allow_none=True)
    versions = fields.Integer()
    running = fields.Integer(metadata={"description": "open cases on any version"})
    incidents = fields.Integer()
    last_change_at = fields.String(allow_none=True)
    last_change_by = fields.String(allow_none=True)


ProcessModelListSchema = list_schema(ProcessModelSchema, "ProcessModelList")


class VersionUploadFormSchema(Schema):
    comment = fields.String(load_default="", metadata={"description": "the author's comment on this version"})


class VersionUploadFilesSchema(Schema):
    bpmn = fields.List(Upload(), metadata={"description": "BPMN files (the service's own and edited shared ones)"})
    dmn = fields.List(Upload(), metadata={"description": "DMN decision tables"})
    forms = fields.List(Upload(), metadata={"description": "form files (JSON Schema, UI schema, requirements)"})


class ProblemSchema(Schema):
    message = fields.String()
    element_id = fields.String(allow_none=True)
    line = fields.Integer(allow_none=True)
    column = fields.Integer(allow_none=True)
    file = fields.String(allow_none=True)


class VersionCreatedSchema(Schema):
    version = fields.Integer()
    created = fields.Boolean(metadata={"description": "false when identical content already was a version"})
    content_hash = fields.String()
    warnings = fields.List(fields.Nested(ProblemSchema))


class ValidationReportSchema(Schema):
    valid = fields.Boolean()
    problems = fields.List(fields.Nested(ProblemSchema))
    warnings = fields.List(fields.Nested(ProblemSchema))


class VersionSchema(Schema):
    version = fields.Integer()
    comment = fields.String()
    author = fields.String(allow_none=True)
    created_at = fields.String()
    deployed_at = fields.String(allow_none=True)
    active = fields.Boolean()
    running = fields.Integer()
    content_hash = fields.String()


VersionListSchema = list_schema(VersionSchema, "VersionList")


class VersionDetailSchema(VersionSchema):
    main_file = fields.String()
    files = fields.Dict(metadata={"description": '{"bpmn": {name: xml}, "dmn": {...}, "forms": {...}}'})
    groups = fields.List(fields.String())


class DeployedSchema(Schema):
    key = fields.String()
    name = fields.String()
    active_version = fields.Integer()


class DiffArgsSchema(Schema):
    from_version = fields.Integer(required=True, data_key="from")
    to_version = fields.Integer(required=True, data_key="to")


class TestRunSchema(Schema):
    version = fields.Integer(load_default=None, allow_none=True)
    scenario = fields.Dict(required=True)


class ModelTestSchema(Schema):
    scenario = fields.Dict(required=True)


class LayoutSchema(Schema):
    bpmn = fields.String(required=True)


class FormPreviewSchema(Schema):
    schema = fields.Raw(required=True)
    ui_schema = fields.Raw(load_default=None)


class HtmlSchema(Schema):
    html = fields.String()
