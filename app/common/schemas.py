"""Marshmallow schemas shared by the API: errors and list envelopes."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import EXCLUDE, INCLUDE, Schema, ValidationError, fields, pre_load, validate

MAX_ID = 2**31 - 1  # row ids are 32-bit integers: a larger id is no row
MAX_PAGE = 100_000
ID_RANGE = validate.Range(min=1, max=MAX_ID)
PAGE_RANGE = validate.Range(min=1, max=MAX_PAGE)


def _nul_paths(value: Any, path: str = "") -> list[str]:
    """Paths of the strings (keys included) holding a NUL character, which no database column accepts."""
    if isinstance(value, str):
        return [path or "_body"] if "\x00" in value else []
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            found += [here] if isinstance(key, str) and "\x00" in key else _nul_paths(item, here)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found += _nul_paths(item, f"{path}.{index}" if path else str(index))
    return found


class BaseSchema(Schema):
    """Request schemas ignore unknown fields (clients may send more than we read) and refuse NUL characters."""

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _refuse_nul(self, data: Any, **_: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        paths = _nul_paths({key: data[key] for key in data})  # webargs' query/form proxies are mappings too
        if paths:
            raise ValidationError({p: ["Karakter NUL tidak diizinkan."] for p in paths})
        return data


class ErrorDetailSchema(Schema):
    """The body's `error`: a machine code, a readable message, messages per field path, and extras."""

    class Meta:
        unknown = INCLUDE  # some errors carry more (e.g. invalid_model's problems): documented as open

    code = fields.String(required=True, metadata={"description": "validation_error, malformed_json, not_found, ..."})
    message = fields.String(required=True)
    problems = fields.List(fields.Dict(), metadata={"description": "invalid_model: [{message, element_id, line}]"})
    warnings = fields.List(fields.Dict(), metadata={"description": "invalid_model: non-blocking findings"})
    reason = fields.String(metadata={"description": "payment conflicts: amount_mismatch, bill_expired, ..."})
    # last: from here on `fields` names this field, not the marshmallow module
    fields = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": 'messages per field path, e.g. {"data.nik": ["..."]}'})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


class PageArgsSchema(BaseSchema):
    page = fields.Integer(load_default=1, validate=PAGE_RANGE)
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


def list_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """An envelope {"items", "total", "page", "per_page"} around an item schema."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item_schema)),
        "total": fields.Integer(),
        "page": fields.Integer(),
        "per_page": fields.Integer(),
    }, name=name)
