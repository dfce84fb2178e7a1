"""A submitted HTML form -> typed JSON data, validated with the form's schema (app/jsonforms/validation.py).

It walks the same field tree the renderer draws (`render.build_fields`), so every rendered field is
read back with the schema's types: choices become their `const`/`enum` values, numbers become numbers,
empty inputs are left out (the schema's `required` then reports them), map entries are kept for every
expected key, and uploads go through the caller's `store_file`. A text that misses its `pattern` only
because of the spaces, dashes or dots people type in numbers (`0812 3456-7890`, a NIK in groups) is
read without them. `valid_part` keeps what a draft may store when some fields are wrong.
"""
from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from app.common.text import without_separators

from .render import MISSING, Context, Field, _join, _object
from .validation import validate


def _typed_choice(node: Field, raw: str) -> Any:
    for option in node.options:
        if str(option["value"]) == raw:
            return option["value"]
    return raw


def _number(raw: str, kind: str, name: str, problems: dict[str, list[str]]) -> Any:
    text = raw.replace(" ", "")
    try:
        if kind == "integer":
            return int(text)
        return float(text.replace(",", "."))
    except ValueError:
        problems[name] = [_("Harus berupa bilangan bulat.") if kind == "integer" else _("Harus berupa angka.")]
        return MISSING


def _parse_file(node: Field, files, store_file, problems: dict[str, list[str]]) -> Any:
    upload = files.get(node.name) if files is not None else None
    if upload is None or not upload.filename:
        return MISSING
    if store_file is None:
        problems[node.name] = [_("Berkas tidak dapat diterima di sini.")]
        return MISSING
    from app.common.errors import AppError

    try:
        return store_file(node, upload)
    except AppError as exc:
        problems[node.name] = [next(iter(exc.fields.values()), [exc.message])[0] if exc.fields else exc.message]
        return MISSING


def _parse_leaf(node: Field, form, problems: dict[str, list[str]], ctx: Context) -> Any:
    if node.kind == "file":
        return _parse_file(node, ctx.files, ctx.store_file, problems)
    values = form.getlist(node.name)
    if node.kind in ("checkboxes",):
        if not values:
            return MISSING
        return [_typed_choice(node, v) for v in values if v != ""]
    if not values:
        return MISSING
    raw = values[-1].replace("\r\n", "\n")
    if node.kind == "checkbox":
        return raw.lower() in ("true", "on", "1", "ya")
    if node.kind == "lines":
        lines = "\n".join(values).replace("\r\n", "\n").split("\n")
        return [line.strip() for line in lines if line.strip()]
    raw = raw.strip()
    if raw == "":
        return MISSING
    if node.kind == "json":
        try:
            return json.loads(raw)
        except ValueError:
            problems[node.name] = [_("Format JSON tidak sah.")]
            return MISSING
    if node.options:
        return _typed_choice(node, raw)
    if node.schema.get("type") in ("integer", "number"):
        return _number(raw, node.schema["type"], node.name, problems)
    return _fitted(raw, node.schema.get("pattern"))


def _fitted(raw: str, pattern: Any) -> str:
    """The text, or the text without separators when only they keep it from matching the pattern."""
    if not isinstance(pattern, str):
        return raw
    try:
        if re.search(pattern, raw):
            return raw
        compact = without_separators(raw)
        return compact if compact and re.search(pattern, compact) else raw
    except re.error:
        return raw


def _submitted_keys(form, name: str) -> list[str]:
    prefix = f"{name}."
    keys: list[str] = []
    for submitted in form.keys():
        if submitted.startswith(prefix):
            key = submitted[len(prefix):].split(".", 1)[0]
            if key and key not in keys:
                keys.append(key)
    return keys


