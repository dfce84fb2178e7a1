"""Audit API schemas."""
from __future__ import annotations

from flask_babel import gettext as _
from marshmallow import ValidationError, fields, validates_schema

from app.common.schemas import BaseSchema, PageArgsSchema, list_schema


class AuditArgsSchema(PageArgsSchema):
    kind = fields.String(load_default=None)
    actor_id = fields.Integer(load_default=None)
    subject = fields.String(load_default=None)
    date_from = fields.Date(data_key="from", load_default=None)
    date_to = fields.Date(data_key="to", load_default=None)
    ok = fields.Boolean(load_default=None)

    @validates_schema
    def dates_in_order(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError(_("Tanggal akhir tidak boleh sebelum tanggal awal."), "to")


class SecurityEventSchema(BaseSchema):
    id = fields.Integer()
    at = fields.String()
    kind = fields.String()
    actor_id = fields.Integer(allow_none=True)
    actor_label = fields.String(allow_none=True)
    subject = fields.String(allow_none=True)
    ip = fields.String(allow_none=True)
    ok = fields.Boolean()
    detail = fields.Dict()


SecurityEventListSchema = list_schema(SecurityEventSchema, "SecurityEventList")
