"""API schemas of the analysts' workspace (process models)."""
from flask_smorest.fields import Upload
from marshmallow import INCLUDE, Schema, fields

from app.common.schemas import ID_RANGE, BaseSchema, list_schema


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


class VersionUploadFormSchema(BaseSchema):
    comment = fields.String(load_default="", metadata={"description": "the author's comment on this version"})


class VersionUploadFilesSchema(Schema):
    bpmn = fields.List(Upload(), metadata={"description": "BPMN files (the service's own and edited shared ones)"})
    dmn = fields.List(Upload(), metadata={"description": "DMN decision tables"})
    forms = fields.List(Upload(), metadata={"description": "form files (JSON Schema, UI schema, requirements)"})


class VersionUploadSchema(VersionUploadFilesSchema):
    """The multipart body of a new version, as documented (parsed as form + files)."""

    comment = fields.String(metadata={"description": "the author's comment on this version"})


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


class DiffArgsSchema(BaseSchema):
    from_version = fields.Integer(required=True, data_key="from", validate=ID_RANGE)
    to_version = fields.Integer(required=True, data_key="to", validate=ID_RANGE)


class TestRunSchema(BaseSchema):
    version = fields.Integer(load_default=None, allow_none=True, validate=ID_RANGE)
    scenario = fields.Dict(required=True)


class ModelTestSchema(BaseSchema):
    scenario = fields.Dict(required=True)


class LayoutSchema(BaseSchema):
    bpmn = fields.String(required=True)


class FormPreviewSchema(BaseSchema):
    schema = fields.Raw(required=True)
    ui_schema = fields.Raw(load_default=None)


class HtmlSchema(Schema):
    html = fields.String()


class OpenSchema(Schema):
    """A response documented by its main fields; it may carry more."""

    class Meta:
        unknown = INCLUDE


class DiffPartSchema(OpenSchema):
    added = fields.List(fields.Raw())
    removed = fields.List(fields.Raw())
    changed = fields.List(fields.Raw())


class VersionDiffSchema(OpenSchema):
    from_version = fields.Integer(data_key="from")
    to_version = fields.Integer(data_key="to")
    processes = fields.Nested(DiffPartSchema)
    elements = fields.Nested(DiffPartSchema)
    flows = fields.Nested(DiffPartSchema)
    forms = fields.Nested(DiffPartSchema)
    dmn = fields.Nested(DiffPartSchema)
    layout_changed = fields.Boolean()
    unchanged = fields.Boolean()


class TestRunResultSchema(OpenSchema):
    version = fields.Integer()
    status = fields.String(metadata={"description": "where the run ended (finished, waiting, incident, ...)"})
    outcome = fields.Raw(metadata={"description": "the case outcome reached, if any"})
    passed = fields.Raw(metadata={"description": "true/false against the scenario's expectations; null without"})
    failures = fields.List(fields.Raw())
    steps = fields.List(fields.Raw())
    path = fields.List(fields.Raw())
    waiting = fields.List(fields.Raw())
    timers = fields.List(fields.Raw())
    notifications = fields.List(fields.Raw())
    host_actions = fields.List(fields.Raw())
    incident = fields.Raw()
    data = fields.Raw()


class ScenarioTemplateSchema(OpenSchema):
    name = fields.String()
    application = fields.Dict()
    tasks = fields.Dict(metadata={"description": "{bpmn_id: [form data, ...]} per user task"})
    messages = fields.List(fields.Raw())
    timers = fields.List(fields.Raw())
    expect = fields.Dict()


class ModelTestCreatedSchema(Schema):
    id = fields.Integer()
    name = fields.String()