def _parse_node(node: Field, form, problems: dict[str, list[str]], ctx: Context, keep_empty: bool = False) -> Any:
    if node.kind == "object":
        result: dict[str, Any] = {}
        members = [g for c in node.children for g in (c.children if c.kind == "group" else [c])]
        for child in members:  # the fields of a UI step belong to the object around it
            value = _parse_node(child, form, problems, ctx)
            if value is not MISSING:
                result[child.name.rsplit(".", 1)[-1]] = value
        return result if (result or keep_empty or not node.name) else MISSING
    if node.kind == "map":
        result = {}
        known = {child.map_key: child for child in node.children}
        for key in _submitted_keys(form, node.name):
            if key not in known:
                extra = _object(node.schema["additionalProperties"], {}, _join(node.name, key), ctx, None)
                known[key] = extra
        for key, child in known.items():
            value = _parse_node(child, form, problems, ctx, keep_empty=True)
            result[key] = value if value is not MISSING else {}
        return result if result or form.getlist(node.name) else (MISSING if not node.required else {})
    return _parse_leaf(node, form, problems, ctx)


def parse_form(schema: dict, form, *, ui_schema: dict | None = None, map_keys: dict[str, list[dict]] | None = None,
               subforms: dict[str, dict] | None = None, partial: bool = False, files=None,
               store_file: Callable[[Field, Any], Any] | None = None) -> tuple[dict, dict[str, list[str]]]:
    """Typed data from a submitted form (a MultiDict), and field errors from parsing and the schema.

    File fields (UI widget "file") take their value from `store_file(field, upload)`, which stores the
    upload and returns what the schema expects (e.g. {"document_id", "filename"}) or raises an AppError.
    """
    ctx = Context(map_keys=map_keys or {}, subforms=subforms or {}, errors={}, id_prefix="f", files=files,
                  store_file=store_file)
    root = _object(schema or {"type": "object"}, ui_schema or {}, "", ctx, {})
    problems: dict[str, list[str]] = {}
    data = _parse_node(root, form, problems, ctx)
    errors = dict(problems)
    for path, messages in validate(schema, data, partial=partial).items():
        if path not in problems:
            errors[path] = messages
    for path, sub in (subforms or {}).items():
        value = _get_path(data, path)
        if isinstance(value, dict):
            for sub_path, messages in validate(sub["schema"], value, prefix=path, partial=partial).items():
                errors.setdefault(sub_path, messages)
    return data, errors


def _get_path(data: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _remove_path(data: dict, path: str) -> Any:
    parts = path.split(".")
    for part in parts[:-1]:
        data = data.get(part) if isinstance(data, dict) else None
    return data.pop(parts[-1], None) if isinstance(data, dict) else None


def _set_path(data: dict, path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        if not isinstance(data.get(part), dict):
            data[part] = {}
        data = data[part]
    data[parts[-1]] = value


def valid_part(schema: dict, data: dict, errors: dict[str, list[str]], previous: dict | None = None) -> dict:
    """What a draft may store of submitted `data`: every field without an error; for a field with an error,
    the value the draft held before (`previous`) while that is still valid, else nothing."""
    kept = copy.deepcopy(data)
    for path in errors:
        _remove_path(kept, path)
    for path in errors:
        old = _get_path(previous or {}, path)
        if old is not None:
            _set_path(kept, path, copy.deepcopy(old))
    for _round in range(3):  # an old value may have become invalid (an expired date, a changed sibling)
        remaining = validate(schema, kept, partial=True)
        if not remaining:
            break
        for path in remaining:
            _remove_path(kept, path)
    return kept


def prefill(schema: dict, ui_schema: dict | None, sources: dict[str, Any]) -> dict:
    """Starting data of a new form: each top-level field whose UI options name a `prefill` source
    (e.g. "profile.nik") takes that source's value, read as typed input, where the schema accepts it."""
    props = (schema or {}).get("properties") or {}
    data: dict[str, Any] = {}
    for key, options in ((ui_schema or {}).get("fields") or {}).items():
        source = options.get("prefill") if isinstance(options, dict) else None
        value = sources.get(source) if isinstance(source, str) else None
        if key in props and isinstance(value, str) and value.strip():
            data[key] = _fitted(value.strip(), props[key].get("pattern"))
    return valid_part(schema, data, validate(schema, data, partial=True))
