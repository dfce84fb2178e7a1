"""API schemas of the analysts' workspace (process models)."""
from datetime import datetime

from flask_babel import gettext as _
from flask_smorest.fields import Upload
from marshmallow import INCLUDE, Schema, ValidationError, fields, validate, validates_schema

from app.common.i18n import translate
from app.common.schemas import DATE_RANGE_MESSAGE, ID_RANGE, BaseSchema, in_date_range, list_schema


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


class DeployRequestBodySchema(BaseSchema):
    note = fields.String(load_default="", validate=validate.Length(max=2000),
                         metadata={"description": "why this version should become active"})


class DeployRejectSchema(BaseSchema):
    reason = fields.String(load_default="", validate=validate.Length(max=2000),
                           metadata={"description": "required, except when the requester withdraws the request"})


class DeployRequestSchema(Schema):
    id = fields.Integer()
    key = fields.String()
    version = fields.Integer()
    state = fields.String(metadata={"description": "pending, approved, rejected or withdrawn"})
    note = fields.String(allow_none=True)
    requested_by = fields.String()
    requested_by_id = fields.Integer()
    requested_at = fields.String()
    decided_by = fields.String(allow_none=True)
    decided_at = fields.String(allow_none=True)
    decision_note = fields.String(allow_none=True)


DeployRequestListSchema = list_schema(DeployRequestSchema, "DeployRequestList")


class DeployApprovedSchema(DeployedSchema):
    request = fields.Nested(DeployRequestSchema)


class DeployListArgsSchema(BaseSchema):
    service = fields.String(load_default=None, validate=validate.Length(max=64))


class DiffArgsSchema(BaseSchema):
    from_version = fields.Integer(required=True, data_key="from", validate=ID_RANGE)
    to_version = fields.Integer(required=True, data_key="to", validate=ID_RANGE)


EXPECT_LISTS = ("visited", "not_visited", "notifications")
EXPECT_TEXTS = ("outcome", "status")


def scenario_shape_errors(scenario: dict) -> dict[str, list[str]]:
    """Messages per path for a scenario whose `expect` (element id lists, outcome/status texts) or
    `start_at` is malformed: the simulation reads them as such."""
    errors: dict[str, list[str]] = {}
    expect = scenario.get("expect", {})
    if not isinstance(expect, dict):
        return {"scenario.expect": [_("'expect' harus berupa objek.")]}
    for key in EXPECT_LISTS:
        items = expect.get(key, [])
        if not isinstance(items, list) or not all(isinstance(item, str) and item for item in items):
            errors[f"scenario.expect.{key}"] = [_("'%(key)s' harus daftar id elemen (teks).", key=key)]
    for key in EXPECT_TEXTS:
        if key in expect and not isinstance(expect[key], str):
            errors[f"scenario.expect.{key}"] = [_("'%(key)s' harus berupa teks.", key=key)]
    start_at = scenario.get("start_at")
    if start_at is not None:
        try:
            moment = datetime.fromisoformat(start_at) if isinstance(start_at, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None or not in_date_range(moment):
            errors["scenario.start_at"] = [_("'start_at' harus waktu ISO 8601 dengan zona. %(range)s",
                                             range=translate(DATE_RANGE_MESSAGE))]
    return errors


class ModelTestSchema(BaseSchema):
    scenario = fields.Dict(required=True)

    @validates_schema
    def _scenario_shape(self, data: dict, **_) -> None:
        errors = scenario_shape_errors(data["scenario"])
        if errors:
            raise ValidationError(errors)


class TestRunSchema(ModelTestSchema):
    version = fields.Integer(load_default=None, allow_none=True, validate=ID_RANGE)


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
