"""Validate form data against its JSON Schema and its plausibility rules (app/jsonforms/rules.py), and report
errors by field path (Indonesian; English when chosen).

A model's own messages (`errorMessage`, an x-rules `message`, the field titles a rule's message names) come
from the schema's `x-translations` in the page's language (app/catalog/texts.py)."""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from flask_babel import gettext
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from app.catalog import texts
from app.common.i18n import N_

from .rules import rule_errors

_MESSAGES = {
    "required": N_("Wajib diisi."),
    "type": N_("Jenis isian tidak sesuai."),
    "enum": N_("Pilihan tidak valid."),
    "const": N_("Pilihan tidak valid."),
    "oneOf": N_("Pilihan tidak valid."),
    "anyOf": N_("Isian tidak sesuai."),
    "pattern": N_("Format tidak sesuai."),
    "format": N_("Format tidak sesuai."),
    "minLength": N_("Terlalu pendek."),
    "maxLength": N_("Terlalu panjang."),
    "minimum": N_("Nilai terlalu kecil."),
    "maximum": N_("Nilai terlalu besar."),
    "exclusiveMinimum": N_("Nilai terlalu kecil."),
    "exclusiveMaximum": N_("Nilai terlalu besar."),
    "minItems": N_("Jumlah pilihan terlalu sedikit."),
    "maxItems": N_("Jumlah pilihan terlalu banyak."),
    "additionalProperties": N_("Isian tidak dikenal."),
}
_GENERIC = frozenset(_MESSAGES.values())


@lru_cache(maxsize=256)
def _validator(schema_json: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_json), format_checker=FormatChecker())


def validator_for(schema: dict) -> Draft202012Validator:
    """A cached validator for a schema (its translations, which validation never reads, are not part of the key)."""
    if isinstance(schema, dict) and texts.TRANSLATIONS in schema:
        schema = {k: v for k, v in schema.items() if k != texts.TRANSLATIONS}
    return _validator(json.dumps(schema, sort_keys=True))


def _field_errors(error: ValidationError, prefix: str) -> list[tuple[str, str]]:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        path = path + [missing]
    if error.validator == "additionalProperties":
        extras = [p.split("'")[1] for p in error.message.split(",") if "'" in p]
        return [(".".join(filter(None, [prefix, *path, e])), _MESSAGES["additionalProperties"]) for e in extras]
    if error.validator in ("if", "then", "allOf") and error.context:
        found: list[tuple[str, str]] = []
        for sub in error.context:
            found.extend(_field_errors(sub, prefix))
        return found
    message = _custom_message(error) or _MESSAGES.get(str(error.validator), error.message)
    return [(".".join(filter(None, [prefix, *path])) or (prefix or "_body"), message)]


def _custom_message(error: ValidationError) -> str | None:
    schema = error.schema if isinstance(error.schema, dict) else {}
    messages = schema.get("errorMessage")
    if isinstance(messages, str):
        return messages
    if isinstance(messages, dict):
        return messages.get(str(error.validator))
    return None


def validate(schema: dict | None, data: Any, *, prefix: str = "", partial: bool = False) -> dict[str, list[str]]:
    """Field errors of `data` under `schema` and its `x-rules` ({} when valid); `partial` ignores missing fields."""
    if not schema:
        return {}
    schema = texts.localized(schema)  # the model's own messages and titles in the page's language
    errors: dict[str, list[str]] = {}
    for error in validator_for(schema).iter_errors(data):
        if partial and error.validator == "required":
            continue
        for path, message in _field_errors(error, prefix):
            if message in _GENERIC:  # a model's own errorMessage is shown as written
                message = gettext(message)
            bucket = errors.setdefault(path, [])
            if message not in bucket:
                bucket.append(message)
    for path, message in rule_errors(schema, data, prefix):
        if path not in errors:  # a value the schema already refuses is not compared
            errors[path] = [message]
    return errors
