"""Service standard API (public)."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.catalog import service as catalog
from app.catalog.schemas import RequirementSchema
from app.common.openapi import public

from . import service

bp = Blueprint("standards_api", __name__, url_prefix="/api/v1", description="Standar pelayanan (publik)")


class ProcedureStepSchema(Schema):
    actor = fields.String()
    step = fields.String()
    working_days = fields.Integer(allow_none=True)


class ComplaintChannelSchema(Schema):
    name = fields.String()
    url = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


class ServiceStandardSchema(Schema):
    key = fields.String()
    name = fields.String()
    category = fields.String()
    category_label = fields.String()
    description = fields.String()
    requirements = fields.List(fields.Nested(RequirementSchema))
    sop_days = fields.Integer()
    procedure = fields.List(fields.Nested(ProcedureStepSchema))
    fee = fields.Dict()
    fee_label = fields.String()
    product = fields.String()
    legal_basis = fields.List(fields.String())
    complaint_channels = fields.List(fields.Nested(ComplaintChannelSchema))


@bp.get("/services/<key>/standard")
@bp.response(200, ServiceStandardSchema)
@public
def service_standard(key: str):
    """The published service standard: requirements, procedure, time, fee, product, complaint channels."""
    return service.standard_of(catalog.get(key))
