"""Marshmallow schemas shared by the API: errors and list envelopes."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields


class BaseSchema(Schema):
    """Request schemas ignore unknown fields (clients may send more than we read)."""

    class Meta:
        unknown = EXCLUDE


class ErrorDetailSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


class PageArgsSchema(BaseSchema):
    page = fields.Integer(load_default=1, validate=lambda v: v >= 1)
    per_page = fields.Integer(load_default=50, validate=lambda v: 1 <= v <= 200)


def list_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """An envelope {"items", "total", "page", "per_page"} around an item schema."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item_schema)),
        "total": fields.Integer(),
        "page": fields.Integer(),
        "per_page": fields.Integer(),
    }, name=name)
