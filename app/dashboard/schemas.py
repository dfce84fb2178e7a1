"""API schemas of the dashboard and reports."""
from marshmallow import Schema, fields, validate

from app.common.i18n import N_
from app.common.schemas import BaseSchema

# Marked messages: error responses translate field messages into the reader's language.
DATE_MESSAGE = {"invalid": N_("Gunakan format tanggal YYYY-MM-DD.")}


class PeriodArgsSchema(BaseSchema):
    from_ = fields.Date(data_key="from", load_default=None, error_messages=DATE_MESSAGE,
                        metadata={"description": "first office date (YYYY-MM-DD); default: 12 months back"})
    to = fields.Date(load_default=None, error_messages=DATE_MESSAGE,
                     metadata={"description": "last office date, inclusive; default: today"})
    service = fields.String(load_default=None, validate=validate.Length(max=64),
                            metadata={"description": "a service key; default: every service except complaints"})


class DetailArgsSchema(PeriodArgsSchema):
    stuck_days = fields.Integer(load_default=7, validate=validate.Range(min=1, max=365),
                                metadata={"description": "a case is stuck after this many days without an event"})


class HeatmapArgsSchema(PeriodArgsSchema):
    service = fields.String(required=True, validate=validate.Length(min=1, max=64),
                            error_messages={"required": N_("Pilih layanan.")})


class CsvArgsSchema(BaseSchema):
    from_ = fields.Date(data_key="from", load_default=None, error_messages=DATE_MESSAGE)
    to = fields.Date(load_default=None, error_messages=DATE_MESSAGE)
    service = fields.String(load_default=None, validate=validate.Length(max=64))


class MonthArgsSchema(BaseSchema):
    month = fields.String(required=True, metadata={"description": "YYYY-MM"},
                          error_messages={"required": N_("Isi bulan laporan (YYYY-MM).")})


class PeriodSchema(Schema):
    from_ = fields.String(data_key="from", attribute="from")
    to = fields.String()


class BreachStepSchema(Schema):
    service = fields.String()
    process_id = fields.String()
    bpmn_id = fields.String()
    name = fields.String()
    count = fields.Integer()


class VolumeSchema(Schema):
    period = fields.String(metadata={"description": "YYYY-MM (or YYYY-Qn)"})
    submitted = fields.Integer()
    issued = fields.Integer()
    rejected = fields.Integer()
    withdrawn = fields.Integer()
    expired = fields.Integer()
    finished = fields.Integer()
    backlog = fields.Integer(metadata={"description": "cases open at the end of the period"})


class IkmElementSchema(Schema):
    key = fields.String()
    name = fields.String()
    nrr = fields.Float()


class IkmSchema(Schema):
    score = fields.Float(allow_none=True)
    category = fields.String(allow_none=True)
    label = fields.String(allow_none=True)
    responses = fields.Integer()
    elements = fields.List(fields.Nested(IkmElementSchema))


class RevenueSchema(Schema):
    billed = fields.Integer(metadata={"description": "rupiah billed (bills issued in the period, not cancelled)"})
    paid = fields.Integer(metadata={"description": "rupiah paid within the period"})


class ComplaintCountsSchema(Schema):
    received = fields.Integer()
    answered = fields.Integer()
    overdue = fields.Integer()
    open = fields.Integer()


class ServiceRowSchema(Schema):
    service = fields.String()
    ikm = fields.Nested(IkmSchema)
    name = fields.String()
    sop_days = fields.Integer()
    measured = fields.Integer()
    avg_lead_time_working_days = fields.Float(allow_none=True)
    p90_lead_time_working_days = fields.Float(allow_none=True)
    avg_elapsed_working_days = fields.Float(allow_none=True)
    on_time_rate = fields.Float(allow_none=True)
    submitted = fields.Integer()
    issued = fields.Integer()
    rejected = fields.Integer()


class SummarySchema(Schema):
    period = fields.Nested(PeriodSchema)
    service = fields.String(allow_none=True)
    generated_at = fields.String()
    open_cases = fields.Integer()
    open_tasks = fields.Integer()
    overdue_tasks = fields.Integer()
    at_risk_tasks = fields.Integer()
    on_time_rate = fields.Float(allow_none=True, metadata={"description": "0..1 of decided cases within SOP"})
    measured_cases = fields.Integer()
    avg_lead_time_all_working_days = fields.Float(allow_none=True)
    avg_lead_time_working_days = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))
    sop_days = fields.Dict(keys=fields.String(), values=fields.Integer())
    breaches_by_step = fields.List(fields.Nested(BreachStepSchema))
    volume = fields.List(fields.Nested(VolumeSchema))
    volume_by_quarter = fields.List(fields.Nested(VolumeSchema))
    ikm = fields.Nested(IkmSchema)
    ikm_by_service = fields.Dict(keys=fields.String(), values=fields.Nested(IkmSchema))
    revenue = fields.Nested(RevenueSchema)
    complaints = fields.Nested(ComplaintCountsSchema)
    services = fields.List(fields.Nested(ServiceRowSchema))


class OfficerBreachSchema(Schema):
    group = fields.String()
    user_id = fields.Integer(allow_none=True)
    name = fields.String()
    count = fields.Integer()


class HolderSchema(Schema):
    holder = fields.String()
    label = fields.String()
    working_days = fields.Float()
    cases = fields.Integer()
    avg_working_days = fields.Float(allow_none=True)


class StuckCaseSchema(Schema):
    case_id = fields.Integer()
    registration_number = fields.String(allow_none=True)
    service = fields.String()
    status = fields.String()
    current_step = fields.String(allow_none=True)
    last_event_at = fields.String()
    idle_days = fields.Integer()


class DetailSchema(Schema):
    period = fields.Nested(PeriodSchema)
    service = fields.String(allow_none=True)
    breaches_by_officer = fields.List(fields.Nested(OfficerBreachSchema))
    time_by_holder = fields.List(fields.Nested(HolderSchema))
    stuck_days = fields.Integer()
    stuck_cases = fields.List(fields.Nested(StuckCaseSchema))
    stuck_total = fields.Integer()


class HeatElementSchema(Schema):
    id = fields.String()
    process_id = fields.String()
    kind = fields.String(metadata={"description": "userTask or callActivity"})
    called = fields.String(allow_none=True)
    name = fields.String()
    group = fields.String(allow_none=True)
    count = fields.Integer()
    avg_working_days = fields.Float(allow_none=True)
    p90_working_days = fields.Float(allow_none=True)
    late = fields.Integer()
    breach_rate = fields.Float(allow_none=True)
    sla_working_days = fields.Float(allow_none=True)
    open = fields.Integer()
    overdue = fields.Integer()
    severity = fields.String(metadata={"description": "none, info, low, medium, high"})


class HeatDiagramSchema(Schema):
    file = fields.String()
    title = fields.String()
    xml = fields.String()
    elements = fields.List(fields.Nested(HeatElementSchema))


class HeatmapSchema(Schema):
    service = fields.String()
    name = fields.String()
    sop_days = fields.Integer()
    version = fields.Integer()
    period = fields.Nested(PeriodSchema)
    generated_at = fields.String()
    diagrams = fields.List(fields.Nested(HeatDiagramSchema))
