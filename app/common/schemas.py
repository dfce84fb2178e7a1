"""Marshmallow schemas shared by the API: errors and list envelopes."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from marshmallow import EXCLUDE, INCLUDE, Schema, ValidationError, fields, pre_load, validate

from app.common.i18n import N_

MAX_ID = 2**31 - 1  # row ids are 32-bit integers: a larger id is no row
MAX_PAGE = 100_000
ID_RANGE = validate.Range(min=1, max=MAX_ID)
PAGE_RANGE = validate.Range(min=1, max=MAX_PAGE)


_SURROGATES = re.compile("[\ud800-\udfff]")
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2100, 12, 31)
# Marked constants, translated where shown (error responses translate field messages): the range is written
# out in the message (a marked text cannot be an f-string), in the ISO form the input takes.
DATE_RANGE_MESSAGE = N_("Tanggal harus antara 2000-01-01 dan 2100-12-31.")
NUL_MESSAGE = N_("Karakter NUL tidak diizinkan.")
SURROGATE_MESSAGE = N_("Teks memuat karakter yang tidak sah (surrogate Unicode tanpa pasangan).")


def has_nul(text: str) -> bool:
    """True when the text holds a NUL character, which no database column accepts."""
    return "\x00" in text


def has_lone_surrogate(text: str) -> bool:
    """True when the text holds a lone UTF-16 surrogate ("\\ud800" in JSON), which cannot be encoded as UTF-8."""
    return _SURROGATES.search(text) is not None


def bad_text_paths(value: Any, bad: Callable[[str], bool], path: str = "") -> list[str]:
    """Paths of the strings (keys included) for which `bad(text)` holds, e.g. {"data.name", "tags.2"}."""
    if isinstance(value, str):
        return [path or "_body"] if bad(value) else []
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            found += [here] if isinstance(key, str) and bad(key) else bad_text_paths(item, bad, here)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found += bad_text_paths(item, bad, f"{path}.{index}" if path else str(index))
    return found


def in_date_range(value: date | datetime) -> bool:
    """True for a day or moment within the years the office can mean (2000-2100): no overflow in time zones."""
    day = value.date() if isinstance(value, datetime) else value
    return EARLIEST_DATE <= day <= LATEST_DATE


def _date_in_range(value: date | datetime) -> None:
    if value is not None and not in_date_range(value):
        raise ValidationError(DATE_RANGE_MESSAGE)


class BaseSchema(Schema):
    """Request schemas ignore unknown fields (clients may send more than we read), refuse NUL characters and
    lone surrogates, and accept dates and times only within 2000-2100."""

    class Meta:
        unknown = EXCLUDE

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        """Bound every date and datetime field: year 1 or 9999 overflows office-time conversions."""
        if isinstance(field_obj, fields.Date | fields.DateTime) and _date_in_range not in field_obj.validators:
            field_obj.validators.append(_date_in_range)

    @pre_load
    def _refuse_nul(self, data: Any, **_: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        plain = {key: data[key] for key in data}  # webargs' query/form proxies are mappings too
        errors = {p: [NUL_MESSAGE] for p in bad_text_paths(plain, has_nul)}
        errors |= {p: [SURROGATE_MESSAGE] for p in bad_text_paths(plain, has_lone_surrogate)}
        if errors:
            raise ValidationError(errors)
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
